//! Public addresses of content on the website, and stable identifiers
//! for partners. One place, so `Article.url`, feeds, sitemaps and JSON-LD
//! always agree.

use chrono::{DateTime, Utc};

use crate::platform::zone;

/// `{base}/{section}/{slug}`: the article's page on the website.
pub fn article(base: &str, section_slug: Option<&str>, slug: &str) -> String {
    match section_slug {
        Some(section) => format!("{base}/{section}/{slug}"),
        None => format!("{base}/{slug}"),
    }
}

/// `{base}/{slug}`: a section's page on the website.
pub fn section(base: &str, slug: &str) -> String {
    format!("{base}/{slug}")
}

/// The host of a base URL (`https://baotinh.example:8443/x` → `baotinh.example`).
pub fn host(base: &str) -> &str {
    let rest = base.split_once("://").map_or(base, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    match authority.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// A permanent `tag:` URI (RFC 4151) for article `id`, created at
/// `created_at`: `tag:baotinh.example,2021-12-27:article/42`. Unlike the
/// URL it survives slug and section changes, so feed readers never see an
/// edited article as a new one.
pub fn article_tag_uri(base: &str, id: i64, created_at: DateTime<Utc>) -> String {
    let day = zone::newsroom(created_at).format("%Y-%m-%d");
    format!("tag:{},{day}:article/{id}", host(base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_taken_from_base_urls() {
        assert_eq!(host("https://baotinh.example"), "baotinh.example");
        assert_eq!(host("http://localhost:8080"), "localhost");
        assert_eq!(host("https://u@news.example:8443/vi?x"), "news.example");
    }

    #[test]
    fn tag_uris_use_the_newsroom_day() {
        let at = DateTime::parse_from_rfc3339("2021-12-27T18:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            article_tag_uri("https://baotinh.example", 42, at),
            "tag:baotinh.example,2021-12-28:article/42"
        );
    }
}
