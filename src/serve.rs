//! `toasoan serve` once the database is migrated: the serving pool, the
//! application, its workers, and a clean stop.
//!
//! On SIGTERM (or Ctrl-C): `/readyz` answers 503 at once; the listener
//! stays open `SHUTDOWN_DELAY_SECS`, then the requests in flight finish;
//! the scheduler stops between two runs and the webhook worker lets its
//! deliveries in flight finish; all of it within `SHUTDOWN_GRACE_SECS` of
//! the signal. Then the pool closes (SQLite folds its write-ahead log
//! into the database file).

use std::time::Duration;

use api::{
    app,
    platform::auth::{Verifier, dev::DevCredentials},
    platform::config::Config,
    platform::db,
    workers::{self, scheduler},
};

/// Serves until the shutdown has run its course.
pub async fn run(
    config: Config,
    verifier: Verifier,
    dev_credentials: Option<DevCredentials>,
) -> Result<(), Box<dyn std::error::Error>> {
    let conn = db::connect_with(&config.database_url, &config.pool_settings()).await?;
    let webhook_worker = workers::webhooks::Worker::new(
        conn.clone(),
        workers::webhooks::Settings::from_config(&config),
    )
    .map_err(|err| err.message())?;
    // The poller keeps a handle of its own: /metrics counts the
    // statements of requests only.
    let conn_for_upkeep = conn.clone();
    let state = app::AppState::counting_statements(conn.clone(), config.clone(), verifier);
    let shutdown = state.shutdown.clone();
    let _signal_watch = app::watch_signals(shutdown.clone());
    let poll = Duration::from_millis(config.content_version_poll_ms);
    let mut upkeep = Vec::new();
    upkeep.extend((state.generation.clone()).spawn_poll(conn_for_upkeep.clone(), poll));
    upkeep.extend(state.spawn_signals().await);
    let signals = state.signals();
    upkeep.extend(app::serve_metrics(&state).await?);
    if let Some(credentials) = &dev_credentials {
        // Only a development run without keys has one.
        let _ = state.graphql.dev_token.set(credentials.token.clone());
    }
    let router = app::build_router(state);
    if let Some(credentials) = dev_credentials {
        // The one deliberate print of a token: development only.
        println!("{}", credentials.banner());
    }
    let every = Duration::from_secs(config.scheduler_interval_secs.max(1));
    let workers = [
        scheduler::spawn(conn_for_upkeep, every, signals, shutdown.clone()),
        webhook_worker.spawn_until(shutdown.clone()),
    ];

    let grace = config.shutdown.grace();
    let mut grace_over = {
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            shutdown.started().await;
            tokio::time::sleep(grace).await;
        })
    };
    let mut grace_elapsed = false;
    let served = tokio::select! {
        served = app::serve(router, &config, shutdown.clone()) => served,
        _ = &mut grace_over => {
            grace_elapsed = true;
            tracing::warn!("SHUTDOWN_GRACE_SECS elapsed with requests in flight: stopping anyway");
            Ok(())
        }
    };
    // Also when the server could not start: the workers stop.
    shutdown.begin();
    let workers_done = async {
        for worker in workers {
            let _ = worker.await;
        }
    };
    if grace_elapsed {
        drop(workers_done);
    } else {
        tokio::select! {
            () = workers_done => {}
            _ = &mut grace_over => tracing::warn!(
                "SHUTDOWN_GRACE_SECS elapsed with webhook deliveries in flight: \
                 another replica retries them when their lease runs out"
            ),
        }
    }
    for task in upkeep {
        task.abort();
    }
    conn.close().await?;
    tracing::info!("stopped");
    Ok(served?)
}
