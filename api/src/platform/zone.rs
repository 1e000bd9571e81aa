//! The newsroom's time zone, Asia/Ho_Chi_Minh: UTC+07:00 all year (no
//! daylight saving since 1975), so a fixed offset is exact. Times are
//! stored in UTC and shown to partners in this zone.

use chrono::{DateTime, FixedOffset, Offset, Utc};

/// Seconds east of UTC of the newsroom's zone.
pub const NEWSROOM_OFFSET_SECS: i32 = 7 * 3600;

/// The newsroom's offset, +07:00.
pub fn newsroom_offset() -> FixedOffset {
    FixedOffset::east_opt(NEWSROOM_OFFSET_SECS).unwrap_or_else(|| Utc.fix())
}

/// `at` in the newsroom's zone.
pub fn newsroom(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&newsroom_offset())
}

/// `at` as a W3C/RFC 3339 datetime in the newsroom's zone, to the second:
/// `2021-12-27T19:12:00+07:00` (sitemaps, JSON-LD, JSON Feed).
pub fn w3c(at: DateTime<Utc>) -> String {
    newsroom(at).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_at_plus_seven() {
        let at = DateTime::parse_from_rfc3339("2021-12-27T12:12:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(w3c(at), "2021-12-27T19:12:00+07:00");
        assert_eq!(newsroom(at).to_rfc2822(), "Mon, 27 Dec 2021 19:12:00 +0700");
    }
}
