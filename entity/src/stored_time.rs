//! Timestamps as the database stores them, for rows read as JSON
//! (`json_build_array` on PostgreSQL, `json_array` on SQLite): PostgreSQL
//! writes RFC 3339, SQLite holds whatever text was stored — RFC 3339 from
//! the driver, but a space for the `T` or no offset (UTC) are accepted as
//! the driver's own decoder accepts them.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer, de::Error};

/// Parses one stored timestamp.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(time) = text.parse::<DateTime<chrono::FixedOffset>>() {
        return Some(time.with_timezone(&Utc));
    }
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|naive| naive.and_utc())
}

/// A timestamp column.
pub fn utc<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
    parse(&text).ok_or_else(|| D::Error::custom(format!("not a timestamp: {text:?}")))
}

/// A nullable timestamp column.
pub fn utc_or_null<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    match <Option<std::borrow::Cow<'de, str>>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) => parse(&text)
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("not a timestamp: {text:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn every_stored_form_parses_to_the_same_instant() {
        let expected = parse("2024-05-01T03:04:05.123456+00:00").unwrap();
        for text in [
            "2024-05-01T10:04:05.123456+07:00",
            "2024-05-01 03:04:05.123456+00:00",
            "2024-05-01T03:04:05.123456Z",
            "2024-05-01 03:04:05.123456",
        ] {
            assert_eq!(parse(text), Some(expected), "{text}");
        }
        assert_eq!(parse("1 tháng 5"), None);
    }
}
