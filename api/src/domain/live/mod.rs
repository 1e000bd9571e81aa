//! Live news: the change log (`domain::changes`) as it grows, heard by
//! every subscriber of this replica at once.
//!
//! One [`Feed`] per replica reads the log after the last entry it told
//! of — whenever a notice arrives (a write on this replica or, through
//! PostgreSQL's `LISTEN/NOTIFY`, on another) and every second besides —
//! and broadcasts each entry, with the facts a subscription's filter
//! needs ([`ArticleFacts`]), to every subscriber of this replica. The
//! log, not the notice, is the record: a notice that never arrived (a
//! replica reconnecting to PostgreSQL) only delays an entry to the next
//! read, never loses it.
//!
//! A subscriber reads through [`follow`]: from the database while it is
//! behind (a partner's cursor, or a subscriber that fell behind the
//! broadcast's bounded backlog), then from the broadcast, without a gap
//! or a duplicate (see [`follow`] for why).

mod facts;
mod feed;
mod follow;

pub use facts::ArticleFacts;
pub use feed::{Feed, Live};
pub use follow::{From, follow};
