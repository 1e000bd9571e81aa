//! The `toasoan` command line: `serve` (the default), `migrate`,
//! `seed-demo`, `export-schema`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{app, config::Config, db, demo, graphql};

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
    /// Run the HTTP server (the default): migrations first, and the demo
    /// newsroom on an empty database.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo newsroom (refuses a database that has articles).
    SeedDemo,
    /// Print the GraphQL schema (SDL) to standard output.
    ExportSchema,
}

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    if let Some(Command::ExportSchema) = cli.command {
        print!("{}", graphql::sdl());
        return ExitCode::SUCCESS;
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

async fn run(command: Command, config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let conn = db::connect(&config.database_url, config.database_max_connections).await?;
    db::migrate(&conn).await?;
    match command {
        Command::Migrate => {
            println!("migrations applied");
        }
        Command::SeedDemo => {
            let report = demo::load(&conn).await?;
            println!("{report}");
        }
        Command::Serve => {
            if !config.no_demo && demo::is_empty(&conn).await? {
                let report = demo::load(&conn).await?;
                tracing::info!(%report, "empty database: loaded the demo newsroom");
            }
            let router = app::build_router(app::AppState::new(conn, config.clone()));
            app::serve(router, &config).await?;
        }
        Command::ExportSchema => {}
    }
    Ok(())
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}
