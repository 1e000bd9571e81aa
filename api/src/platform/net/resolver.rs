//! A DNS resolver for reqwest that keeps only public addresses
//! ([`super::refusal`]), so the check happens at every connection, on the
//! addresses actually connected to: a name that resolved to a public
//! address when it was registered may resolve to 127.0.0.1 later (DNS
//! rebinding).
//!
//! reqwest asks the resolver about names only: a URL whose host is an IP
//! literal connects without it, so callers check literals themselves.

use std::{fmt, net::IpAddr, net::SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::{Refusal, name_refusal, refusal};

/// Why a name gives no address to connect to.
#[derive(Debug)]
pub enum ResolveError {
    /// The name itself is refused (`localhost`).
    Name(String, Refusal),
    /// Every address it resolves to is refused (the kind of the first).
    Refused(String, Refusal),
    /// The lookup failed or found nothing.
    Lookup(String, std::io::Error),
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Name(name, why) => write!(f, "{name} is a {} name", why.describe()),
            Self::Refused(name, why) => write!(
                f,
                "{name} resolves only to addresses outside the public internet ({})",
                why.describe()
            ),
            Self::Lookup(name, err) => write!(f, "cannot resolve {name}: {err}"),
        }
    }
}

impl std::error::Error for ResolveError {}

/// Every address of `host`, from the system's resolver (hosts file, DNS).
pub async fn lookup(host: &str) -> Result<Vec<IpAddr>, ResolveError> {
    let found = tokio::net::lookup_host((host, 0))
        .await
        .map_err(|err| ResolveError::Lookup(host.to_owned(), err))?;
    let addresses: Vec<IpAddr> = found.map(|addr| addr.ip()).collect();
    if addresses.is_empty() {
        let none = std::io::Error::new(std::io::ErrorKind::NotFound, "no address");
        return Err(ResolveError::Lookup(host.to_owned(), none));
    }
    Ok(addresses)
}

/// The public addresses of `host`; an error when it has none.
pub async fn public_addresses(host: &str) -> Result<Vec<IpAddr>, ResolveError> {
    if let Some(why) = name_refusal(host) {
        return Err(ResolveError::Name(host.to_owned(), why));
    }
    keep_public(host, lookup(host).await?)
}

/// The public ones of `all`, the addresses `host` resolved to.
fn keep_public(host: &str, all: Vec<IpAddr>) -> Result<Vec<IpAddr>, ResolveError> {
    let first_refusal = all.iter().find_map(|ip| refusal(*ip));
    let public: Vec<IpAddr> = all
        .into_iter()
        .filter(|ip| refusal(*ip).is_none())
        .collect();
    match first_refusal {
        Some(why) if public.is_empty() => Err(ResolveError::Refused(host.to_owned(), why)),
        _ => Ok(public),
    }
}

/// `ClientBuilder::dns_resolver(PublicOnly)`: names resolve to their public
/// addresses only, and fail when they have none.
#[derive(Clone, Copy, Debug, Default)]
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let public = public_addresses(&host).await?;
            // Port 0: reqwest puts the URL's port (or the scheme's) in.
            let addrs: Addrs = Box::new(public.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn localhost_gives_no_address() {
        for host in ["localhost", "hooks.localhost"] {
            let err = public_addresses(host).await.unwrap_err();
            assert!(
                matches!(err, ResolveError::Name(_, Refusal::Loopback)),
                "{err}"
            );
        }
    }

    #[tokio::test]
    async fn a_name_resolving_to_loopback_gives_no_address() {
        // The real lookup, past the name rule: the addresses decide too.
        let all = lookup("localhost").await.unwrap();
        let err = keep_public("localhost", all).unwrap_err();
        assert!(
            matches!(err, ResolveError::Refused(_, Refusal::Loopback)),
            "{err}"
        );
    }

    #[test]
    fn refused_addresses_are_dropped_public_ones_kept() {
        let ips =
            |list: &[&str]| -> Vec<IpAddr> { list.iter().map(|s| s.parse().unwrap()).collect() };
        let mixed = ips(&["10.0.0.7", "93.184.216.34", "::1", "2606:2800:220:1::1"]);
        let kept = keep_public("doitac.example", mixed).unwrap();
        assert_eq!(kept, ips(&["93.184.216.34", "2606:2800:220:1::1"]));
        let inside = ips(&["169.254.169.254", "fd00::1"]);
        let err = keep_public("metadata.example", inside).unwrap_err();
        assert!(
            matches!(err, ResolveError::Refused(_, Refusal::LinkLocal)),
            "{err}"
        );
    }

    #[tokio::test]
    async fn the_resolver_refuses_loopback_names() {
        let name: Name = "localhost".parse().unwrap();
        let err = PublicOnly.resolve(name).await.err().unwrap();
        assert_eq!(err.to_string(), "localhost is a loopback name");
    }
}
