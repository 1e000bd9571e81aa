//! Where search runs: the embedded index (tantivy, one per replica, kept
//! in step through the search journal) or the database's own full-text
//! engine.

use std::path::PathBuf;

/// Which engine finds and ranks the matches of a search.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SearchEngine {
    /// An index of its own on each replica: top-k ranking that does not
    /// read every match (the database engine still serves while it is
    /// being built).
    #[default]
    Embedded,
    /// FTS5 or PostgreSQL `tsvector` only: nothing to build, but a common
    /// word ranks every article that holds it.
    Database,
}

/// Where a replica keeps its embedded index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexLocation {
    /// A directory kept across restarts.
    Directory(PathBuf),
    /// A temporary directory, removed when the server stops.
    Temporary,
    /// Memory (an in-memory SQLite database: tests and tools).
    Memory,
}

/// Search settings.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct SearchConfig {
    /// `embedded` (default) or `database`.
    #[arg(long, env = "SEARCH_ENGINE", value_enum, default_value_t = SearchEngine::Embedded)]
    pub search_engine: SearchEngine,

    /// Directory of the embedded index, kept across restarts (only the
    /// journal since the last run is replayed). Default: beside the
    /// SQLite file (`toasoan.db.search/`); for PostgreSQL a temporary
    /// directory removed at exit (each replica builds its index at
    /// start); in memory for an in-memory SQLite database.
    #[arg(long, env = "SEARCH_INDEX_DIR")]
    pub search_index_dir: Option<PathBuf>,
}

impl SearchConfig {
    /// The index's directory over `database_url`; `None`: not kept.
    pub fn index_dir(&self, database_url: &str) -> Option<PathBuf> {
        if let Some(dir) = &self.search_index_dir {
            return Some(dir.clone());
        }
        sqlite_file(database_url).map(|file| PathBuf::from(format!("{file}.search")))
    }

    /// Where the index lives over `database_url`.
    pub fn index_location(&self, database_url: &str) -> IndexLocation {
        match self.index_dir(database_url) {
            Some(dir) => IndexLocation::Directory(dir),
            None if database_url.starts_with("sqlite:") => IndexLocation::Memory,
            None => IndexLocation::Temporary,
        }
    }
}

/// The file of a `sqlite:` URL (`None` for memory and other databases).
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" || url.contains("mode=memory") {
        return None;
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_lives_beside_the_sqlite_file() {
        let config = SearchConfig::default();
        assert_eq!(
            config.index_dir("sqlite://toasoan.db?mode=rwc"),
            Some(PathBuf::from("toasoan.db.search"))
        );
        assert_eq!(
            config.index_dir("sqlite:/var/lib/toasoan/news.db"),
            Some(PathBuf::from("/var/lib/toasoan/news.db.search"))
        );
        assert_eq!(config.index_dir("sqlite::memory:"), None);
        assert_eq!(config.index_dir("sqlite://x.db?mode=memory"), None);
        assert_eq!(config.index_dir("postgres://postgres@127.0.0.1/db"), None);
        assert_eq!(
            config.index_location("postgres://postgres@127.0.0.1/db"),
            IndexLocation::Temporary
        );
        assert_eq!(
            config.index_location("sqlite::memory:"),
            IndexLocation::Memory
        );
        let config = SearchConfig {
            search_index_dir: Some("/srv/index".into()),
            ..SearchConfig::default()
        };
        assert_eq!(
            config.index_dir("postgres://postgres@127.0.0.1/db"),
            Some(PathBuf::from("/srv/index"))
        );
    }
}
