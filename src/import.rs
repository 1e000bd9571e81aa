//! `toasoan import wordpress FILE.xml` and `toasoan import ninjs
//! FILE.ndjson|DIR`: the importer of `api::domain::import` with a progress
//! bar (bytes read, items, rate, eta) on standard error; each conflict and
//! bad item as it happens (with `--dry-run`, every decision) and a summary
//! on standard output.

use std::path::PathBuf;

use api::domain::import::{
    self, Format, ItemReport, Job, Observer, Options, Outcome, Progress, Summary,
};
use chrono::FixedOffset;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The options of both `import` commands.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// The export: a WXR file, an NDJSON file or a directory of `.json`
    /// ninjs items.
    pub path: PathBuf,
    /// Read and decide, write nothing: lists what would be created and
    /// updated, and what would be skipped and why.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace articles that editors changed since the last import (they
    /// are reported as conflicts and left alone otherwise).
    #[arg(long)]
    pub overwrite: bool,
    /// Leave the change log alone: partners, webhooks and live
    /// subscribers are not told (a first bulk load of an archive).
    #[arg(long)]
    pub quiet: bool,
    /// Stop at the first bad item instead of reporting and skipping it.
    #[arg(long)]
    pub strict: bool,
    /// WordPress: the site's UTC offset for posts without a GMT date
    /// (drafts), e.g. `+07:00`.
    #[arg(long, default_value = "+07:00", value_parser = parse_offset)]
    pub timezone: FixedOffset,
}

/// Which importer.
#[derive(clap::Subcommand)]
pub enum ImportCommand {
    /// A WordPress eXtended RSS export (Tools → Export in WordPress).
    Wordpress(ImportArgs),
    /// ninjs 3.x items: one per line, or a directory of `.json` files.
    Ninjs(ImportArgs),
}

fn parse_offset(text: &str) -> Result<FixedOffset, String> {
    let parsed = chrono::DateTime::parse_from_rfc3339(&format!("2000-01-01T00:00:00{text}"));
    parsed
        .map(|t| *t.offset())
        .map_err(|_| format!("{text:?} is not a UTC offset such as +07:00"))
}

/// Runs the import; the summary is the command's output.
pub async fn run(
    db: &sea_orm::DatabaseConnection,
    command: &ImportCommand,
) -> Result<String, Box<dyn std::error::Error>> {
    let (format, args) = match command {
        ImportCommand::Wordpress(args) => (Format::Wordpress, args),
        ImportCommand::Ninjs(args) => (Format::Ninjs, args),
    };
    let options = Options {
        dry_run: args.dry_run,
        overwrite: args.overwrite,
        quiet: args.quiet,
        strict: args.strict,
    };
    let mut bar = Bar::new(args.dry_run);
    let job = Job {
        path: &args.path,
        format,
        options,
        wordpress: import::wordpress::Options {
            offset: args.timezone,
        },
        by: Some("import"),
    };
    let result = import::run(db, job, &mut bar).await;
    bar.bar.finish_and_clear();
    Ok(report(&result?))
}

/// The progress bar and the running commentary.
struct Bar {
    bar: ProgressBar,
    dry_run: bool,
    started: std::time::Instant,
}

impl Bar {
    fn new(dry_run: bool) -> Self {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "importing {bar:30} {bytes}/{total_bytes}, {msg}, eta {eta}",
        ) {
            bar.set_style(style);
        }
        Self {
            bar,
            dry_run,
            started: std::time::Instant::now(),
        }
    }
}

impl Observer for Bar {
    fn item(&mut self, report: &ItemReport<'_>) {
        let id = report.source_id.unwrap_or("(no id)");
        let line = match report.outcome {
            Err(problem) => Some(format!(
                "{:<9} {id} (line {}): {}",
                problem.kind, problem.line, problem.message
            )),
            Ok(Outcome::WouldCreate) if self.dry_run => Some(format!("would create {id}")),
            Ok(Outcome::WouldUpdate { id: article }) if self.dry_run => {
                Some(format!("would update {id} (article {article})"))
            }
            Ok(Outcome::Unchanged { id: article }) if self.dry_run => {
                Some(format!("unchanged {id} (article {article})"))
            }
            Ok(_) => None,
        };
        // The report goes to standard output, whether or not the bar
        // (standard error) is drawn.
        if let Some(line) = line {
            self.bar.suspend(|| println!("{line}"));
        }
    }

    fn progress(&mut self, progress: &Progress<'_>) {
        self.bar.set_length(progress.bytes_total);
        self.bar.set_position(progress.bytes_read);
        let items = progress.summary.items;
        let rate = items as f64 / self.started.elapsed().as_secs_f64().max(0.001);
        self.bar.set_message(format!("{items} items ({rate:.0}/s)"));
    }
}

/// The summary printed at the end.
pub fn report(summary: &Summary) -> String {
    let verb = |done: &str, would: &str| {
        if summary.dry_run {
            would.to_owned()
        } else {
            done.to_owned()
        }
    };
    let mut text = format!(
        "{} items read: {} {}, {} {}, {} unchanged, {} conflicts, {} failed",
        summary.items,
        summary.created,
        verb("created", "would be created"),
        summary.updated,
        verb("updated", "would be updated"),
        summary.unchanged,
        summary.conflicts,
        summary.failed,
    );
    if !summary.dry_run {
        text.push_str(&format!(
            "; {} sections, tags, people, organizations, events and photos created",
            summary.linked_rows_created
        ));
    }
    if summary.problems_left_out > 0 {
        text.push_str(&format!(
            " ({} more problems not listed)",
            summary.problems_left_out
        ));
    }
    text
}
