//! The newsroom's rules, in plain Rust: which articles a list covers and
//! who may read them, the workflow, catalogue writes, references by ID or
//! slug, related content, revisions, slugs, search, the change log,
//! webhooks' outbox, and what feeds, ninjs and sitemaps say. Knows nothing
//! of async-graphql or axum: the faces (`graphql/`, `http/`, `workers/`)
//! parse input, call these modules and shape the answer.

pub mod articles;
pub mod body;
pub mod catalog;
pub mod changes;
pub mod events;
pub mod feeds;
pub mod import;
pub mod jsonld;
pub mod linked;
pub mod live;
pub mod loaders;
pub mod media;
pub mod ninjs;
pub mod references;
pub mod related;
pub mod revisions;
pub mod search;
pub mod sitemaps;
pub mod slugs;
pub mod versioning;
pub mod viewer;
pub mod webhooks;
