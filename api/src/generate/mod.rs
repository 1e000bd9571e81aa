//! STUB: `toasoan generate`, being written.

use sea_orm::DatabaseConnection;

/// Options of `toasoan generate`.
#[derive(Clone, Debug, clap::Args)]
pub struct GenerateArgs {
    /// How many articles to generate.
    #[arg(long, default_value_t = 100_000)]
    pub articles: usize,
    /// Seed of the random generator: the same seed gives the same archive.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write into a database that already has articles.
    #[arg(long)]
    pub force: bool,
}

/// Generates the archive; returns a one-line summary.
pub async fn run(_db: &DatabaseConnection, _args: &GenerateArgs) -> Result<String, Box<dyn std::error::Error>> {
    Err("not yet".into())
}
