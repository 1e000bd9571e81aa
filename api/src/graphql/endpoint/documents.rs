//! Parsed documents, kept by their text. Frontends send the same few
//! documents over and over (the home page, the article page) with other
//! variables, and parsing one is the largest single cost of a request
//! after the database: 8 % of the server's CPU on an article page
//! (bench/NOTES.md). A kept document is cloned for each request (the
//! executor consumes it), which costs a fraction of parsing it again.
//!
//! Bounded in bytes: a document is charged an upper bound of its parsed
//! size ([`charge`]), the least recently used go first, and a document
//! longer than [`MAX_KEPT_DOCUMENT`] is parsed every time. Only documents
//! that parse are kept, so a flood of distinct or broken documents costs
//! what it cost before and cannot grow the store. Validation still runs
//! on every request: its result depends on the variables.

use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::{
    Request, ServerError,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};
use lru::LruCache;

/// The store's budget: at most this many bytes of charged documents
/// (about 150 documents of an article page's size).
pub const MAX_BYTES: usize = 16 << 20;

/// The longest document text that is kept.
pub const MAX_KEPT_DOCUMENT: usize = 16 << 10;

/// What a kept document is charged per byte of its text: its literal
/// values (a list item of two bytes becomes a value of some forty) and the
/// key.
pub const CHARGE_PER_BYTE: usize = 40;

/// What a kept document is charged per selection, argument, directive and
/// variable: measured 210-360 bytes per node for flat documents (the
/// benchmark's article page parses to 30 KB for 918 bytes of text) and
/// 760 for one field per level nested 60 deep.
pub const CHARGE_PER_NODE: usize = 768;

/// Documents by their text, least recently used out first.
pub struct ParsedDocuments {
    store: Mutex<Store>,
}

struct Store {
    documents: LruCache<String, Kept>,
    bytes: usize,
    max_bytes: usize,
}

struct Kept {
    document: Arc<ExecutableDocument>,
    charge: usize,
}

impl Default for ParsedDocuments {
    fn default() -> Self {
        Self::new(MAX_BYTES)
    }
}

impl ParsedDocuments {
    /// An empty store of `max_bytes`.
    pub fn new(max_bytes: usize) -> Self {
        Self {
            store: Mutex::new(Store {
                documents: LruCache::unbounded(),
                bytes: 0,
                max_bytes,
            }),
        }
    }

    /// `request`'s parsed document: a copy of the kept one when its text
    /// was seen before, else parsed (and kept when it parses and is short
    /// enough). The request holds it, so the executor does not parse.
    pub fn parse<'r>(
        &self,
        request: &'r mut Request,
    ) -> Result<&'r ExecutableDocument, ServerError> {
        let kept = self
            .lock()
            .documents
            .get(request.query.as_str())
            .map(|kept| kept.document.clone());
        if let Some(kept) = kept {
            request.set_parsed_query(ExecutableDocument::clone(&kept));
            return request.parsed_query();
        }
        let text = (request.query.len() <= MAX_KEPT_DOCUMENT).then(|| request.query.clone());
        let parsed = request.parsed_query()?;
        if let Some(text) = text {
            let charge = charge(&text, parsed);
            let document = Arc::new(parsed.clone());
            self.lock().insert(text, document, charge);
        }
        request.parsed_query()
    }

    /// Documents kept, and the bytes they are charged.
    #[cfg(test)]
    fn usage(&self) -> (usize, usize) {
        let store = self.lock();
        (store.documents.len(), store.bytes)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        // The store holds no invariant a panic could break halfway.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store {
    fn insert(&mut self, text: String, document: Arc<ExecutableDocument>, charge: usize) {
        if charge > self.max_bytes || self.documents.contains(&text) {
            return;
        }
        while self.bytes + charge > self.max_bytes {
            match self.documents.pop_lru() {
                Some((_, old)) => self.bytes -= old.charge,
                None => break,
            }
        }
        self.bytes += charge;
        self.documents.put(text, Kept { document, charge });
    }
}

/// An upper bound of what `document`, parsed from `text`, holds in memory.
pub fn charge(text: &str, document: &ExecutableDocument) -> usize {
    let mut nodes = 0;
    for (_, operation) in document.operations.iter() {
        nodes += operation.node.variable_definitions.len()
            + operation.node.directives.len()
            + selections(&operation.node.selection_set.node);
    }
    for fragment in document.fragments.values() {
        nodes += 1 + fragment.node.directives.len() + selections(&fragment.node.selection_set.node);
    }
    text.len()
        .saturating_mul(CHARGE_PER_BYTE)
        .saturating_add(nodes.saturating_mul(CHARGE_PER_NODE))
}

/// Selections, arguments and directives under `set`.
fn selections(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(field) => {
                1 + field.node.arguments.len()
                    + field.node.directives.len()
                    + selections(&field.node.selection_set.node)
            }
            Selection::FragmentSpread(spread) => 1 + spread.node.directives.len(),
            Selection::InlineFragment(inline) => {
                1 + inline.node.directives.len() + selections(&inline.node.selection_set.node)
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: &str = "query Home($after: String) { articles(first: 20, after: $after) { \
                        edges { node { slug title section { name } } } } }";

    #[test]
    fn a_seen_document_is_copied_not_parsed() {
        let documents = ParsedDocuments::default();
        let mut first = Request::new(HOME);
        let parsed = documents.parse(&mut first).unwrap().clone();
        // The variable, `articles` and its two arguments, then edges,
        // node, slug, title, section and name.
        let nodes = 1 + 3 + 6;
        assert_eq!(
            documents.usage(),
            (1, HOME.len() * CHARGE_PER_BYTE + nodes * CHARGE_PER_NODE)
        );

        let mut second = Request::new(HOME);
        let copied = documents.parse(&mut second).unwrap();
        // The same tree (positions included), and still one entry.
        assert_eq!(format!("{copied:?}"), format!("{parsed:?}"));
        assert_eq!(documents.usage().0, 1);
    }

    #[test]
    fn a_broken_document_is_an_error_and_is_not_kept() {
        let documents = ParsedDocuments::default();
        let mut broken = Request::new("{ articles(first: 20) { edges ");
        assert!(documents.parse(&mut broken).is_err());
        assert_eq!(documents.usage(), (0, 0));
    }

    #[test]
    fn a_long_document_is_parsed_but_not_kept() {
        let documents = ParsedDocuments::default();
        let long = format!(
            "{{ {} }}",
            (0..2_000)
                .map(|i| format!("a{i}: __typename"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        assert!(long.len() > MAX_KEPT_DOCUMENT);
        let mut request = Request::new(long);
        assert!(documents.parse(&mut request).is_ok());
        assert_eq!(documents.usage(), (0, 0));
    }

    #[test]
    fn the_store_keeps_within_its_budget_newest_first() {
        let one = {
            let text = format!("{{ a{:04}: __typename }}", 0);
            charge(&text, &async_graphql::parser::parse_query(&text).unwrap())
        };
        let documents = ParsedDocuments::new(one * 3);
        for i in 0..10 {
            let mut request = Request::new(format!("{{ a{i:04}: __typename }}"));
            documents.parse(&mut request).unwrap();
            assert!(documents.usage().1 <= one * 3);
        }
        assert_eq!(documents.usage(), (3, one * 3));
        let store = documents.lock();
        let kept: Vec<&String> = store.documents.iter().map(|(text, _)| text).collect();
        assert_eq!(
            kept,
            [
                "{ a0009: __typename }",
                "{ a0008: __typename }",
                "{ a0007: __typename }"
            ]
        );
    }
}
