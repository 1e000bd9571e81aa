//! Toà Soạn: a headless JSON/GraphQL content API for news publishers.
//!
//! The library is the server; the tooling around it (the command line, the
//! demo newsroom, the archive generator) lives in the root package
//! `toasoan`. [`app::build_router`] is pure, so tests drive the real router
//! without binding a port.
//!
//! Layers, and imports point down them (`docs/ARCHITECTURE.md`,
//! `tests/architecture.rs`): [`app`] composes the faces ([`graphql`],
//! [`http`], [`workers`]), which call the [`domain`], which uses the
//! [`platform`].

pub mod app;
pub mod domain;
pub mod graphql;
pub mod http;
pub mod platform;
pub mod workers;
