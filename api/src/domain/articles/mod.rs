//! The newsroom's articles as readers and partners meet them: which
//! articles a list covers ([`scope`]), a page of them in reading order
//! ([`list`]), and the workflow step that publishes scheduled articles on
//! time ([`workflow`]); and how a validated [`changes::Changes`] is
//! written ([`store`]): one transaction per change, a revision and a
//! change-log entry each. Who may see what is [`crate::viewer`]'s rule.
//!
//! Faces (GraphQL, feeds, workers) parse their input into an
//! [`ArticleScope`] once, then call these functions.

pub mod changes;
pub mod list;
pub mod scope;
pub mod store;
pub mod workflow;

pub use list::{ArticlePage, ListOrder, without_body};
pub use scope::{ArticleScope, ScopeRefs};
