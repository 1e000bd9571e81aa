//! What one GraphQL document may ask for, besides its complexity and depth
//! (`GRAPHQL_MAX_COMPLEXITY`, `GRAPHQL_MAX_DEPTH`): how many root fields,
//! aliases and fields it selects, counted after fragment expansion before
//! anything runs, and how many of its root fields run at once.
//!
//! The defaults leave room for a whole page in one request (a home page
//! with a dozen section lists) and none for the bombs of issue #13
//! (thousands of aliases of one expensive field).

/// Limits on the shape of a GraphQL document, and on its root fields' share
/// of the database pool.
#[derive(Clone, Debug, clap::Args)]
pub struct QueryLimits {
    /// Most fields selected at the root of one operation (after fragment
    /// expansion): each root field is a query of its own.
    #[arg(long, env = "GRAPHQL_MAX_ROOT_FIELDS", default_value_t = DEFAULT_MAX_ROOT_FIELDS)]
    pub graphql_max_root_fields: usize,

    /// Most aliased fields in one operation (after fragment expansion).
    #[arg(long, env = "GRAPHQL_MAX_ALIASES", default_value_t = DEFAULT_MAX_ALIASES)]
    pub graphql_max_aliases: usize,

    /// Most selected fields in one document, every fragment counted as
    /// many times as it is spread.
    #[arg(long, env = "GRAPHQL_MAX_FIELDS", default_value_t = DEFAULT_MAX_FIELDS)]
    pub graphql_max_fields: usize,

    /// How many root fields of one query run at once (the others wait
    /// their turn), so that one request cannot hold every pooled
    /// connection. Default: half of `DATABASE_MAX_CONNECTIONS`, at least 1.
    #[arg(long, env = "GRAPHQL_ROOT_FIELD_CONCURRENCY")]
    pub graphql_root_field_concurrency: Option<usize>,
}

/// Default of `GRAPHQL_MAX_ROOT_FIELDS`.
pub const DEFAULT_MAX_ROOT_FIELDS: usize = 20;
/// Default of `GRAPHQL_MAX_ALIASES`.
pub const DEFAULT_MAX_ALIASES: usize = 30;
/// Default of `GRAPHQL_MAX_FIELDS`.
pub const DEFAULT_MAX_FIELDS: usize = 1_000;

impl Default for QueryLimits {
    fn default() -> Self {
        Self {
            graphql_max_root_fields: DEFAULT_MAX_ROOT_FIELDS,
            graphql_max_aliases: DEFAULT_MAX_ALIASES,
            graphql_max_fields: DEFAULT_MAX_FIELDS,
            graphql_root_field_concurrency: None,
        }
    }
}

impl QueryLimits {
    /// Root fields of one query that may run at once, given the pool size.
    pub fn root_field_concurrency(&self, pool_size: u32) -> usize {
        self.graphql_root_field_concurrency
            .unwrap_or(pool_size as usize / 2)
            .max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_fields_share_half_the_pool_unless_set() {
        let limits = QueryLimits::default();
        assert_eq!(limits.root_field_concurrency(8), 4);
        assert_eq!(limits.root_field_concurrency(1), 1);
        let set = QueryLimits {
            graphql_root_field_concurrency: Some(0),
            ..QueryLimits::default()
        };
        assert_eq!(
            set.root_field_concurrency(8),
            1,
            "never zero: nothing would run"
        );
    }
}
