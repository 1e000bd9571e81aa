//! The database URL, which may carry a password: shown everywhere (logs,
//! `Debug`) without it.

use std::{fmt, ops::Deref, str::FromStr};

/// A `sqlite://…` or `postgres://user:password@host/db` URL. It reads as a
/// `&str` (to connect); its `Debug` and [`DatabaseUrl::redacted`] hide the
/// password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL with its password (and any `password=` parameter) replaced
    /// by `***`: safe to log.
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }
}

fn redact(url: &str) -> String {
    let mut out = url.to_owned();
    // `scheme://user:password@host`: the password ends at the last `@` of
    // the authority (a password may hold `@` only percent-encoded).
    if let Some(start) = url.find("://").map(|i| i + 3) {
        let authority_end = url[start..]
            .find(['/', '?', '#'])
            .map_or(url.len(), |i| start + i);
        let authority = &url[start..authority_end];
        if let Some(at) = authority.rfind('@')
            && let Some(colon) = authority[..at].find(':')
        {
            out = format!("{}***{}", &url[..start + colon + 1], &url[start + at..]);
        }
    }
    // libpq also takes `?password=…` in the query string.
    if let Some(query_start) = out.find('?') {
        let (head, query) = out.split_at(query_start + 1);
        let query: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => pair.to_owned(),
            })
            .collect();
        out = format!("{head}{}", query.join("&"));
    }
    out
}

impl Deref for DatabaseUrl {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.redacted())
    }
}

impl From<String> for DatabaseUrl {
    fn from(url: String) -> Self {
        Self(url)
    }
}

impl From<&str> for DatabaseUrl {
    fn from(url: &str) -> Self {
        Self(url.to_owned())
    }
}

impl FromStr for DatabaseUrl {
    type Err = std::convert::Infallible;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        Ok(Self(url.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_shows() {
        let cases = [
            (
                "postgres://news:s3cr%40t@db.internal:5432/toasoan?sslmode=require",
                "postgres://news:***@db.internal:5432/toasoan?sslmode=require",
            ),
            (
                "postgres://db/toasoan?user=news&password=s3cret",
                "postgres://db/toasoan?user=news&password=***",
            ),
            ("postgres://news@db/toasoan", "postgres://news@db/toasoan"),
            (
                "sqlite://toasoan.db?mode=rwc",
                "sqlite://toasoan.db?mode=rwc",
            ),
        ];
        for (url, shown) in cases {
            let url = DatabaseUrl::from(url);
            assert_eq!(url.redacted(), shown);
            assert_eq!(format!("{url:?}"), format!("{shown:?}"));
        }
    }
}
