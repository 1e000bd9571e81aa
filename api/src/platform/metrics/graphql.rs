//! GraphQL operations by name and their errors by code. Names are bounded:
//! the first `METRICS_OPERATION_NAMES` distinct names (in practice the
//! persisted and registered operations of the apps) get series of their
//! own; later names, and names that are not GraphQL names, count as
//! `other`; an unnamed operation is `anonymous`.

use std::{collections::HashSet, sync::RwLock};

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family},
    registry::Registry,
};

/// The name label of operations past the cap or with a name that is not
/// a GraphQL name.
pub const OTHER: &str = "other";
/// The name label of unnamed operations.
pub const ANONYMOUS: &str = "anonymous";
/// Longest operation name kept as a label.
const MAX_NAME_LEN: usize = 100;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    graphql_operation_name: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    graphql_operation_name: String,
    error_code: String,
}

/// The operation and error counters.
pub struct GraphqlMetrics {
    operations: Family<OperationLabels, Counter>,
    errors: Family<ErrorLabels, Counter>,
    /// The names that have series of their own.
    names: RwLock<HashSet<String>>,
    cap: usize,
}

impl GraphqlMetrics {
    /// Counters that give at most `cap` names series of their own.
    pub fn new(cap: usize) -> Self {
        Self {
            operations: Family::default(),
            errors: Family::default(),
            names: RwLock::default(),
            cap,
        }
    }

    /// One operation ran (or was refused), with the codes of its errors.
    pub fn operation<'a>(&self, name: Option<&str>, codes: impl IntoIterator<Item = &'a str>) {
        let name = self.label(name);
        self.operations
            .get_or_create(&OperationLabels {
                graphql_operation_name: name.clone(),
            })
            .inc();
        for code in codes {
            self.errors
                .get_or_create(&ErrorLabels {
                    graphql_operation_name: name.clone(),
                    error_code: code_label(code).to_owned(),
                })
                .inc();
        }
    }

    /// The label of `name`: itself while under the cap, else `other`.
    fn label(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return ANONYMOUS.to_owned();
        };
        if !is_graphql_name(name) {
            return OTHER.to_owned();
        }
        if let Ok(names) = self.names.read()
            && names.contains(name)
        {
            return name.to_owned();
        }
        let Ok(mut names) = self.names.write() else {
            return OTHER.to_owned();
        };
        if names.contains(name) || names.len() < self.cap {
            names.insert(name.to_owned());
            name.to_owned()
        } else {
            OTHER.to_owned()
        }
    }

    pub(super) fn register(&self, registry: &mut Registry) {
        registry.register(
            "toasoan_graphql_operations",
            "GraphQL operations by operation name (the first METRICS_OPERATION_NAMES names, \
             then `other`; `anonymous` when unnamed)",
            self.operations.clone(),
        );
        registry.register(
            "toasoan_graphql_errors",
            "GraphQL errors by operation name and extensions.code",
            self.errors.clone(),
        );
    }
}

/// Whether `name` is a GraphQL name (`[_A-Za-z][_0-9A-Za-z]*`) of a
/// sensible length.
fn is_graphql_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= MAX_NAME_LEN
        && chars
            .next()
            .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// An error code as a label: codes are ours (upper case and `_`); anything
/// else is `other`.
fn code_label(code: &str) -> &str {
    let ours = !code.is_empty()
        && code.len() <= 40
        && code.chars().all(|c| c == '_' || c.is_ascii_uppercase());
    if ours { code } else { OTHER }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_past_the_cap_are_other() {
        let metrics = GraphqlMetrics::new(2);
        assert_eq!(metrics.label(Some("Home")), "Home");
        assert_eq!(metrics.label(Some("Article")), "Article");
        assert_eq!(metrics.label(Some("Third")), OTHER);
        assert_eq!(metrics.label(Some("Home")), "Home");
        assert_eq!(metrics.label(None), ANONYMOUS);
        assert_eq!(metrics.label(Some("not a name")), OTHER);
    }

    #[test]
    fn codes_are_ours_or_other() {
        assert_eq!(code_label("NOT_FOUND"), "NOT_FOUND");
        assert_eq!(code_label("<script>"), OTHER);
    }
}
