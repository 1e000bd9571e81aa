//! The root fields an operation selects (through fragments too): what it
//! reads, for the keys of a cached answer, and what it writes, for the
//! keys a mutation purges.

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};

/// How deep fragments are followed (validation refuses cycles; this only
/// bounds the walk before validation runs).
const MAX_FRAGMENT_DEPTH: usize = 8;

/// The names of the root fields of the operation `name` selects (the
/// only one when `None`). Empty when the operation is not found.
pub fn root_fields(document: &ExecutableDocument, name: Option<&str>) -> Vec<String> {
    let operation = match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        // One named operation runs without being named in the request.
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    };
    let mut names = Vec::new();
    if let Some(OperationDefinition { selection_set, .. }) = operation {
        collect(document, &selection_set.node, 0, &mut names);
    }
    names
}

fn collect(document: &ExecutableDocument, set: &SelectionSet, depth: usize, out: &mut Vec<String>) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let name = field.node.name.node.as_str();
                if !out.iter().any(|n| n == name) {
                    out.push(name.to_owned());
                }
            }
            Selection::InlineFragment(fragment) if depth < MAX_FRAGMENT_DEPTH => {
                collect(document, &fragment.node.selection_set.node, depth + 1, out);
            }
            Selection::FragmentSpread(spread) if depth < MAX_FRAGMENT_DEPTH => {
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    collect(document, &fragment.node.selection_set.node, depth + 1, out);
                }
            }
            // Too deep to follow: a name no rule knows, which counts as
            // reading (and writing) everything.
            _ => out.push("...".to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_behind_fragments_count_as_root_fields() {
        let document = async_graphql::parser::parse_query(
            "query Home { articles(first: 1) { totalCount } ...More ... on Query { tags { name } } }
             fragment More on Query { people(first: 1) { totalCount } }",
        )
        .unwrap();
        assert_eq!(root_fields(&document, None), ["articles", "people", "tags"]);
        assert_eq!(
            root_fields(&document, Some("Home")),
            ["articles", "people", "tags"]
        );
    }

    #[test]
    fn the_named_operation_is_the_one_read() {
        let document = async_graphql::parser::parse_query(
            "query A { article(slug: \"x\") { id } } mutation B { deleteTag(id: \"1\", version: 1) { id } }",
        )
        .unwrap();
        assert_eq!(root_fields(&document, Some("B")), ["deleteTag"]);
        assert!(root_fields(&document, None).is_empty());
        let named =
            async_graphql::parser::parse_query("query P { person(slug: \"x\") { id } }").unwrap();
        assert_eq!(root_fields(&named, None), ["person"]);
    }
}
