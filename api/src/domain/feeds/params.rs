//! What a feed request asks for: the format (from the file name) and the
//! query parameters `content` and `limit`, validated once at the edge.

use std::collections::HashMap;

use crate::platform::error::{AppError, AppResult};

/// Items in a feed when `limit` is not given.
pub const DEFAULT_LIMIT: u64 = 20;
/// The largest `limit` accepted.
pub const MAX_LIMIT: u64 = 100;

/// The three feed formats, by file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedFormat {
    /// `rss.xml`: RSS 2.0.
    Rss,
    /// `atom.xml`: Atom 1.0 (RFC 4287).
    Atom,
    /// `feed.json`: JSON Feed 1.1.
    JsonFeed,
}

impl FeedFormat {
    /// The format served at `file`, if any.
    pub fn from_file_name(file: &str) -> Option<Self> {
        match file {
            "rss.xml" => Some(Self::Rss),
            "atom.xml" => Some(Self::Atom),
            "feed.json" => Some(Self::JsonFeed),
            _ => None,
        }
    }

    /// The file name the format is served at.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Rss => "rss.xml",
            Self::Atom => "atom.xml",
            Self::JsonFeed => "feed.json",
        }
    }

    /// The `Content-Type` of the format.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Rss => "application/rss+xml; charset=utf-8",
            Self::Atom => "application/atom+xml; charset=utf-8",
            Self::JsonFeed => "application/feed+json; charset=utf-8",
        }
    }
}

/// How much of each article a feed carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ContentMode {
    /// The lead (sapo) only: `content=summary`, the default.
    #[default]
    Summary,
    /// The lead and the whole body as sanitized HTML: `content=full`.
    Full,
}

/// The validated query parameters of a feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeedParams {
    pub content: ContentMode,
    /// 1 to [`MAX_LIMIT`] items, [`DEFAULT_LIMIT`] by default.
    pub limit: u64,
}

impl Default for FeedParams {
    fn default() -> Self {
        Self {
            content: ContentMode::Summary,
            limit: DEFAULT_LIMIT,
        }
    }
}

impl FeedParams {
    /// Reads `content` and `limit`; other parameters are ignored (cache
    /// busters, trackers), bad values are `BAD_USER_INPUT`.
    pub fn parse(query: &HashMap<String, String>) -> AppResult<Self> {
        let content = match query.get("content").map(String::as_str) {
            None | Some("summary") => ContentMode::Summary,
            Some("full") => ContentMode::Full,
            Some(other) => {
                return Err(AppError::bad_input(
                    "content",
                    format!("`content` must be `summary` or `full`, not `{other}`"),
                ));
            }
        };
        let limit = match query.get("limit") {
            None => DEFAULT_LIMIT,
            Some(raw) => match raw.parse::<u64>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(AppError::bad_input(
                        "limit",
                        format!(
                            "`limit` must be a whole number from 1 to {MAX_LIMIT}, not `{raw}`"
                        ),
                    ));
                }
            },
        };
        Ok(Self { content, limit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> AppResult<FeedParams> {
        FeedParams::parse(
            &pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn defaults_and_valid_values() {
        assert_eq!(parse(&[]).unwrap(), FeedParams::default());
        let full = parse(&[("content", "full"), ("limit", "100"), ("utm", "x")]).unwrap();
        assert_eq!(full.content, ContentMode::Full);
        assert_eq!(full.limit, 100);
    }

    #[test]
    fn bad_values_name_their_parameter() {
        for (key, value) in [
            ("limit", "0"),
            ("limit", "101"),
            ("limit", "-1"),
            ("limit", "mười"),
            ("content", "all"),
        ] {
            match parse(&[(key, value)]) {
                Err(AppError::BadUserInput { field, .. }) => assert_eq!(field, key),
                other => panic!("{key}={value}: {other:?}"),
            }
        }
    }
}
