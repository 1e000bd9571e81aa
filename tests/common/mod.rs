//! Test harness: the real router over a fresh database per test, on SQLite
//! always and on PostgreSQL when `TEST_DATABASE_URL` is set.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use api::{
    app::{AppState, build_router},
    platform::config::Config,
    platform::db,
};
use axum::{
    Router,
    body::Body,
    http::{Request, Response, StatusCode},
};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use tower::ServiceExt;

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The backends this run covers: SQLite, plus PostgreSQL when
/// `TEST_DATABASE_URL` is set.
pub fn backends() -> Vec<Backend> {
    let mut backends = vec![Backend::Sqlite];
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|url| !url.is_empty()) {
        backends.push(Backend::Postgres);
    }
    backends
}

/// A running application over its own database.
pub struct TestApp {
    pub router: Router,
    pub db: DatabaseConnection,
    /// The database's URL (for a second connection: a "restarted" server).
    pub url: String,
    pub backend: Backend,
    statements: Arc<AtomicUsize>,
    /// [`Databases::batch_statements`] at the last count.
    batch_statements_seen: AtomicUsize,
    /// The application's state (its signal bus, its cache).
    pub state: AppState,
    /// The signal listener and cache invalidation, stopped on drop.
    tasks: Vec<tokio::task::JoinHandle<()>>,
    cleanup: Option<Cleanup>,
}

enum Cleanup {
    SqliteFile(std::path::PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn unique_name() -> String {
    unique_name_with("toasoan_t")
}

/// A database name no other test of any run uses: `prefix`, the process,
/// a counter and the clock.
pub fn unique_name_with(prefix: &str) -> String {
    format!(
        "{prefix}{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    )
}

/// The URL of a database of `name` on the server of `base`.
fn with_database(base: &str, name: &str) -> String {
    let (head, tail) = base
        .rsplit_once('/')
        .expect("TEST_DATABASE_URL has a database path");
    let query = tail
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{head}/{name}{query}")
}

impl TestApp {
    /// A migrated, empty database.
    pub async fn empty(backend: Backend) -> Self {
        Self::empty_with(backend, |_| {}).await
    }

    /// Like [`Self::empty`], with the configuration changed by `configure`.
    pub async fn empty_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Self {
        let name = unique_name();
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                (
                    format!("sqlite://{}?mode=rwc", path.display()),
                    Cleanup::SqliteFile(path),
                )
            }
            Backend::Postgres => {
                let admin_url = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
                let admin = Database::connect(admin_url.clone())
                    .await
                    .expect("PostgreSQL at TEST_DATABASE_URL is reachable");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create a test database");
                admin.close().await.ok();
                (
                    with_database(&admin_url, &name),
                    Cleanup::PostgresDatabase { admin_url, name },
                )
            }
        };
        let mut conn = db::connect(&url, 5)
            .await
            .expect("connect to the test database");
        db::migrate(&conn).await.expect("migrations run");
        let background = conn.clone();
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        conn.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let (state, tasks, router) =
            start(conn.clone(), background, test_config(&url, configure)).await;
        Self {
            router,
            state,
            tasks,
            db: conn,
            url,
            backend,
            statements,
            batch_statements_seen: AtomicUsize::new(0),
            cleanup: Some(cleanup),
        }
    }

    /// A database with the demo newsroom loaded.
    pub async fn demo(backend: Backend) -> Self {
        let app = Self::empty(backend).await;
        app.load_demo().await;
        app
    }

    /// Like [`Self::demo`], with the configuration changed by `configure`.
    pub async fn demo_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Self {
        let app = Self::empty_with(backend, configure).await;
        app.load_demo().await;
        app
    }

    /// Loads the demo newsroom and announces it like any writer does (else
    /// the response cache's safety net would empty the cache a second or
    /// two into the test).
    async fn load_demo(&self) {
        toasoan::demo::load(&self.db)
            .await
            .expect("demo newsroom loads");
        let generation = api::platform::generation::read(&self.db)
            .await
            .expect("the content generation reads");
        let mut notice = api::platform::signals::Notice {
            generation,
            ..Default::default()
        };
        if let Some(invalidator) = &self.state.graphql.invalidator {
            invalidator.apply(&notice).await;
            notice.applied = true;
        }
        self.state.signals().publish(notice).await;
    }

    /// SQL statements run since the last call, the loaders' pool's
    /// included (on PostgreSQL a pool of its own).
    pub fn take_statement_count(&self) -> usize {
        let batches = self.state.databases.batch_statements() as usize;
        let seen = self.batch_statements_seen.swap(batches, Ordering::SeqCst);
        self.statements.swap(0, Ordering::SeqCst) + (batches - seen)
    }

    /// Sends any HTTP request to the router.
    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers")
    }

    /// POSTs a GraphQL query and returns the whole JSON response.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.graphql_with(None, query, variables).await
    }

    /// POSTs a GraphQL query with `Authorization: Bearer <token>`.
    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        self.graphql_with(Some(token), query, variables).await
    }

    async fn graphql_with(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = Request::post("/graphql").header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request
            .body(Body::from(
                json!({ "query": query, "variables": variables }).to_string(),
            ))
            .unwrap();
        let response = self.send(request).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "GraphQL over POST answers 200"
        );
        body_json(response).await
    }

    /// Like [`Self::graphql_as`], failing on any error; returns `data`.
    pub async fn data_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let response = self.graphql_as(token, query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors on {:?}: {}",
            self.backend,
            response["errors"]
        );
        response["data"].clone()
    }

    /// Like [`Self::graphql`], but fails the test on any error and returns `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.graphql(query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors on {:?}: {}",
            self.backend,
            response["errors"]
        );
        response["data"].clone()
    }
}

/// The configuration of test apps over `url`, changed by `configure`.
fn test_config(url: &str, configure: impl FnOnce(&mut Config)) -> Config {
    let mut config = Config::for_database(url.to_owned());
    config.public_base_url = "https://baotinh.example/".to_owned();
    config.auth.jwt_secret = Some(TEST_SECRET.to_owned());
    // Each app its own media store (a delete in one must not touch
    // another's files); replicas of one app share it.
    config.media.media_dir = Some(std::env::temp_dir().join(format!(
        "{}-media",
        url.rsplit(['/', '?']).find(|part| part.starts_with("toasoan_t")).unwrap_or("toasoan")
    )));
    configure(&mut config);
    config
}

/// The application over `db` (its upkeep over `background`), its signal
/// tasks started, and its router.
async fn start(
    db: DatabaseConnection,
    background: DatabaseConnection,
    config: Config,
) -> (AppState, Vec<tokio::task::JoinHandle<()>>, Router) {
    let verifier = api::platform::auth::Verifier::from_config(&config.auth)
        .await
        .expect("the test verifier builds");
    let state = AppState::with_background(db, background, config, verifier);
    let tasks = state.spawn_signals().await;
    let router = build_router(state.clone());
    (state, tasks, router)
}

/// Another replica over a test app's database: its own pool, state, cache
/// and signal listener.
pub struct Replica {
    pub router: Router,
    pub state: AppState,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Replica {
    /// A replica of `app`, configured like it and then by `configure`.
    pub async fn of(app: &TestApp, configure: impl FnOnce(&mut Config)) -> Self {
        let conn = db::connect(&app.url, 5)
            .await
            .expect("connect to the test database");
        let (state, tasks, router) =
            start(conn.clone(), conn, test_config(&app.url, configure)).await;
        Self {
            router,
            state,
            tasks,
        }
    }

    /// Sends any HTTP request to this replica.
    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers")
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
        match self.cleanup.take() {
            Some(Cleanup::SqliteFile(path)) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
                // The embedded search index beside it.
                let _ = std::fs::remove_dir_all(format!("{}.search", path.display()));
            }
            Some(Cleanup::PostgresDatabase { admin_url, name }) => {
                // Drop is synchronous: do the async clean-up on a thread of
                // its own so it does not block the test's runtime.
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async {
                        if let Ok(admin) = Database::connect(admin_url).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                })
                .join();
            }
            None => {}
        }
    }
}

/// The HS256 secret of test apps.
pub const TEST_SECRET: &str = "test-secret-of-at-least-thirty-two-bytes!";

/// A valid one-hour token for `sub` with `roles` (`writer`, `editor`, …).
pub fn token(sub: &str, roles: &[&str]) -> String {
    let roles: Vec<api::platform::auth::Role> = roles
        .iter()
        .map(|r| api::platform::auth::Role::parse(r).expect("a known role"))
        .collect();
    api::platform::auth::mint_hs256(
        TEST_SECRET,
        sub,
        &roles,
        std::time::Duration::from_secs(3600),
        None,
        None,
    )
    .expect("mint a test token")
}

/// Reads a response body as JSON.
pub async fn body_json(response: Response<Body>) -> Value {
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
}

/// Reads a response body as text.
pub async fn body_text(response: Response<Body>) -> String {
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The `extensions.code` of the first error of a response.
pub fn first_error_code(response: &Value) -> String {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {response}"))
        .to_owned()
}

/// Runs `body` once per backend, each on a fresh app.
#[macro_export]
macro_rules! on_each_backend {
    ($app:ident, $make:expr, $body:block) => {
        for backend in $crate::common::backends() {
            let $app = $make(backend).await;
            $body
        }
    };
}

/// The slug of the seed article.
pub const SEED_SLUG: &str = "ban-can-su-dang-ubnd-tinh-va-ban-dan-van-tinh-uy-ky-ket-chuong-trinh-phoi-hop-giai-doan-2021-2026";
