//! `MIGRATE`: whether `serve` migrates the schema itself (`auto`) or only
//! checks that it is current (`off`, for a runtime database user without
//! DDL rights; `toasoan migrate` is then the deploy step).

/// What `serve` (and the other one-shot tools but `migrate`) does with
/// pending migrations at start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Apply them, under a lock on PostgreSQL so that replicas started
    /// together migrate once.
    #[default]
    Auto,
    /// Apply nothing: refuse to start while one is pending.
    Off,
}
