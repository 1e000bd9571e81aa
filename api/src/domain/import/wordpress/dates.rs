//! WordPress dates: `YYYY-MM-DD HH:MM:SS` without a zone. `post_date` is
//! the site's local time, `post_date_gmt` UTC; drafts that were never
//! scheduled have `0000-00-00 00:00:00` in `post_date_gmt`.
//!
//! | written                      | read                                 |
//! |------------------------------|--------------------------------------|
//! | `2021-12-27 12:12:00` (GMT)  | 2021-12-27T12:12:00Z                 |
//! | `2021-12-27 19:12:00` (local)| 2021-12-27T12:12:00Z at +07:00       |
//! | `0000-00-00 00:00:00`, empty | no date                              |
//! | anything else                | an error naming the text             |

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

const FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The date written in `text`; `Ok(None)` for WordPress's "no date".
pub(super) fn parse(text: &str) -> Result<Option<NaiveDateTime>, String> {
    let text = text.trim();
    if text.is_empty() || text.starts_with("0000-00-00") {
        return Ok(None);
    }
    NaiveDateTime::parse_from_str(text, FORMAT)
        .map(Some)
        .map_err(|_| format!("`{text}` is not a date (YYYY-MM-DD HH:MM:SS)"))
}

/// A GMT date as UTC.
pub(super) fn from_gmt(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// A local date at `offset` as UTC (`None` only out of chrono's range).
pub(super) fn from_local(at: NaiveDateTime, offset: FixedOffset) -> Option<DateTime<Utc>> {
    offset
        .from_local_datetime(&at)
        .single()
        .map(|local| local.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordpress_dates_are_read() {
        let gmt = parse("2021-12-27 12:12:00").unwrap().unwrap();
        assert_eq!(from_gmt(gmt).to_rfc3339(), "2021-12-27T12:12:00+00:00");
        let local = parse(" 2021-12-27 19:12:00 ").unwrap().unwrap();
        let plus_seven = FixedOffset::east_opt(7 * 3600).unwrap();
        assert_eq!(from_local(local, plus_seven), Some(from_gmt(gmt)));
        assert_eq!(parse("0000-00-00 00:00:00"), Ok(None));
        assert_eq!(parse(""), Ok(None));
        assert!(
            parse("2021-13-45 99:00:00")
                .unwrap_err()
                .contains("2021-13-45")
        );
        assert!(parse("27/12/2021").is_err());
    }
}
