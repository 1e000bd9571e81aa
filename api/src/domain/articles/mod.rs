//! The newsroom's articles as readers and partners meet them: which
//! articles a list covers ([`scope`]), a page of them in reading order
//! ([`list`]), and the workflow step that publishes scheduled articles on
//! time ([`workflow`]). Who may see what is [`crate::viewer`]'s rule.
//!
//! Faces (GraphQL, feeds, workers) parse their input into an
//! [`ArticleScope`] once, then call these functions.

pub mod list;
pub mod scope;
pub mod workflow;

pub use list::{ArticlePage, ListOrder, without_body};
pub use scope::{ArticleScope, ScopeRefs};
