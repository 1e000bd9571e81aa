//! The tooling around the server library (`api`): the `toasoan` command
//! line, the demo newsroom loader, the archive generator and the
//! importers' command. They use the
//! server's domain (`api::body`, `api::search`, `api::changes`…); the server
//! never uses them.

pub mod backup;
pub mod cli;
pub mod demo;
pub mod generate;
pub mod import;
pub mod serve;
pub mod telemetry;
