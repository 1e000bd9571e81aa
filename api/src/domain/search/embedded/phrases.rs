//! Whether a document holds every phrase of a query — its words at
//! consecutive positions of one text field — read from the fields'
//! positions one document at a time. The pruned first stage
//! (`pruned.rs`) asks it only of the documents it might keep, instead of
//! intersecting the phrase's position lists over every document that
//! holds its words.

use tantivy::{
    DocId, DocSet, SegmentReader, TERMINATED, Term,
    postings::{Postings, SegmentPostings},
    schema::IndexRecordOption,
};

use super::schema::Fields;

/// The phrases of a query in one segment, asked of documents in
/// ascending order (the position lists are read forwards only).
pub struct PhraseCheck {
    /// Per phrase, per text field: the postings of each word, or `None`
    /// when the field never holds one of them.
    phrases: Vec<Vec<Option<Vec<SegmentPostings>>>>,
    positions: Vec<u32>,
    starts: Vec<u32>,
}

impl PhraseCheck {
    /// The check of `phrases` (folded words, two or more each) in
    /// `reader`'s segment.
    pub fn open(
        reader: &SegmentReader,
        f: &Fields,
        phrases: &[Vec<String>],
    ) -> tantivy::Result<Self> {
        let mut opened = Vec::with_capacity(phrases.len());
        for phrase in phrases {
            let mut fields = Vec::with_capacity(5);
            for field in f.texts() {
                let inverted = reader.inverted_index(field)?;
                let mut words = Vec::with_capacity(phrase.len());
                for w in phrase {
                    let term = Term::from_field_text(field, w);
                    match inverted.read_postings(&term, IndexRecordOption::WithFreqsAndPositions)? {
                        Some(postings) => words.push(postings),
                        None => break,
                    }
                }
                fields.push((words.len() == phrase.len()).then_some(words));
            }
            opened.push(fields);
        }
        Ok(Self {
            phrases: opened,
            positions: Vec::new(),
            starts: Vec::new(),
        })
    }

    /// Whether `doc` holds every phrase, each in some text field. `doc`
    /// must not be below a document asked before.
    pub fn holds(&mut self, doc: DocId) -> bool {
        let Self {
            phrases,
            positions,
            starts,
        } = self;
        phrases.iter_mut().all(|fields| {
            fields
                .iter_mut()
                .flatten()
                .any(|words| in_order(words, doc, positions, starts))
        })
    }
}

/// Whether `words` (one field's postings, in the phrase's order) stand at
/// consecutive positions of `doc`.
fn in_order(
    words: &mut [SegmentPostings],
    doc: DocId,
    positions: &mut Vec<u32>,
    starts: &mut Vec<u32>,
) -> bool {
    // Every word in the document before any position is read.
    for postings in words.iter_mut() {
        let at = if postings.doc() >= doc {
            postings.doc()
        } else {
            postings.seek(doc)
        };
        if at != doc || at == TERMINATED {
            return false;
        }
    }
    // Where the phrase could start: the first word's positions, kept
    // while the i-th word stands i places after them.
    words[0].positions(starts);
    for (i, postings) in words.iter_mut().enumerate().skip(1) {
        postings.positions(positions);
        let offset = i as u32;
        let mut next = positions
            .iter()
            .filter_map(|p| p.checked_sub(offset))
            .peekable();
        starts.retain(|start| {
            while next.next_if(|p| p < start).is_some() {}
            next.peek() == Some(start)
        });
        if starts.is_empty() {
            return false;
        }
    }
    true
}
