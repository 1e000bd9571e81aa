//! What every layer may use: configuration, the database pool, the one
//! error type, global IDs, pagination, metrics, authentication, rate limits,
//! HTTP validators, which network addresses outbound requests may reach,
//! text and time helpers. Knows nothing of the newsroom's rules
//! or of the faces.

pub mod assets;
pub mod auth;
pub mod conditional;
pub mod config;
pub mod db;
pub mod error;
pub mod generation;
pub mod ids;
pub mod metrics;
pub mod net;
pub mod pagination;
pub mod ratelimit;
pub mod request_scope;
pub mod shutdown;
pub mod signals;
pub mod slug;
pub mod text;
pub mod urls;
pub mod zone;
