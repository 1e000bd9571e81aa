//! Who a request counts against: the verified token's subject, or the
//! client's address as the trusted proxies report it.

use std::{
    net::{IpAddr, Ipv6Addr, SocketAddr},
    sync::Arc,
};

use ipnet::IpNet;

use crate::platform::auth::{self, Role, Verifier};

/// The key of a client's budget.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ClientKey {
    /// An anonymous client: its address (IPv6: its /64, the block one
    /// subscriber gets, so rotating addresses inside it buys nothing).
    Ip(IpAddr),
    /// A verified token's `sub`.
    Subject(Arc<str>),
}

impl ClientKey {
    /// The key of an anonymous client at `ip`.
    pub fn of_ip(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V6(v6) => {
                let prefix = u128::from(v6) & !(u128::from(u64::MAX));
                Self::Ip(IpAddr::V6(Ipv6Addr::from(prefix)))
            }
            v4 => Self::Ip(v4),
        }
    }
}

/// Which quota a client spends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Anonymous clients (by IP) and signed-in users (by subject).
    Default,
    /// Tokens with the `partner` role, by subject.
    Partner,
}

impl Policy {
    /// The policy's name in the `RateLimit` headers.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Default => "default",
            Policy::Partner => "partner",
        }
    }
}

/// A client and the policy it spends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    pub key: ClientKey,
    pub policy: Policy,
}

/// Every `X-Forwarded-For` line, in order, as one list.
pub fn forwarded_for(headers: &axum::http::HeaderMap) -> Option<String> {
    let lines: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!lines.is_empty()).then(|| lines.join(","))
}

/// The client's address: the connection's peer, unless the peer is a
/// trusted proxy; then `X-Forwarded-For` is read from the right (each
/// proxy appends the address it saw) and the first address that is not a
/// trusted proxy is the client. Addresses left of it were written by the
/// client and may be forged, so they are never read. Without a peer (a
/// router driven in-process) the unspecified address stands for all.
pub fn client_ip(peer: Option<IpAddr>, forwarded_for: Option<&str>, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let Some(mut client) = peer.map(|ip| ip.to_canonical()) else {
        return IpAddr::from([0, 0, 0, 0]);
    };
    if !is_trusted(&client) {
        return client;
    }
    for hop in forwarded_for.unwrap_or_default().rsplit(',') {
        // A hop that does not parse was not written by a trusted proxy:
        // stop at the last address one of them vouched for.
        let Some(ip) = parse_hop(hop) else { break };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` entry: an address, with a port for some proxies.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|socket| socket.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

/// The client of a request: the subject of a token that verifies (a
/// partner's own policy when it holds the role), else the address. A
/// token that does not verify never chooses its bucket: it counts against
/// its address (and its request is refused with 401 further on).
pub async fn identify(verifier: &Verifier, authorization: Option<&str>, ip: IpAddr) -> Client {
    let by_address = || Client {
        key: ClientKey::of_ip(ip),
        policy: Policy::Default,
    };
    let Some(Ok(token)) = authorization.map(auth::bearer_token) else {
        return by_address();
    };
    match verifier.verify(token).await {
        Ok(user) => Client {
            policy: if user.has_role(Role::Partner) {
                Policy::Partner
            } else {
                Policy::Default
            },
            key: ClientKey::Subject(Arc::from(user.sub)),
        },
        Err(_) => by_address(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn the_peer_counts_unless_it_is_a_trusted_proxy() {
        let trusted = nets(&["10.0.0.0/8"]);
        let forged = Some("6.6.6.6");
        assert_eq!(
            client_ip(Some(ip("203.0.113.9")), forged, &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), forged, &trusted),
            ip("6.6.6.6")
        );
        assert_eq!(client_ip(Some(ip("10.0.0.2")), forged, &[]), ip("10.0.0.2"));
        assert_eq!(client_ip(None, forged, &trusted), ip("0.0.0.0"));
    }

    #[test]
    fn the_right_most_untrusted_address_of_the_chain_counts() {
        let trusted = nets(&["10.0.0.0/8", "2001:db8::/32"]);
        let peer = Some(ip("10.0.0.2"));
        // The client forged the first entry; the CDN appended the real one.
        let chain = Some("1.1.1.1, 198.51.100.7, 10.9.9.9");
        assert_eq!(client_ip(peer, chain, &trusted), ip("198.51.100.7"));
        // Ports and IPv4-mapped addresses are read.
        let chain = Some("198.51.100.9, [2001:db8::1]:443");
        assert_eq!(client_ip(peer, chain, &trusted), ip("198.51.100.9"));
        assert_eq!(
            client_ip(peer, Some("198.51.100.8:1234"), &trusted),
            ip("198.51.100.8")
        );
        assert_eq!(
            client_ip(peer, Some("::ffff:198.51.100.8"), &trusted),
            ip("198.51.100.8")
        );
        // Only trusted hops: the left-most is as far as the chain goes.
        assert_eq!(
            client_ip(peer, Some("10.1.1.1, 10.2.2.2"), &trusted),
            ip("10.1.1.1")
        );
        // Garbage stops the walk at the last vouched-for address.
        assert_eq!(
            client_ip(peer, Some("1.1.1.1, junk, 10.3.3.3"), &trusted),
            ip("10.3.3.3")
        );
        assert_eq!(client_ip(peer, None, &trusted), ip("10.0.0.2"));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        assert_eq!(
            ClientKey::of_ip(ip("2001:db8:1:2:aaaa::1")),
            ClientKey::of_ip(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            ClientKey::of_ip(ip("2001:db8:1:2::1")),
            ClientKey::of_ip(ip("2001:db8:1:3::1"))
        );
        assert_eq!(
            ClientKey::of_ip(ip("::ffff:192.0.2.1")),
            ClientKey::Ip(ip("192.0.2.1"))
        );
    }
}
