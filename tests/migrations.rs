//! Migrations as an operator meets them: each in its own transaction (a
//! failure leaves the previous schema), replicas migrating together on
//! PostgreSQL (one migrates, all succeed), `MIGRATE=off` refusing a
//! schema with pending migrations and starting on a current one, and a
//! runtime user without DDL rights serving.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/fresh_db.rs"]
mod fresh_db;
#[path = "common/server.rs"]
mod server;

use api::platform::{config::migrate::Mode, db};
use common::{Backend, backends, token};
use fresh_db::{FreshDb, admin_url, database_url};
use migration::{
    Alias, DbErr, IntoIden, MigrationName, MigrationTrait, Migrator, MigratorTrait, SchemaManager,
    Transactional, async_trait,
};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use serde_json::json;
use server::{Server, free_addrs};

/// Creates a table.
struct CreatesTable;

impl MigrationName for CreatesTable {
    fn name(&self) -> &str {
        "m_test_000001_creates_table"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreatesTable {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("CREATE TABLE first_table (id INTEGER PRIMARY KEY)")
            .await
            .map(|_| ())
    }
}

/// Creates a table, fills it, then fails.
struct FailsHalfway;

impl MigrationName for FailsHalfway {
    fn name(&self) -> &str {
        "m_test_000002_fails_halfway"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for FailsHalfway {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("CREATE TABLE half_table (id INTEGER PRIMARY KEY)")
            .await?;
        db.execute_unprepared("INSERT INTO half_table (id) VALUES (1)")
            .await?;
        db.execute_unprepared("ALTER TABLE first_table ADD COLUMN note TEXT")
            .await?;
        db.execute_unprepared("INSERT INTO no_such_table VALUES (1)")
            .await?;
        Ok(())
    }
}

/// The project's way (every migration transactional) over test migrations.
struct TestMigrator;

#[async_trait::async_trait]
impl MigratorTrait for TestMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        Transactional::all(vec![Box::new(CreatesTable), Box::new(FailsHalfway)])
    }

    fn migration_table_name() -> sea_orm::DynIden {
        Alias::new("test_migrations").into_iden()
    }
}

async fn count(db: &impl ConnectionTrait, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn has_table(db: &DatabaseConnection, table: &str) -> bool {
    SchemaManager::new(db).has_table(table).await.unwrap()
}

async fn columns(db: &DatabaseConnection, table: &str) -> i64 {
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => format!("SELECT count(*) FROM pragma_table_info('{table}')"),
        _ => {
            format!("SELECT count(*) FROM information_schema.columns WHERE table_name = '{table}'")
        }
    };
    count(db, &sql).await
}

#[test]
fn every_migration_of_the_project_runs_in_a_transaction() {
    let migrations = Migrator::migrations();
    assert!(!migrations.is_empty());
    for m in &migrations {
        assert_eq!(m.use_transaction(), Some(true), "{}", m.name());
    }
}

#[tokio::test]
async fn a_migration_that_fails_halfway_leaves_the_previous_schema() {
    for backend in backends() {
        let fresh = FreshDb::new(backend).await;
        let db = db::connect(&fresh.url, 2).await.unwrap();

        let err = TestMigrator::up(&db, None).await.unwrap_err();

        assert!(err.to_string().contains("no_such_table"), "{err}");
        assert!(has_table(&db, "first_table").await, "{backend:?}");
        assert_eq!(columns(&db, "first_table").await, 1, "the ALTER was undone");
        assert!(
            !has_table(&db, "half_table").await,
            "{backend:?}: no partial table"
        );
        let applied = count(&db, "SELECT count(*) FROM test_migrations").await;
        assert_eq!(applied, 1, "{backend:?}: only the first one is recorded");
        let pending = TestMigrator::get_pending_migrations(&db).await.unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].name(), "m_test_000002_fails_halfway");
        db.close().await.unwrap();
    }
}

#[tokio::test]
async fn replicas_migrating_together_on_postgres_migrate_once() {
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let fresh = FreshDb::new(Backend::Postgres).await;
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let url = fresh.url.clone();
        // Each with its own pool: four sessions, as four replicas.
        tasks.push(tokio::spawn(async move {
            let db = db::connect(&url, 2).await.unwrap();
            let applied = db::migrate(&db).await;
            db.close().await.unwrap();
            applied
        }));
    }
    let mut applied = Vec::new();
    for task in tasks {
        applied.push(
            task.await
                .unwrap()
                .expect("every replica's migration succeeds"),
        );
    }

    let total = Migrator::migrations().len();
    applied.sort();
    assert_eq!(applied, vec![0, 0, 0, total], "one migrated, three waited");
    let db = Database::connect(&fresh.url).await.unwrap();
    let rows = count(&db, "SELECT count(*) FROM seaql_migrations").await;
    assert_eq!(rows, total as i64);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        .await,
        0,
        "the lock was released"
    );
    db.close().await.unwrap();

    // And as processes: three `toasoan migrate` at once on a second one.
    let fresh = FreshDb::new(Backend::Postgres).await;
    let url = fresh.url.clone();
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || server::run(&["migrate"], &[("DATABASE_URL", &url)]))
        })
        .collect();
    let outputs: Vec<_> = runs.into_iter().map(|r| r.join().unwrap()).collect();
    let mut migrated = 0;
    for output in &outputs {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "{text}");
        migrated += usize::from(text.contains("database migrated"));
    }
    assert_eq!(migrated, 1, "one process migrated");
    let db = Database::connect(&fresh.url).await.unwrap();
    assert_eq!(
        count(&db, "SELECT count(*) FROM seaql_migrations").await,
        total as i64
    );
    db.close().await.unwrap();
}

#[tokio::test]
async fn migrate_off_refuses_pending_migrations_and_starts_on_a_current_schema() {
    for backend in backends() {
        let fresh = FreshDb::new(backend).await;
        // An older release's schema: all but the last two migrations.
        let db = db::connect(&fresh.url, 2).await.unwrap();
        let total = Migrator::migrations().len();
        Migrator::up(&db, Some(total as u32 - 2)).await.unwrap();
        let names: Vec<String> = Migrator::migrations()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();

        let status = db::status(&db).await.unwrap();
        assert_eq!(status.pending, names[total - 2..].to_vec());
        let refused = db::prepare(&db, Mode::Off).await.unwrap_err().to_string();
        assert!(refused.contains(&names[total - 1]), "{refused}");
        db.close().await.unwrap();

        let env = [("MIGRATE", "off"), ("NO_DEMO", "1")];
        let mut server = Server::start(&fresh.url, free_addrs(1)[0], &env);
        let status = server.exit().await;
        let output = server.output();
        assert!(!status.success(), "{output}");
        let line = output
            .lines()
            .find(|l| l.contains("pending migration"))
            .unwrap_or_else(|| panic!("no clear line in {output}"));
        assert!(line.contains(&names[total - 2]), "{line}");
        assert!(line.contains(&names[total - 1]), "{line}");
        assert!(line.contains("toasoan migrate"), "{line}");

        let migrated = server::run(&["migrate"], &[("DATABASE_URL", &fresh.url)]);
        assert!(migrated.status.success(), "{migrated:?}");
        let mut server = Server::start(&fresh.url, free_addrs(1)[0], &env);
        server.ready().await;
        let data = server
            .data(None, "{ articles(first: 1) { totalCount } }", json!({}))
            .await;
        assert_eq!(data["articles"]["totalCount"], 0, "{backend:?}");
    }
}

#[tokio::test]
async fn a_runtime_user_without_ddl_rights_serves_with_migrate_off() {
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let fresh = FreshDb::new(Backend::Postgres).await;
    let owner = db::connect(&fresh.url, 2).await.unwrap();
    db::migrate(&owner).await.unwrap();
    let role = format!("{}_rt", fresh.name);
    for sql in [
        format!("CREATE ROLE {role} LOGIN"),
        format!("GRANT CONNECT ON DATABASE {} TO {role}", fresh.name),
        format!("GRANT USAGE ON SCHEMA public TO {role}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"),
        format!("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}"),
        format!("REVOKE CREATE ON SCHEMA public FROM PUBLIC, {role}"),
    ] {
        owner.execute_unprepared(&sql).await.unwrap();
    }
    owner.close().await.unwrap();
    let runtime_url = database_url(&admin_url(), &fresh.name, Some(&role));
    let runtime = Database::connect(&runtime_url).await.unwrap();
    let ddl = runtime
        .execute_unprepared("CREATE TABLE not_allowed (id INTEGER)")
        .await;
    assert!(ddl.is_err(), "the role really has no DDL rights");
    runtime.close().await.unwrap();

    // The demo newsroom loads through it (writes), then reads and a write
    // over GraphQL.
    let mut server = Server::start(&runtime_url, free_addrs(1)[0], &[("MIGRATE", "off")]);
    server.ready().await;
    let data = server
        .data(None, "{ articles(first: 1) { totalCount } }", json!({}))
        .await;
    assert!(data["articles"]["totalCount"].as_i64().unwrap() > 0);
    let admin = token("admin-hoa", &["admin"]);
    let created = server
        .data(
            Some(&admin),
            "mutation($input: TagInput!) { createTag(input: $input) { tag { slug } } }",
            json!({ "input": { "name": "Kinh tế tuần hoàn" } }),
        )
        .await;
    assert_eq!(created["createTag"]["tag"]["slug"], "kinh-te-tuan-hoan");
    drop(server);
    drop(fresh);
    let admin = Database::connect(admin_url()).await.unwrap();
    admin
        .execute_unprepared(&format!("DROP ROLE IF EXISTS {role}"))
        .await
        .unwrap();
    admin.close().await.unwrap();
}

#[tokio::test]
async fn a_schema_migrated_by_a_newer_release_still_serves() {
    // During a rolling upgrade the old replicas restart on a database the
    // new release has already migrated.
    for backend in backends() {
        let fresh = FreshDb::new(backend).await;
        let db = db::connect(&fresh.url, 2).await.unwrap();
        db::migrate(&db).await.unwrap();
        db.execute_unprepared(
            "INSERT INTO seaql_migrations (version, applied_at) \
             VALUES ('m20991231_000001_from_the_future', 0)",
        )
        .await
        .unwrap();

        let status = db::status(&db).await.unwrap();

        assert!(status.pending.is_empty());
        assert_eq!(status.unknown, ["m20991231_000001_from_the_future"]);
        db::prepare(&db, Mode::Off).await.unwrap();
        db::prepare(&db, Mode::Auto).await.unwrap();
        db.close().await.unwrap();
    }
}
