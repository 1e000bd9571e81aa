//! Where webhooks may be delivered: an absolute http(s) URL on the public
//! internet (the address policy is `platform::net`), unless
//! `WEBHOOK_ALLOW_PRIVATE=on`.
//!
//! Checked twice. [`parse`] at registration, on the URL's IP literal or on
//! every address its name resolves to now (a name that does not resolve
//! yet is accepted). The worker again at every connection: IP literals
//! with [`literal_refusal`] before sending, names through the filtering
//! resolver (`platform::net::resolver`), because DNS may answer
//! differently by then. The worker follows no redirects at all.

use std::time::Duration;

use reqwest::Url;
use url::Host;

use crate::platform::{
    error::{AppError, AppResult},
    net::{self, Refusal, resolver},
};

/// The longest accepted endpoint URL.
pub const URL_MAX: usize = 2_000;
/// How long registration waits for DNS before accepting a name unchecked.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(3);

/// Why the host of `url` may not be reached, judged without DNS: an IP
/// literal by its address, `localhost` by its name; `None` otherwise.
pub fn host_refusal(url: &Url) -> Option<Refusal> {
    match url.host()? {
        Host::Domain(name) => net::name_refusal(name),
        _ => literal_refusal(url),
    }
}

/// Why the IP literal host of `url` may not be reached; `None` for a
/// public address or a name (names are for the resolver).
pub fn literal_refusal(url: &Url) -> Option<Refusal> {
    match url.host()? {
        Host::Ipv4(ip) => net::refusal(ip.into()),
        Host::Ipv6(ip) => net::refusal(ip.into()),
        Host::Domain(_) => None,
    }
}

/// Checks an endpoint URL: absolute http(s) with a host, at most
/// [`URL_MAX`] characters, and, unless `allow_private`, a public one.
pub async fn parse(text: &str, allow_private: bool) -> AppResult<Url> {
    let url = parse_shape(text)?;
    if allow_private {
        return Ok(url);
    }
    if let Some(why) = host_refusal(&url) {
        return Err(refused(why));
    }
    if let Some(Host::Domain(name)) = url.host() {
        let found = tokio::time::timeout(LOOKUP_TIMEOUT, resolver::lookup(name)).await;
        // Unresolvable now: the worker checks again at every connection.
        if let Ok(Ok(addresses)) = found
            && let Some(why) = addresses.into_iter().find_map(net::refusal)
        {
            return Err(refused(why));
        }
    }
    Ok(url)
}

fn parse_shape(text: &str) -> AppResult<Url> {
    let text = text.trim();
    if text.len() > URL_MAX {
        return Err(AppError::bad_input(
            "url",
            format!("longer than {URL_MAX} characters"),
        ));
    }
    match Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(url),
        Ok(_) => Err(AppError::bad_input(
            "url",
            "webhooks are delivered over http or https only",
        )),
        Err(err) => Err(AppError::bad_input("url", format!("not a URL: {err}"))),
    }
}

fn refused(why: Refusal) -> AppError {
    AppError::bad_input(
        "url",
        format!(
            "the URL points to a {} address: webhooks are delivered to the public internet only",
            why.describe()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_http_and_https_urls() {
        assert!(
            parse("https://doitac.example/hooks/toasoan", false)
                .await
                .is_ok()
        );
        assert!(parse("http://127.0.0.1:8081/h", true).await.is_ok());
        for bad in [
            "ftp://doitac.example/",
            "javascript:alert(1)",
            "không phải url",
            "",
        ] {
            let err = parse(bad, true).await.unwrap_err();
            assert_eq!(err.code(), "BAD_USER_INPUT", "{bad}");
        }
    }

    #[tokio::test]
    async fn private_targets_are_refused_unless_allowed() {
        for url in [
            "http://127.0.0.1:8081/h",
            "http://2130706433/h",
            "http://0x7f.1/h",
            "http://[::1]/h",
            "http://[::ffff:7f00:1]/h",
            "https://169.254.169.254/latest/meta-data/",
            "http://localhost:8080/h",
            "http://hooks.localhost/h",
        ] {
            let err = parse(url, false).await.unwrap_err();
            assert!(
                matches!(&err, AppError::BadUserInput { field, .. } if field == "url"),
                "{url}"
            );
            assert!(parse(url, true).await.is_ok(), "{url}");
        }
        assert!(parse("http://93.184.216.34/h", false).await.is_ok());
    }

    #[test]
    fn literals_are_judged_without_dns() {
        let judge = |text: &str| host_refusal(&Url::parse(text).unwrap());
        assert_eq!(judge("http://10.0.0.5/"), Some(Refusal::Private));
        assert_eq!(judge("http://[fe80::1]/"), Some(Refusal::LinkLocal));
        assert_eq!(judge("http://LOCALHOST./"), Some(Refusal::Loopback));
        assert_eq!(judge("https://doitac.example/"), None);
        assert_eq!(judge("http://93.184.216.34/"), None);
        let literal = |text: &str| literal_refusal(&Url::parse(text).unwrap());
        assert_eq!(
            literal("http://[::ffff:a9fe:a9fe]/"),
            Some(Refusal::LinkLocal)
        );
        assert_eq!(
            literal("http://localhost/"),
            None,
            "names go to the resolver"
        );
    }
}
