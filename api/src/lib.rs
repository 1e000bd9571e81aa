//! Toà Soạn: a headless JSON/GraphQL content API for news publishers.
//!
//! The library is the server; the tooling around it (the command line, the
//! demo newsroom, the archive generator) lives in the root package
//! `toasoan`. [`app::build_router`] is pure, so tests drive the real router
//! without binding a port.

pub mod app;
pub mod articles;
pub mod auth;
pub mod body;
pub mod catalog;
pub mod changes;
pub mod conditional;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod feeds;
pub mod generation;
pub mod graphql;
pub mod http;
pub mod ids;
pub mod jsonld;
pub mod loaders;
pub mod metrics;
pub mod ninjs;
pub mod pagination;
pub mod references;
pub mod related;
pub mod revisions;
pub mod scheduler;
pub mod search;
pub mod sitemaps;
pub mod slug;
pub mod slugs;
pub mod text;
pub mod urls;
pub mod versioning;
pub mod viewer;
pub mod webhooks;
pub mod zone;
