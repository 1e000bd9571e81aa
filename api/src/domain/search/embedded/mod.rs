//! The embedded search index: tantivy, one per replica, beside the
//! database rather than instead of it.
//!
//! The database stays the source of truth: writers index an article's
//! folded text into `article_search` and append its id to the search
//! journal in their own transaction (`index.rs`). Each replica's index
//! follows that journal ([`follow`]): it is built from the articles at
//! first start, replays the entries after its cursor on every start, on
//! every signal of a write and every second, and a search first replays
//! whatever the journal holds beyond it — so a search never misses a
//! write committed before it began, on any replica. While the index is
//! not built yet, searches run on the database's engine.
//!
//! What it buys ([`find`]): ranking the best k of 85,000 matches without
//! reading each match's text, which neither FTS5 nor a GIN index can do.

mod ahead;
pub mod documents;
pub mod evidence;
pub mod find;
pub mod follow;
mod phrases;
mod pruned;
mod restrictions;
pub mod schema;
mod top;

use std::{
    path::Path,
    sync::{
        Arc, Mutex,
        atomic::{AtomicI64, Ordering},
    },
};

use tantivy::{
    Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term,
    directory::MmapDirectory,
    indexer::{LogMergePolicy, NoMergePolicy},
};

use entity::article::ArticleStatus;

use self::{
    documents::IndexedArticle,
    schema::{Fields, register_tokenizer},
};
use crate::platform::error::{AppError, AppResult};

/// The writer's memory budget: tantivy flushes a segment when it is used
/// up (its floor is 15 MB per thread).
const WRITER_BYTES: usize = 32 << 20;
/// The payload of a commit: a format tag and the journal cursor.
const PAYLOAD_PREFIX: &str = "toasoan-search-v1:";

/// Where the index stands in the journal: the last entry applied, and
/// when that entry was recorded — so that a database restored or copied
/// under the index (whose entry of that number is another, or gone) is
/// noticed and the index rebuilt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub seq: i64,
    /// `recorded_at` of entry `seq`, in microseconds (0: the journal was
    /// empty).
    pub stamp: i64,
}

impl Cursor {
    fn payload(self) -> String {
        format!("{PAYLOAD_PREFIX}{}:{}", self.seq, self.stamp)
    }

    fn parse(payload: &str) -> Option<Self> {
        let (seq, stamp) = payload.strip_prefix(PAYLOAD_PREFIX)?.split_once(':')?;
        Some(Self {
            seq: seq.parse().ok()?,
            stamp: stamp.parse().ok()?,
        })
    }
}

/// One replica's search index.
pub struct EmbeddedIndex {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    /// The last journal entry the searchable index reflects; -1 until the
    /// index is built.
    applied: AtomicI64,
    /// That entry's `recorded_at` (see [`Cursor`]).
    stamp: AtomicI64,
    /// One catch-up at a time; whoever waited finds it done.
    catching_up: tokio::sync::Mutex<()>,
    /// Each segment's documents not public yet (`ahead.rs`).
    ahead: Arc<ahead::Ahead>,
    /// The temporary directory the index lives in, removed with it.
    _temporary: Option<tempfile::TempDir>,
}

impl EmbeddedIndex {
    /// Opens the index in `dir` (created when missing, started over when
    /// it was written by another version), or in memory. A directory that
    /// another process is writing (a second server on the same SQLite
    /// file) leaves this one an index in memory.
    pub fn open(dir: Option<&Path>) -> AppResult<Arc<Self>> {
        let Some(dir) = dir else {
            return Self::with_index(Index::create_in_ram(schema::schema().0));
        };
        match Self::on_disk(dir) {
            Err(tantivy::TantivyError::LockFailure(..)) => {
                tracing::warn!(dir = %dir.display(),
                    "search index directory in use by another process; indexing in memory");
                Self::with_index(Index::create_in_ram(schema::schema().0))
            }
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e,
                    "search index unreadable; rebuilding it");
                std::fs::remove_dir_all(dir).map_err(internal)?;
                Self::on_disk(dir).map_err(internal)
            }
            Ok(index) => Ok(index),
        }
    }

    /// An index in a new temporary directory, removed when the index is
    /// dropped: memory-mapped files the kernel may page out under
    /// pressure, where an index in memory would stay resident.
    pub fn temporary() -> AppResult<Arc<Self>> {
        let dir = tempfile::Builder::new()
            .prefix("toasoan-search-")
            .tempdir()
            .map_err(internal)?;
        let index = Index::create(
            MmapDirectory::open(dir.path()).map_err(internal)?,
            schema::schema().0,
            tantivy::IndexSettings::default(),
        )
        .map_err(internal)?;
        Self::build_on(index, Some(dir)).map_err(internal)
    }

    fn on_disk(dir: &Path) -> tantivy::Result<Arc<Self>> {
        std::fs::create_dir_all(dir)?;
        let index = Index::open_or_create(MmapDirectory::open(dir)?, schema::schema().0)?;
        Self::build_on(index, None)
    }

    fn with_index(index: Index) -> AppResult<Arc<Self>> {
        Self::build_on(index, None).map_err(internal)
    }

    fn build_on(index: Index, temporary: Option<tempfile::TempDir>) -> tantivy::Result<Arc<Self>> {
        let fields = schema::fields(&index.schema())?;
        register_tokenizer(&index);
        let writer = index.writer_with_num_threads(1, WRITER_BYTES)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let cursor = index
            .load_metas()
            .ok()
            .and_then(|m| m.payload)
            .and_then(|p| Cursor::parse(&p))
            .unwrap_or(Cursor { seq: -1, stamp: 0 });
        Ok(Arc::new(Self {
            reader,
            writer: Mutex::new(writer),
            fields,
            applied: AtomicI64::new(cursor.seq),
            stamp: AtomicI64::new(cursor.stamp),
            catching_up: tokio::sync::Mutex::new(()),
            ahead: Arc::default(),
            _temporary: temporary,
        }))
    }

    /// Whether searches can use the index (it has been built).
    pub fn is_ready(&self) -> bool {
        self.applied() >= 0
    }

    /// The last journal entry the searchable index reflects (-1: none).
    pub fn applied(&self) -> i64 {
        self.applied.load(Ordering::Acquire)
    }

    /// The committed cursor (its seq is -1 before the first build).
    pub fn cursor(&self) -> Cursor {
        Cursor {
            seq: self.applied(),
            stamp: self.stamp.load(Ordering::Acquire),
        }
    }

    /// How many articles the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds no article.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replaces `ids` by `articles` (those of them still live), then
    /// commits what is staged at journal entry `cursor` and makes it
    /// searchable. Blocking: call it off the async threads.
    fn apply(
        &self,
        ids: &[i64],
        articles: Vec<IndexedArticle>,
        cursor: Cursor,
    ) -> tantivy::Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let result = (|| {
            for id in ids {
                writer.delete_term(Term::from_field_u64(self.fields.id, *id as u64));
            }
            for article in articles {
                writer.add_document(self.document(article))?;
            }
            let mut commit = writer.prepare_commit()?;
            commit.set_payload(&cursor.payload());
            commit.commit()?;
            self.reader.reload()
        })();
        match result {
            Ok(()) => {
                // Only catch-ups write, one at a time: the cursor moves
                // forward, or back to a rebuild's head.
                self.stamp.store(cursor.stamp, Ordering::Release);
                self.applied.store(cursor.seq, Ordering::Release);
                Ok(())
            }
            Err(e) => {
                // Nothing half-applied stays queued for the next commit.
                let _ = writer.rollback();
                Err(e)
            }
        }
    }

    /// Merges every searchable segment into one and makes it searchable.
    /// A build leaves a segment per flush of the writer's budget (eight
    /// at 100,000 articles), and a search opens each word's postings,
    /// seeks and scores block bounds once per segment. Blocking (as long
    /// as the merge: seconds); searches go on over the segments meanwhile.
    fn compact(&self) -> tantivy::Result<usize> {
        let segments: Vec<_> = self
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        let merging = {
            let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
            // Writes after the build merge as usual again; the policy
            // cannot take the segments this merge holds.
            writer.set_merge_policy(Box::<LogMergePolicy>::default());
            if segments.len() < 2 {
                return Ok(segments.len());
            }
            writer.merge(&segments)
        };
        merging.wait()?;
        self.reader.reload()?;
        Ok(segments.len())
    }

    /// Starts a build: everything uncommitted is dropped and every
    /// document deleted — for searchers only at the next commit. Blocking.
    fn reset(&self) -> tantivy::Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        writer.rollback()?;
        writer.delete_all_documents()?;
        // The build's segments are merged into one at its end
        // ([`Self::compact`]): merging some of them before is wasted work.
        writer.set_merge_policy(Box::new(NoMergePolicy));
        Ok(())
    }

    /// Adds `articles` to the index without committing (a build's
    /// batches, committed by [`Self::apply`]). Blocking.
    fn stage(&self, articles: Vec<IndexedArticle>) -> tantivy::Result<()> {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        for article in articles {
            writer.add_document(self.document(article))?;
        }
        Ok(())
    }

    /// Drops whatever was staged and not committed. Blocking.
    fn discard(&self) {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writer.rollback();
        writer.set_merge_policy(Box::<LogMergePolicy>::default());
    }

    fn document(&self, a: IndexedArticle) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_u64(f.id, a.texts.id as u64);
        doc.add_text(f.title, &a.texts.title);
        doc.add_text(f.lead, &a.texts.lead);
        doc.add_text(f.captions, &a.texts.captions);
        doc.add_text(f.extra, &a.texts.extra);
        doc.add_text(f.body, &a.texts.body);
        let texts = [
            &a.texts.title,
            &a.texts.lead,
            &a.texts.captions,
            &a.texts.extra,
            &a.texts.body,
        ];
        for (text, repeats) in texts.into_iter().zip(Fields::REPEATS) {
            if text.is_empty() {
                continue;
            }
            for _ in 0..repeats {
                doc.add_text(f.all, text);
            }
        }
        doc.add_text(f.marked, &a.texts.marked);
        doc.add_u64(f.status, a.status);
        if let Some(at) = a.published_at {
            doc.add_i64(f.published_at, at.timestamp_micros());
        }
        let shown = a.status == documents::status_code(ArticleStatus::Published)
            || a.status == documents::status_code(ArticleStatus::Scheduled);
        let public_from = match a.published_at {
            Some(at) if shown => at.timestamp_micros(),
            _ => i64::MAX,
        };
        doc.add_i64(f.public_from, public_from);
        for (field, ids) in [
            (f.section, a.section.into_iter().collect::<Vec<_>>()),
            (f.person, a.people),
            (f.organization, a.organizations),
            (f.event, a.events),
            (f.tag, a.tags),
        ] {
            for id in ids {
                doc.add_u64(field, id as u64);
            }
        }
        doc
    }
}

/// A tantivy failure, as an internal error (its text is logged, never
/// shown to clients).
pub(crate) fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("search index: {e}"))
}
