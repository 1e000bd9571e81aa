//! Relay connection types. Each has `edges`, `nodes`, `pageInfo` and a
//! `totalCount` that is only counted when asked for.

use async_graphql::Context;
use sea_orm::{EntityTrait, PaginatorTrait, Select};

use crate::platform::error::AppResult;

pub use crate::platform::pagination::PageInfo;

/// Relay `PageInfo`: where a page stands in the whole list, and the
/// cursors to ask for the page before or after it.
#[async_graphql::Object]
impl PageInfo {
    /// True when more items follow this page: ask again with
    /// `after: endCursor`.
    async fn has_next_page(&self) -> bool {
        self.has_next_page
    }

    /// True when items come before this page: ask again with `last` and
    /// `before: startCursor`.
    async fn has_previous_page(&self) -> bool {
        self.has_previous_page
    }

    /// The cursor of the first item of this page; null on an empty page.
    async fn start_cursor(&self) -> Option<&str> {
        self.start_cursor.as_deref()
    }

    /// The cursor of the last item of this page; null on an empty page.
    async fn end_cursor(&self) -> Option<&str> {
        self.end_cursor.as_deref()
    }
}

/// How to answer `totalCount`.
pub enum Total<E: EntityTrait> {
    /// Count the rows of this query (without cursor and limit) on demand.
    Query(Box<Select<E>>),
    /// Already known (lists ranked in memory).
    Known(u64),
}

impl<E: EntityTrait> Total<E>
where
    E::Model: Sync,
{
    pub async fn count(&self, ctx: &Context<'_>) -> AppResult<u64> {
        match self {
            Total::Known(n) => Ok(*n),
            Total::Query(select) => Ok(select.as_ref().clone().count(super::db(ctx)?).await?),
        }
    }
}

/// Defines `$conn` and `$edge` for nodes of type `$node` over `$entity`.
/// `edges:` and `nodes:` name the types those fields answer with, built
/// from `&[$edge]` and from the nodes' references (a list answered in one
/// pass, `articles::cards`); `&[$edge]` and `Vec<&$node>` by default.
macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ty, $entity:ty, $doc:literal) => {
        $crate::graphql::connection::connection!(
            $conn, $edge, $node, $entity, $doc, edges: &[$edge], nodes: Vec<&$node>
        );
    };
    (
        $conn:ident, $edge:ident, $node:ty, $entity:ty, $doc:literal,
        edges: $edges:ty, nodes: $nodes:ty
    ) => {
        #[doc = $doc]
        pub struct $conn {
            pub edges: Vec<$edge>,
            pub page_info: $crate::graphql::connection::PageInfo,
            pub total: $crate::graphql::connection::Total<$entity>,
        }

        #[doc = $doc]
        #[async_graphql::Object]
        impl $conn {
            /// The items of this page with their cursors.
            async fn edges(&self) -> $edges {
                self.edges.as_slice().into()
            }

            /// The items of this page, without cursors.
            async fn nodes(&self) -> $nodes {
                self.edges.iter().map(|e| &e.node).collect()
            }

            /// Where this page stands in the whole list.
            async fn page_info(&self) -> &$crate::graphql::connection::PageInfo {
                &self.page_info
            }

            /// How many items the whole list has, across all pages (counted
            /// only when asked for, so leave it out when you do not need it).
            #[graphql(complexity = "crate::graphql::cost::total_count(child_complexity)")]
            async fn total_count(&self, ctx: &async_graphql::Context<'_>) -> AppResult<u64> {
                Ok(self.total.count(ctx).await?)
            }
        }

        /// An item of the list with its cursor.
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// Opaque: pass it as `after` or `before` to continue from here.
            pub cursor: String,
            /// The item itself.
            pub node: $node,
        }

        impl $conn {
            /// Builds the connection from a finished page.
            pub fn new(
                edges: Vec<($node, String)>,
                page_info: $crate::graphql::connection::PageInfo,
                total: $crate::graphql::connection::Total<$entity>,
            ) -> Self {
                Self {
                    edges: edges
                        .into_iter()
                        .map(|(node, cursor)| $edge { cursor, node })
                        .collect(),
                    page_info,
                    total,
                }
            }
        }
    };
}

pub(crate) use connection;
