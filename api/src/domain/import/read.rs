//! Reading a source file off the async runtime: a blocking thread parses
//! it and hands items over a small bounded channel, so an export of any
//! size is read in bounded memory at the pace the database writes, and a
//! shared counter says how far into the file the reader is.

use std::{
    fs::File,
    io::{BufReader, Read},
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use tokio::sync::mpsc;

use super::{
    ninjs,
    source::{BadItem, SourceArticle, SourcePhoto, SourceTerm},
    wordpress,
};

/// What the reader hands over.
pub enum Message {
    /// Everything a WordPress export declares before its posts, to be
    /// created first (authors with no posts and unused tags included).
    Catalog(Box<CatalogTerms>),
    Item(Box<Result<SourceArticle, BadItem>>),
}

/// A source's own catalogue: the terms it declares, whether posts use
/// them or not.
#[derive(Default)]
pub struct CatalogTerms {
    pub people: Vec<SourceTerm>,
    /// Each section with its ancestors, root first.
    pub sections: Vec<Vec<SourceTerm>>,
    pub tags: Vec<SourceTerm>,
    pub photos: Vec<SourcePhoto>,
}

impl From<&wordpress::Catalog> for CatalogTerms {
    /// Authors become people, categories sections (each with its
    /// ancestors), attachments photos.
    fn from(catalog: &wordpress::Catalog) -> Self {
        let by_slug: std::collections::HashMap<&str, &wordpress::Category> = catalog
            .categories
            .iter()
            .map(|c| (c.slug.as_str(), c))
            .collect();
        let sections = catalog
            .categories
            .iter()
            .filter(|c| c.slug != "uncategorized")
            .map(|category| {
                let mut chain = vec![SourceTerm {
                    slug: category.slug.clone(),
                    name: category.name.clone(),
                }];
                let mut parent = category.parent.as_deref();
                // Bounded: a loop in a broken export ends here.
                while let Some(slug) = parent
                    && chain.len() < 16
                {
                    let Some(up) = by_slug.get(slug) else { break };
                    chain.insert(
                        0,
                        SourceTerm {
                            slug: up.slug.clone(),
                            name: up.name.clone(),
                        },
                    );
                    parent = up.parent.as_deref();
                }
                chain
            })
            .collect();
        let mut photos: Vec<(u64, SourcePhoto)> = catalog
            .attachments
            .iter()
            .map(|(id, photo)| (*id, photo.clone()))
            .collect();
        photos.sort_by_key(|(id, _)| *id);
        Self {
            people: catalog
                .authors
                .iter()
                .map(|a| SourceTerm {
                    slug: a.slug.clone(),
                    name: a.display_name.clone(),
                })
                .collect(),
            sections,
            tags: catalog.tags.clone(),
            photos: photos.into_iter().map(|(_, p)| p).collect(),
        }
    }
}

/// The formats we read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A WordPress eXtended RSS export (WXR 1.2).
    Wordpress,
    /// ninjs 3.x: one item per line, or a directory of `.json` files.
    Ninjs,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Wordpress => "wordpress",
            Format::Ninjs => "ninjs",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "wordpress" | "wxr" => Some(Format::Wordpress),
            "ninjs" => Some(Format::Ninjs),
            _ => None,
        }
    }
}

/// Items waiting between the reader and the writer.
const QUEUE: usize = 32;

/// A running reader: its messages, its position, the size to read.
pub struct Reader {
    pub messages: mpsc::Receiver<Message>,
    pub bytes_read: Arc<AtomicU64>,
    pub bytes_total: u64,
}

/// Starts reading `path` as `format`. Files that cannot be opened are
/// reported now; problems inside them come as messages.
pub fn start(path: &Path, format: Format, options: wordpress::Options) -> std::io::Result<Reader> {
    let files = files(path, format)?;
    let mut bytes_total = 0;
    for file in &files {
        bytes_total += std::fs::metadata(file)?.len();
    }
    let (send, messages) = mpsc::channel(QUEUE);
    let bytes_read = Arc::new(AtomicU64::new(0));
    let counter = bytes_read.clone();
    tokio::task::spawn_blocking(move || {
        let passes = match format {
            Format::Wordpress => read_wordpress(&files[0], options, &send, &counter),
            Format::Ninjs => read_ninjs(&files, &send, &counter),
        };
        if let Err(message) = passes {
            // The receiver may be gone (a strict stop): nothing to tell.
            let _ = send.blocking_send(Message::Item(Box::new(Err(BadItem {
                source_id: None,
                line: 0,
                message,
            }))));
        }
    });
    Ok(Reader {
        messages,
        bytes_read,
        bytes_total,
    })
}

/// The files to read: the file itself, or a directory's `.json` files in
/// name order.
fn files(path: &Path, format: Format) -> std::io::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        File::open(path)?;
        return Ok(vec![path.to_owned()]);
    }
    if format == Format::Wordpress {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "a WordPress export is one file, not a directory",
        ));
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// Counts the bytes the parser takes from the file.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn open(path: &Path, count: &Arc<AtomicU64>) -> Result<BufReader<Counting<File>>, String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    Ok(BufReader::with_capacity(
        64 * 1024,
        Counting {
            inner: file,
            count: count.clone(),
        },
    ))
}

/// Two passes: the catalogue (authors, categories, tags, attachments)
/// from the whole file, then the posts, which refer to it.
fn read_wordpress(
    path: &Path,
    options: wordpress::Options,
    send: &mpsc::Sender<Message>,
    count: &Arc<AtomicU64>,
) -> Result<(), String> {
    // The first pass is not progress: only the second counts.
    let uncounted = Arc::new(AtomicU64::new(0));
    let catalog = match wordpress::scan_catalog(open(path, &uncounted)?) {
        Ok(catalog) => catalog,
        Err(bad) => {
            let _ = send.blocking_send(Message::Item(Box::new(Err(bad))));
            return Ok(());
        }
    };
    let terms = CatalogTerms::from(&catalog);
    let catalog = Arc::new(catalog);
    if send
        .blocking_send(Message::Catalog(Box::new(terms)))
        .is_err()
    {
        return Ok(());
    }
    let items = wordpress::items(
        open(path, count)?,
        catalog,
        options,
        super::html::blocks_from_html,
    );
    for item in items {
        if send.blocking_send(Message::Item(Box::new(item))).is_err() {
            break;
        }
    }
    Ok(())
}

fn read_ninjs(
    files: &[PathBuf],
    send: &mpsc::Sender<Message>,
    count: &Arc<AtomicU64>,
) -> Result<(), String> {
    let single = files.len() == 1 && files[0].extension().is_none_or(|e| e != "json");
    for path in files {
        let reader = open(path, count)?;
        if single {
            for item in ninjs::lines(reader) {
                if send.blocking_send(Message::Item(Box::new(item))).is_err() {
                    return Ok(());
                }
            }
            continue;
        }
        let mut text = String::new();
        let item = match { reader }.read_to_string(&mut text) {
            Ok(_) => ninjs::item(&text, 1),
            Err(e) => Err(BadItem {
                source_id: None,
                line: 1,
                message: format!("unreadable: {e}"),
            }),
        };
        let item = item.map_err(|mut bad| {
            bad.message = format!("{}: {}", path.display(), bad.message);
            bad
        });
        if send.blocking_send(Message::Item(Box::new(item))).is_err() {
            return Ok(());
        }
    }
    Ok(())
}
