//! A fresh, empty database (no migrations run), removed on drop: a SQLite
//! file in the temporary folder, or a database created on the server of
//! `TEST_DATABASE_URL`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use sea_orm::{ConnectionTrait, Database};

use crate::common::Backend;

/// An empty database and its URL.
pub struct FreshDb {
    pub url: String,
    pub backend: Backend,
    /// The PostgreSQL database's name (or the SQLite file's stem).
    pub name: String,
    path: Option<std::path::PathBuf>,
}

fn unique_name() -> String {
    crate::common::unique_name_with("toasoan_f")
}

/// `TEST_DATABASE_URL` (the admin connection).
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL")
}

/// The URL of database `name` on the server of `base`, as `user` when
/// given.
pub fn database_url(base: &str, name: &str, user: Option<&str>) -> String {
    let (scheme, rest) = base.split_once("://").unwrap();
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let query = path
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    let authority = match user {
        // Trust authentication on the test server: no password.
        Some(user) => {
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            format!("{user}@{host}")
        }
        None => authority.to_owned(),
    };
    format!("{scheme}://{authority}/{name}{query}")
}

impl FreshDb {
    /// A new empty database on `backend`.
    pub async fn new(backend: Backend) -> Self {
        let name = unique_name();
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                Self {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    backend,
                    name,
                    path: Some(path),
                }
            }
            Backend::Postgres => {
                let admin = Database::connect(admin_url()).await.unwrap();
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                Self {
                    url: database_url(&admin_url(), &name, None),
                    backend,
                    name,
                    path: None,
                }
            }
        }
    }

    /// The SQLite file's path.
    pub fn path(&self) -> &std::path::Path {
        self.path.as_deref().expect("a SQLite database")
    }
}

impl Drop for FreshDb {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            for suffix in ["", "-wal", "-shm"] {
                let mut file = path.as_os_str().to_owned();
                file.push(suffix);
                let _ = std::fs::remove_file(file);
            }
            return;
        }
        let name = self.name.clone();
        // Drop may run inside a runtime: a thread of its own, with its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok(admin) = Database::connect(admin_url()).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}
