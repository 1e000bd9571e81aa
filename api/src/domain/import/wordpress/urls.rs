//! The site's addresses: old permalinks as alias paths, and image URLs as
//! keys that find the attachment a body image is a copy of.
//!
//! | URL                                                        | here                          |
//! |------------------------------------------------------------|-------------------------------|
//! | `https://site/2021/12/27/d%c3%a2n-v%e1%ba%adn/`            | alias `2021/12/27/dân-vận`    |
//! | `https://site/thoi-su/dan-van-123.html`                    | alias `thoi-su/dan-van-123.html` |
//! | `https://site/?p=123`, `https://site/`                     | no alias                      |
//! | `http://site/wp-content/uploads/2021/12/anh-1024x683.jpg`  | key `site/wp-content/uploads/2021/12/anh.jpg` |
//! | `https://i0.wp.com/site/wp-content/…/anh.jpg?resize=…`     | key `site/wp-content/…/anh.jpg` (Jetpack's CDN) |
//! | `/wp-content/uploads/…` (relative)                         | resolved against the site     |

use url::Url;

use super::text::percent_decode;

/// The path of `link` below the site's `base` URL, without slashes at
/// either end, percent-decoded; `None` for links with a query (`?p=123`:
/// no pretty permalink) and for the site's home.
pub(super) fn permalink_path(link: &str, base: Option<&str>) -> Option<String> {
    let base = base.and_then(|b| Url::parse(b).ok());
    let url = match &base {
        Some(base) => base.join(link.trim()).ok()?,
        None => Url::parse(link.trim()).ok()?,
    };
    if url.query().is_some() {
        return None;
    }
    let mut path = url.path();
    if let Some(base) = &base
        && base.host_str() == url.host_str()
    {
        // A site in a folder (`https://example.vn/news`): paths below it.
        let prefix = base.path().trim_end_matches('/');
        if let Some(rest) = path.strip_prefix(prefix)
            && (rest.is_empty() || rest.starts_with('/'))
        {
            path = rest;
        }
    }
    let path = path.trim_matches('/');
    (!path.is_empty()).then(|| percent_decode(path))
}

/// `url` made absolute against the site's `base` (body markup sometimes
/// has `/wp-content/…`); as it was when that is not possible.
pub(super) fn absolute(url: &str, base: Option<&str>) -> String {
    let url = url.trim();
    if url.is_empty() || Url::parse(url).is_ok() {
        return url.to_owned();
    }
    base.and_then(|b| Url::parse(b).ok())
        .and_then(|b| b.join(url).ok())
        .map_or_else(|| url.to_owned(), |u| u.to_string())
}

/// The key an image URL is matched by: host and decoded path, with the
/// scheme, query and fragment dropped (`http` and `https` copies match).
pub(super) fn photo_key(url: &str) -> Option<String> {
    let url = Url::parse(url).ok()?;
    let host = url.host_str()?;
    let path = percent_decode(url.path());
    // Jetpack's image CDN: `i0.wp.com/{site host}/{path}`.
    if is_jetpack_cdn(host) {
        return Some(path.trim_start_matches('/').to_owned());
    }
    Some(format!("{host}{path}"))
}

fn is_jetpack_cdn(host: &str) -> bool {
    host.strip_prefix('i')
        .and_then(|rest| rest.strip_suffix(".wp.com"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The key of the original a resized copy was made from:
/// `anh-1024x683.jpg` → `anh.jpg`; `None` when the file name has no size.
pub(super) fn without_size(key: &str) -> Option<String> {
    without_suffix(key, |suffix| {
        let (width, height) = suffix.split_once('x')?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (digits(width) && digits(height)).then_some(())
    })
}

/// The key without WordPress's `-scaled` or `-rotated` (since 5.3 the
/// upload of a big or turned image, whose sizes are named after the
/// original: `anh-scaled.jpg`, `anh-300x200.jpg`).
pub(super) fn without_scaled(key: &str) -> Option<String> {
    without_suffix(key, |suffix| {
        matches!(suffix, "scaled" | "rotated").then_some(())
    })
}

/// `key` without the last `-suffix` of its file's stem, when `accept`s it.
fn without_suffix(key: &str, accept: impl Fn(&str) -> Option<()>) -> Option<String> {
    let file_start = key.rfind('/').map_or(0, |i| i + 1);
    let (stem, extension) = match key[file_start..].rfind('.') {
        Some(dot) => key.split_at(file_start + dot),
        None => (key, ""),
    };
    let dash = stem.rfind('-').filter(|&d| d > file_start)?;
    accept(&stem[dash + 1..])?;
    Some(format!("{}{extension}", &stem[..dash]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: Option<&str> = Some("https://baohagiang.example.vn");

    #[test]
    fn permalinks_become_paths_below_the_site() {
        assert_eq!(
            permalink_path(
                "https://baohagiang.example.vn/2021/12/27/d%c3%a2n-v%e1%ba%adn/",
                SITE
            )
            .as_deref(),
            Some("2021/12/27/dân-vận")
        );
        assert_eq!(
            permalink_path(
                "https://baohagiang.example.vn/thoi-su/dan-van-123.html",
                SITE
            )
            .as_deref(),
            Some("thoi-su/dan-van-123.html")
        );
        assert_eq!(
            permalink_path("https://baohagiang.example.vn/?p=123", SITE),
            None
        );
        assert_eq!(permalink_path("https://baohagiang.example.vn/", SITE), None);
        assert_eq!(
            permalink_path(
                "https://example.vn/news/2021/dan-van/",
                Some("https://example.vn/news")
            )
            .as_deref(),
            Some("2021/dan-van")
        );
        assert_eq!(
            permalink_path(
                "https://example.vn/newsroom/a/",
                Some("https://example.vn/news")
            )
            .as_deref(),
            Some("newsroom/a")
        );
        assert_eq!(permalink_path("/2021/dan-van/", None), None);
    }

    #[test]
    fn image_urls_are_keyed_by_host_and_path() {
        let key = photo_key("https://baohagiang.example.vn/wp-content/uploads/2021/12/a.jpg?v=2");
        assert_eq!(
            key.as_deref(),
            Some("baohagiang.example.vn/wp-content/uploads/2021/12/a.jpg")
        );
        assert_eq!(
            key,
            photo_key("http://BaoHaGiang.example.vn/wp-content/uploads/2021/12/a.jpg")
        );
        assert_eq!(
            key,
            photo_key(
                "https://i1.wp.com/baohagiang.example.vn/wp-content/uploads/2021/12/a.jpg?resize=1024%2C683&ssl=1"
            )
        );
        assert_eq!(photo_key("/wp-content/uploads/a.jpg"), None);
    }

    #[test]
    fn size_and_scaled_suffixes_are_removed() {
        assert_eq!(
            without_size("site/uploads/hoi-nghi-dan-van-1024x683.jpg").as_deref(),
            Some("site/uploads/hoi-nghi-dan-van.jpg")
        );
        assert_eq!(without_size("site/uploads/hoi-nghi-dan-van.jpg"), None);
        assert_eq!(without_size("site/uploads/ban-2021-x.jpg"), None);
        assert_eq!(without_size("site/up-1x1/anh.jpg"), None);
        assert_eq!(
            without_scaled("site/uploads/ruong-bac-thang-scaled.jpg").as_deref(),
            Some("site/uploads/ruong-bac-thang.jpg")
        );
        assert_eq!(
            without_scaled("site/uploads/anh-rotated.jpeg").as_deref(),
            Some("site/uploads/anh.jpeg")
        );
        assert_eq!(without_scaled("site/uploads/scaled.jpg"), None);
    }

    #[test]
    fn relative_urls_are_resolved_against_the_site() {
        assert_eq!(
            absolute("/wp-content/uploads/a.jpg", SITE),
            "https://baohagiang.example.vn/wp-content/uploads/a.jpg"
        );
        assert_eq!(
            absolute("https://cdn.example.vn/a.jpg", SITE),
            "https://cdn.example.vn/a.jpg"
        );
        assert_eq!(absolute("", SITE), "");
    }
}
