//! The size of a parsed document, counted the way the executor will see it:
//! every fragment as many times as it is spread. Each fragment is counted
//! once and remembered, so a fragment spread ten times in a fragment spread
//! ten times (and so on) costs a few steps here, while its expansion (what
//! validation and execution would walk) is counted in full.

use std::collections::HashMap;

use async_graphql::{
    Name, Positioned,
    parser::types::{ExecutableDocument, FragmentDefinition, Selection, SelectionSet},
};

/// Spreads nested deeper than this (a fragment spreading a fragment …)
/// count as unbounded: no real client nests that far.
const MAX_SPREAD_NESTING: usize = 64;

/// What a document selects, after fragment expansion.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Measures {
    /// The most root fields of one operation.
    pub root_fields: usize,
    /// The most aliased fields of one operation.
    pub aliases: usize,
    /// The fields of all operations together (validation walks them all).
    pub fields: usize,
}

/// The measures of `document`.
pub fn measure(document: &ExecutableDocument) -> Measures {
    let mut walk = Walk {
        fragments: &document.fragments,
        memo: HashMap::new(),
        nesting: 0,
    };
    let mut measures = Measures::default();
    for (_, operation) in document.operations.iter() {
        let tally = walk.selection_set(&operation.node.selection_set.node);
        measures.root_fields = measures.root_fields.max(tally.top);
        measures.aliases = measures.aliases.max(tally.aliases);
        measures.fields = measures.fields.saturating_add(tally.fields);
    }
    measures
}

/// The count of one selection set.
#[derive(Clone, Copy, Default)]
struct Tally {
    /// Fields at its own level (fragments expanded).
    top: usize,
    aliases: usize,
    fields: usize,
}

impl Tally {
    const UNBOUNDED: Tally = Tally {
        top: usize::MAX,
        aliases: usize::MAX,
        fields: usize::MAX,
    };

    fn add(self, other: Tally) -> Tally {
        Tally {
            top: self.top.saturating_add(other.top),
            aliases: self.aliases.saturating_add(other.aliases),
            fields: self.fields.saturating_add(other.fields),
        }
    }
}

struct Walk<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    /// Counted fragments; `None` while one is being counted (a cycle,
    /// which validation refuses: it counts nothing here).
    memo: HashMap<&'a str, Option<Tally>>,
    nesting: usize,
}

impl<'a> Walk<'a> {
    fn selection_set(&mut self, set: &'a SelectionSet) -> Tally {
        let mut tally = Tally::default();
        for selection in &set.items {
            let item = match &selection.node {
                Selection::Field(field) => {
                    let inner = self.selection_set(&field.node.selection_set.node);
                    Tally {
                        top: 1,
                        aliases: inner
                            .aliases
                            .saturating_add(usize::from(field.node.alias.is_some())),
                        fields: inner.fields.saturating_add(1),
                    }
                }
                Selection::InlineFragment(inline) => {
                    self.selection_set(&inline.node.selection_set.node)
                }
                Selection::FragmentSpread(spread) => {
                    self.fragment(spread.node.fragment_name.node.as_str())
                }
            };
            tally = tally.add(item);
        }
        tally
    }

    fn fragment(&mut self, name: &'a str) -> Tally {
        match self.memo.get(name) {
            Some(Some(tally)) => return *tally,
            Some(None) => return Tally::default(),
            None => {}
        }
        let Some(fragment) = self.fragments.get(name) else {
            return Tally::default(); // unknown: validation refuses it
        };
        if self.nesting >= MAX_SPREAD_NESTING {
            return Tally::UNBOUNDED;
        }
        self.memo.insert(name, None);
        self.nesting += 1;
        let tally = self.selection_set(&fragment.node.selection_set.node);
        self.nesting -= 1;
        self.memo.insert(name, Some(tally));
        tally
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measures(query: &str) -> Measures {
        measure(&async_graphql::parser::parse_query(query).unwrap())
    }

    #[test]
    fn counts_root_fields_aliases_and_fields() {
        let m =
            measures("{ a: articles { totalCount } b: articles { totalCount } sections { slug } }");
        assert_eq!(
            m,
            Measures {
                root_fields: 3,
                aliases: 2,
                fields: 6
            }
        );
    }

    #[test]
    fn fragments_count_as_often_as_they_are_spread() {
        let m = measures(
            "query { ...Root ...Root }
             fragment Root on Query { x: articles { ...Card ...Card } }
             fragment Card on ArticleConnection { totalCount edges { cursor } }",
        );
        // Root: 1 field + 2 × Card (3 fields) = 7, spread twice.
        assert_eq!(m.fields, 14);
        assert_eq!(m.root_fields, 2);
        assert_eq!(m.aliases, 2);
    }

    #[test]
    fn a_fragment_bomb_is_counted_without_being_expanded() {
        // f0 spreads f1 ten times, f1 spreads f2 ten times, … : 10^12 fields.
        let mut doc = String::from("{ ...f0 }\n");
        for i in 0..12 {
            let spreads = format!("...f{} ", i + 1).repeat(10);
            doc.push_str(&format!("fragment f{i} on Query {{ {spreads} }}\n"));
        }
        doc.push_str("fragment f12 on Query { __typename }\n");
        let m = measures(&doc);
        assert_eq!(m.fields, 10usize.pow(12));
    }

    #[test]
    fn cycles_and_unknown_fragments_count_nothing() {
        let m = measures(
            "{ ...A ...Missing } fragment A on Query { a: __typename ...B } \
             fragment B on Query { ...A }",
        );
        assert_eq!(m.fields, 1);
    }

    #[test]
    fn a_deep_chain_of_spreads_is_unbounded() {
        let mut doc = String::from("{ ...f0 }\n");
        for i in 0..100 {
            doc.push_str(&format!("fragment f{i} on Query {{ ...f{} }}\n", i + 1));
        }
        doc.push_str("fragment f100 on Query { __typename }\n");
        assert_eq!(measures(&doc).fields, usize::MAX);
    }

    #[test]
    fn every_operation_s_fields_count() {
        let m = measures("query A { a { b } } query B { c d e }");
        assert_eq!(m.fields, 5);
        assert_eq!(m.root_fields, 3);
    }
}
