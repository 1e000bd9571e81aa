//! The embedded index's fields: the folded text of each part of an
//! article (as `article_search` holds it), the same text once more in one
//! field weighted by repetition (what a search's words are matched and
//! scored on), and what searches filter and sort on (status, publication
//! time, section, links), as indexed and fast fields.

use tantivy::{
    Index,
    schema::{FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions},
    tokenizer::{RemoveLongFilter, SimpleTokenizer, TextAnalyzer},
};

/// The tokenizer of the text fields. The text is folded before it is
/// indexed (`fold.rs`: lower-case ASCII words), so splitting on what is
/// not a letter or digit is all that is left to do.
pub const TOKENIZER: &str = "folded";

/// The index's fields.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub id: Field,
    pub title: Field,
    pub lead: Field,
    pub captions: Field,
    pub extra: Field,
    pub body: Field,
    /// Every text field in one, each repeated as many times as its weight
    /// ([`Fields::repeats`]): BM25F, the field-weighted BM25 of a single
    /// posting list per word. A search's words are matched and scored
    /// here, so that a common query intersects one list per word instead
    /// of a union of five (the per-field fields serve phrases, prefixes
    /// and the re-rank's positions).
    pub all: Field,
    /// The accent keys of the words as written (never searched: the
    /// re-rank asks which of the typed keys a candidate holds).
    pub marked: Field,
    pub status: Field,
    pub published_at: Field,
    /// When an anonymous reader may see the article: its publication
    /// time when it is published or scheduled, never (`i64::MAX`)
    /// otherwise. What a reader may not see yet is the few documents
    /// above "now": one small range excluded, rather than a status set
    /// and a range over every document.
    pub public_from: Field,
    pub section: Field,
    pub person: Field,
    pub organization: Field,
    pub event: Field,
    pub tag: Field,
}

impl Fields {
    /// The text fields, in the re-rank's order (`rank::Evidence`).
    pub fn texts(&self) -> [Field; 5] {
        [self.title, self.lead, self.captions, self.extra, self.body]
    }

    /// How many times each text field goes into [`Fields::all`], in
    /// [`Fields::texts`] order: the weights of [`Fields::weighted`].
    pub const REPEATS: [usize; 5] = [10, 5, 3, 3, 1];

    /// The text fields with their weights: title > lead > captions and
    /// linked names > body (the same order as the database engines').
    pub fn weighted(&self) -> [(Field, f32); 5] {
        let [title, lead, captions, extra, body] = Self::REPEATS.map(|r| r as f32);
        [
            (self.title, title),
            (self.lead, lead),
            (self.captions, captions),
            (self.extra, extra),
            (self.body, body),
        ]
    }
}

/// The fields of `schema` (an index opened from disk has the schema it
/// was created with: a field that is missing is an error).
pub fn fields(schema: &Schema) -> tantivy::Result<Fields> {
    let f = |name: &str| schema.get_field(name);
    Ok(Fields {
        id: f("id")?,
        title: f("title")?,
        lead: f("lead")?,
        captions: f("captions")?,
        extra: f("extra")?,
        body: f("body")?,
        all: f("all")?,
        marked: f("marked")?,
        status: f("status")?,
        published_at: f("published_at")?,
        public_from: f("public_from")?,
        section: f("section")?,
        person: f("person")?,
        organization: f("organization")?,
        event: f("event")?,
        tag: f("tag")?,
    })
}

/// Builds the schema and names its fields.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = text_options(IndexRecordOption::WithFreqsAndPositions);
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | FAST),
        title: b.add_text_field("title", text.clone()),
        lead: b.add_text_field("lead", text.clone()),
        captions: b.add_text_field("captions", text.clone()),
        extra: b.add_text_field("extra", text.clone()),
        body: b.add_text_field("body", text),
        // Frequencies without positions: phrases use the fields above.
        all: b.add_text_field("all", text_options(IndexRecordOption::WithFreqs)),
        marked: b.add_text_field("marked", text_options(IndexRecordOption::Basic)),
        status: b.add_u64_field("status", INDEXED),
        published_at: b.add_i64_field("published_at", INDEXED | FAST),
        // Indexed only: the filter reads its terms, never its values.
        public_from: b.add_i64_field("public_from", INDEXED),
        section: b.add_u64_field("section", INDEXED),
        person: b.add_u64_field("person", INDEXED),
        organization: b.add_u64_field("organization", INDEXED),
        event: b.add_u64_field("event", INDEXED),
        tag: b.add_u64_field("tag", INDEXED),
    };
    (b.build(), fields)
}

/// A text field folded by [`TOKENIZER`], its postings recording `record`.
fn text_options(record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(record),
    )
}

/// Registers [`TOKENIZER`] on `index`.
pub fn register_tokenizer(index: &Index) {
    index.tokenizers().register(
        TOKENIZER,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(80))
            .build(),
    );
}
