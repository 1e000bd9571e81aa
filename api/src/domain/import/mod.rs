//! Bringing an existing archive in (`toasoan import`, `POST /v1/import`):
//! readers turn a source — a WordPress export ([`wordpress`], its post
//! content through [`html`]), ninjs items ([`ninjs`]) — into
//! [`source::SourceArticle`]s on a blocking thread ([`read`]); [`run`]
//! writes each in its own transaction through [`apply`], matched by the
//! source's own id so that importing again changes only what changed.

pub mod apply;
pub mod html;
pub mod jobs;
pub mod ninjs;
pub mod read;
pub mod run;
pub mod source;
pub mod terms;
pub mod wordpress;

pub use apply::{Options, Outcome};
pub use read::Format;
pub use run::{ImportError, ItemReport, Job, Observer, Problem, Progress, Summary, run};
