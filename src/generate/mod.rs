//! `toasoan generate`: a deterministic, realistic archive for benchmarks.
//!
//! The same `--seed` (and `--articles`) gives the same archive, row for row,
//! on SQLite and PostgreSQL: one seeded generator ([`dice`]) draws
//! everything in a fixed order, ids are assigned by the generator
//! ([`store`]), and the clock is the start of the current UTC day, so
//! "ten years back" and "scheduled in the future" keep meaning something
//! whenever it runs ([`run_at`] takes that instant explicitly).
//!
//! The graph (organizations, people, positions, events, tags: [`graph`]) is
//! inserted first in one transaction; the articles ([`articles`]) are then
//! generated on a blocking thread while the previous batch is written, one
//! transaction per batch of [`BATCH`] articles with their links, with
//! multi-row inserts. Finally the search index is rebuilt and the change
//! log backfilled (`changes::backfill`).

mod articles;
mod clock;
mod dice;
mod graph;
mod names;
mod plan;
mod province;
mod rows;
mod store;
mod text;
mod themes;
mod words;
mod world;

use std::time::{Duration, Instant};

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use sea_orm::{DatabaseConnection, DbBackend, TransactionTrait};

pub use self::plan::Plan;
use self::{
    dice::Dice,
    rows::Batch,
    store::{Existing, Written},
    world::World,
};

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

/// Articles per transaction.
const BATCH: usize = 500;

/// Rows written per table.
#[derive(Default, Debug)]
struct Counts {
    sections: usize,
    organizations: u64,
    people: u64,
    positions: u64,
    events: u64,
    event_people: u64,
    event_organizations: u64,
    tags: u64,
    reused_tags: usize,
    articles: u64,
    media: u64,
    article_images: u64,
    article_people: u64,
    article_organizations: u64,
    article_events: u64,
    article_tags: u64,
}

impl Counts {
    fn add(&mut self, w: &Written) {
        self.media += w.media;
        self.articles += w.articles;
        self.article_images += w.images;
        self.article_people += w.people;
        self.article_organizations += w.organizations;
        self.article_events += w.events;
        self.article_tags += w.tags;
    }
}

/// Generates the archive; returns a one-line summary.
pub async fn run(
    db: &DatabaseConnection,
    args: &GenerateArgs,
) -> Result<String, Box<dyn std::error::Error>> {
    let today = Utc::now()
        .duration_trunc(TimeDelta::days(1))
        .map_err(|e| format!("cannot read the clock: {e}"))?;
    run_at(db, args, today).await
}

/// [`run`] with an explicit "now": articles are published in the ten years
/// before it, scheduled ones after it.
pub async fn run_at(
    db: &DatabaseConnection,
    args: &GenerateArgs,
    now: DateTime<Utc>,
) -> Result<String, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let mut existing = Existing::read(db).await?;
    if existing.articles > 0 && !args.force {
        return Err(format!(
            "the database already has {} articles: refusing to generate an archive into it \
             (pass --force to add one anyway)",
            existing.articles
        )
        .into());
    }
    let plan = Plan::new(args.articles);
    let mut counts = Counts::default();
    let mut dice = Dice::new(args.seed);

    let (sections, inserted) = store::ensure_sections(db).await?;
    counts.sections = inserted;
    let (world, rows) = graph::build(&mut dice, &plan, sections, &mut existing, now);
    let txn = db.begin().await?;
    store::relax_durability(&txn).await?;
    counts.organizations = store::insert_all(&txn, rows.organizations).await?;
    counts.people = store::insert_all(&txn, rows.people).await?;
    counts.positions = store::insert_all(&txn, rows.positions).await?;
    counts.events = store::insert_all(&txn, rows.events).await?;
    counts.event_people = store::insert_all(&txn, rows.event_people).await?;
    counts.event_organizations = store::insert_all(&txn, rows.event_organizations).await?;
    counts.tags = store::insert_all(&txn, rows.tags).await?;
    counts.reused_tags = rows.reused_tags;
    txn.commit().await?;

    // Whatever happens to the articles, PostgreSQL's sequences must move
    // past the ids written so far.
    let written = write_articles(db, world, dice, &mut existing, &plan, &mut counts).await;
    store::reset_sequences(db).await?;
    let statuses = written?;
    let generated = started.elapsed();

    let indexed = api::domain::search::reindex(db, true)
        .await
        .map_err(|e| format!("{e:?}"))?;
    // Partners following the change log get the generated archive too.
    let txn = db.begin().await?;
    let logged = api::domain::changes::backfill(&txn, now)
        .await
        .map_err(|e| format!("{e:?}"))?;
    txn.commit().await?;
    let total = started.elapsed();

    let c = &counts;
    Ok(format!(
        "generated {} articles ({} published, {} drafts, {} scheduled, {} unpublished) with seed {}: \
         sections +{}, organizations {}, people {}, positions {}, events {}, event_people {}, \
         event_organizations {}, tags {} (+{} reused), media {}, article_images {}, \
         article_people {}, article_organizations {}, article_events {}, article_tags {}; \
         search index: {} articles; change log: +{} published; \
         {:.1} s ({:.0} articles/s), {:.1} s with the search index and the change log",
        c.articles,
        statuses.published,
        statuses.draft,
        statuses.scheduled,
        statuses.unpublished,
        args.seed,
        c.sections,
        c.organizations,
        c.people,
        c.positions,
        c.events,
        c.event_people,
        c.event_organizations,
        c.tags,
        c.reused_tags,
        c.media,
        c.article_images,
        c.article_people,
        c.article_organizations,
        c.article_events,
        c.article_tags,
        indexed,
        logged,
        generated.as_secs_f64(),
        c.articles as f64 / generated.as_secs_f64().max(1e-3),
        total.as_secs_f64(),
    ))
}

/// Generates the articles on a blocking thread and writes the batches as
/// they come, one transaction each.
async fn write_articles(
    db: &DatabaseConnection,
    world: World,
    dice: Dice,
    existing: &mut Existing,
    plan: &Plan,
    counts: &mut Counts,
) -> Result<articles::Statuses, Box<dyn std::error::Error>> {
    let bar = progress_bar(plan.articles as u64);
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Batch>(4);
    let generator = articles::Generator::new(world, dice, existing, plan.articles);
    let generating = tokio::task::spawn_blocking(move || {
        generator.run(BATCH, |b| sender.blocking_send(b).is_ok())
    });
    // PostgreSQL writes two batches at once (they are independent: each
    // holds its articles, their media and their links); SQLite has one
    // writer anyway.
    let writers = match db.get_database_backend() {
        DbBackend::Postgres => 2,
        _ => 1,
    };
    let mut writing = tokio::task::JoinSet::new();
    while let Some(batch) = receiver.recv().await {
        if writing.len() >= writers
            && let Some(done) = writing.join_next().await
        {
            let written = done.map_err(|e| format!("a batch writer failed: {e}"))??;
            counts.add(&written);
            bar.inc(written.articles);
        }
        let db = db.clone();
        writing.spawn(async move { store::write_batch(&db, batch).await });
    }
    while let Some(done) = writing.join_next().await {
        let written = done.map_err(|e| format!("a batch writer failed: {e}"))??;
        counts.add(&written);
        bar.inc(written.articles);
    }
    let statuses = generating
        .await
        .map_err(|e| format!("the article generator failed: {e}"))?;
    bar.finish_and_clear();
    Ok(statuses)
}

/// Rate and ETA on standard error (drawn only on a terminal).
fn progress_bar(len: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "generating {bar:40} {human_pos}/{human_len} articles, {per_sec}, eta {eta}",
    ) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}
