//! The `toasoan` command line: `serve` (the default), `migrate`, `reindex`,
//! `generate`, `import`, `seed-demo`, `export-schema`, `token`, `backup`.

use std::{process::ExitCode, time::Duration};

use clap::{Parser, Subcommand};

use api::{
    graphql,
    platform::auth::{self, Role},
    platform::config::{Config, migrate::Mode as MigrateMode},
    platform::db,
};

use crate::demo;

#[derive(Parser)]
#[command(
    name = "toasoan",
    version,
    about = "Toà Soạn: the newsroom content API"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default): migrations first, and in
    /// development the demo newsroom on an empty database (never with
    /// APP_ENV=production: use `seed-demo`).
    Serve,
    /// Apply pending database migrations and exit (whatever MIGRATE says:
    /// the deploy step of MIGRATE=off).
    Migrate,
    /// Copy the SQLite database to PATH, online and consistent, while the
    /// server serves (PostgreSQL: use pg_dump).
    Backup(crate::backup::BackupArgs),
    /// Load the demo newsroom (refuses a database that has articles).
    SeedDemo,
    /// Print the GraphQL schema (SDL) to standard output.
    ExportSchema,
    /// Rebuild the search index of every article (after an import or a
    /// change of the folding rules), with a progress bar.
    Reindex,
    /// Fill the configured database with a deterministic, realistic archive
    /// (for benchmarks); refuses a database that has articles unless
    /// `--force`.
    Generate(crate::generate::GenerateArgs),
    /// Import an archive: `import wordpress FILE.xml` or `import ninjs
    /// FILE.ndjson|DIR`. Repeatable: items are matched by their source id.
    #[command(subcommand)]
    Import(crate::import::ImportCommand),
    /// Print an HS256 token signed with JWT_SECRET (with JWT_ISSUER and
    /// JWT_AUDIENCE when set), alone on standard output.
    Token(TokenArgs),
}

#[derive(clap::Args)]
struct TokenArgs {
    /// The user id (`sub`).
    #[arg(long)]
    sub: String,
    /// A role: writer, editor, admin or partner (repeat for several).
    #[arg(long = "role", value_parser = parse_role)]
    roles: Vec<Role>,
    /// Lifetime: e.g. 30s, 15m, 1h, 7d.
    #[arg(long, default_value = "1h", value_parser = auth::dev::parse_ttl)]
    ttl: Duration,
}

fn parse_role(name: &str) -> Result<Role, String> {
    Role::parse(name)
        .ok_or_else(|| format!("unknown role {name:?}: use writer, editor, admin or partner"))
}

/// Mints the token of `toasoan token`.
fn token(args: &TokenArgs, config: &Config) -> Result<String, auth::AuthSetupError> {
    let Some(secret) = config.auth.secret() else {
        return Err(auth::AuthSetupError(
            "JWT_SECRET is not set: `toasoan token` signs with the shared secret \
             (set JWT_SECRET, or pass `toasoan --jwt-secret … token …`)"
                .to_owned(),
        ));
    };
    auth::mint_hs256(
        secret,
        &args.sub,
        &args.roles,
        args.ttl,
        config.auth.issuer(),
        config.auth.audience(),
    )
}

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Kept to the end: dropping it sends the last buffered spans.
    let _telemetry = crate::telemetry::init(&cli.config);
    match &cli.command {
        Some(Command::ExportSchema) => {
            print!("{}", graphql::sdl());
            return ExitCode::SUCCESS;
        }
        Some(Command::Token(args)) => {
            return match token(args, &cli.config) {
                Ok(token) => {
                    println!("{token}");
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    ExitCode::FAILURE
                }
            };
        }
        _ => {}
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), cli.config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, mut config: Config) -> Result<(), Box<dyn std::error::Error>> {
    // Settings and keys first: a missing or contradictory setting, a
    // missing key in production or an unreachable JWKS stops here, before
    // the database is touched.
    let serve_auth = match command {
        Command::Serve => {
            api::platform::config::check(&config)?;
            // A store that cannot be opened stops the start, not an upload.
            api::domain::media::store::Storage::from_config(&config.media, &config.database_url)
                .map_err(api::platform::config::ConfigError::new)?;
            let dev_credentials = auth::dev::ensure_keys(&mut config.auth)?;
            Some((
                auth::Verifier::from_config(&config.auth).await?,
                dev_credentials,
            ))
        }
        _ => None,
    };
    if let Command::Backup(args) = &command {
        println!(
            "{}",
            crate::backup::run(&config.database_url, &args.path).await?
        );
        return Ok(());
    }
    let conn = db::connect(&config.database_url, config.database_max_connections).await?;
    // `migrate` always migrates; the others follow MIGRATE.
    let mode = match command {
        Command::Migrate => MigrateMode::Auto,
        _ => config.migrate,
    };
    db::prepare(&conn, mode).await?;
    match command {
        Command::Migrate => {
            close(conn).await?;
            println!("migrations applied");
        }
        Command::Reindex => {
            let count = api::domain::search::reindex(&conn, true)
                .await
                .map_err(|e| format!("reindex failed: {e:?}"))?;
            close(conn).await?;
            println!("search index rebuilt: {count} articles");
        }
        Command::Generate(args) => {
            let report = crate::generate::run(&conn, &args).await?;
            close(conn).await?;
            println!("{report}");
        }
        Command::Import(import) => {
            let report = crate::import::run(&conn, &import).await;
            close(conn).await?;
            println!("{}", report?);
        }
        Command::SeedDemo => {
            let report = demo::load(&conn).await?;
            close(conn).await?;
            println!("{report}");
        }
        Command::Serve => {
            if !config.no_demo && !config.is_production() && demo::is_empty(&conn).await? {
                let report = demo::load(&conn).await?;
                tracing::info!(%report, "empty database: loaded the demo newsroom");
            }
            // Migrations and the demo ran without a statement limit; the
            // requests and workers get the serving pool's limits.
            close(conn).await?;
            let Some((verifier, dev_credentials)) = serve_auth else {
                return Err("the verifier was not built".into());
            };
            crate::serve::run(config, verifier, dev_credentials).await?;
        }
        Command::ExportSchema | Command::Token(_) | Command::Backup(_) => {}
    }
    Ok(())
}

/// Ends a one-shot command: closing the pool lets SQLite checkpoint its
/// write-ahead log into the database file and remove it, so the file is
/// complete on its own (`bench/run.sh` moves a generated archive).
async fn close(conn: sea_orm::DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    conn.close().await
}
