//! The newsroom's clock: its zone, its calendar days, and its working
//! hours (when events start and articles are published).

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::dice::Dice;

/// Seconds east of UTC of the newsroom's zone (Asia/Ho_Chi_Minh).
pub const ZONE_SECS: i64 = 7 * 3600;

/// The newsroom's calendar day of an instant.
pub fn day(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::seconds(ZONE_SECS)).date_naive()
}

/// Random instants between `from` and `to` during the newsroom's working
/// day (06:00–22:00 local), in time order.
pub fn working_times(
    d: &mut Dice,
    n: usize,
    from: DateTime<Utc>,
    days: i64,
    hours: (i64, i64),
) -> Vec<DateTime<Utc>> {
    let midnight = from - Duration::seconds(ZONE_SECS);
    let mut secs: Vec<i64> = (0..n)
        .map(|_| d.between(0, days - 1) * 86_400 + d.between(hours.0 * 3600, hours.1 * 3600 - 1))
        .collect();
    secs.sort_unstable();
    secs.into_iter()
        .map(|s| midnight + Duration::seconds(s))
        .collect()
}
