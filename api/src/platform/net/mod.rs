//! Which network addresses outbound requests made on a client's behalf
//! (webhook deliveries) may reach: the public internet only.
//!
//! An admin who can register any URL could otherwise make the server
//! request the inside of its own network — the cloud metadata service at
//! 169.254.169.254, a database on 10.0.0.5, an admin port on 127.0.0.1 —
//! and read the answers back through `lastStatusCode`/`lastError`.
//!
//! | Range (IPv4) | Refused as |
//! |---|---|
//! | `0.0.0.0/8` | unspecified ("this network") |
//! | `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16` | private |
//! | `100.64.0.0/10` | shared (carrier-grade NAT) |
//! | `127.0.0.0/8` | loopback |
//! | `169.254.0.0/16` | link-local (cloud metadata) |
//! | `192.0.0.0/24`, `192.0.2.0/24`, `192.88.99.0/24`, `198.18.0.0/15`, `198.51.100.0/24`, `203.0.113.0/24`, `240.0.0.0/4` (with broadcast) | reserved (protocol assignments, documentation, benchmarking, future use) |
//! | `224.0.0.0/4` | multicast |
//!
//! | Range (IPv6) | Refused as |
//! |---|---|
//! | `::`, `::1` | unspecified, loopback |
//! | `::ffff:0:0/96` (IPv4-mapped), `64:ff9b::/96` (NAT64), `2002::/16` (6to4) | what the embedded IPv4 address is |
//! | `fc00::/7` | private (unique local) |
//! | `fe80::/10` | link-local |
//! | `ff00::/8` | multicast |
//! | `2001::/23`, `2001:db8::/32`, `3fff::/20`, `64:ff9b:1::/48`, and anything outside global unicast `2000::/3` (IPv4-compatible `::/96`, `100::/64`, site-local `fec0::/10`…) | reserved |
//!
//! Names: `localhost` and `*.localhost` (RFC 6761) are loopback whatever
//! DNS says. Any other name is judged by the addresses it resolves to
//! ([`resolver`]), at every connection: a name may point elsewhere later.

pub mod resolver;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

/// Why an address is no place to send a request to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    Unspecified,
    Loopback,
    Private,
    Shared,
    LinkLocal,
    Multicast,
    Reserved,
}

impl Refusal {
    /// The kind of address, for error messages ("a loopback address").
    pub fn describe(self) -> &'static str {
        match self {
            Self::Unspecified => "unspecified",
            Self::Loopback => "loopback",
            Self::Private => "private",
            Self::Shared => "shared (carrier-grade NAT)",
            Self::LinkLocal => "link-local",
            Self::Multicast => "multicast",
            Self::Reserved => "reserved",
        }
    }
}

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8) -> Ipv4Net {
    Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), prefix)
}

const fn v6(segments: [u16; 8], prefix: u8) -> Ipv6Net {
    let [a, b, c, d, e, f, g, h] = segments;
    Ipv6Net::new_assert(Ipv6Addr::new(a, b, c, d, e, f, g, h), prefix)
}

/// IANA's special-purpose IPv4 ranges that are not globally reachable.
const REFUSED_V4: [(Ipv4Net, Refusal); 15] = [
    (v4(0, 0, 0, 0, 8), Refusal::Unspecified),
    (v4(10, 0, 0, 0, 8), Refusal::Private),
    (v4(100, 64, 0, 0, 10), Refusal::Shared),
    (v4(127, 0, 0, 0, 8), Refusal::Loopback),
    (v4(169, 254, 0, 0, 16), Refusal::LinkLocal),
    (v4(172, 16, 0, 0, 12), Refusal::Private),
    (v4(192, 0, 0, 0, 24), Refusal::Reserved),
    (v4(192, 0, 2, 0, 24), Refusal::Reserved),
    (v4(192, 88, 99, 0, 24), Refusal::Reserved),
    (v4(192, 168, 0, 0, 16), Refusal::Private),
    (v4(198, 18, 0, 0, 15), Refusal::Reserved),
    (v4(198, 51, 100, 0, 24), Refusal::Reserved),
    (v4(203, 0, 113, 0, 24), Refusal::Reserved),
    (v4(224, 0, 0, 0, 4), Refusal::Multicast),
    (v4(240, 0, 0, 0, 4), Refusal::Reserved),
];

/// Special IPv6 ranges, most specific first (the first match wins).
const REFUSED_V6: [(Ipv6Net, Refusal); 10] = [
    (v6([0, 0, 0, 0, 0, 0, 0, 0], 128), Refusal::Unspecified),
    (v6([0, 0, 0, 0, 0, 0, 0, 1], 128), Refusal::Loopback),
    (v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48), Refusal::Reserved),
    (v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32), Refusal::Reserved),
    (v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 23), Refusal::Reserved),
    (v6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20), Refusal::Reserved),
    (v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7), Refusal::Private),
    (v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10), Refusal::LinkLocal),
    (v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8), Refusal::Multicast),
    // Global unicast is all IANA hands out; the rest is reserved.
    (v6([0x2000, 0, 0, 0, 0, 0, 0, 0], 3), Refusal::Reserved),
];

const NAT64: Ipv6Net = v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96);
const SIX_TO_FOUR: Ipv6Net = v6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16);
const GLOBAL_UNICAST: usize = REFUSED_V6.len() - 1;

/// Why `ip` may not be reached, or `None` for a public address.
pub fn refusal(ip: IpAddr) -> Option<Refusal> {
    match ip {
        IpAddr::V4(ip) => refusal_v4(ip),
        IpAddr::V6(ip) => refusal_v6(ip),
    }
}

fn refusal_v4(ip: Ipv4Addr) -> Option<Refusal> {
    REFUSED_V4
        .iter()
        .find(|(net, _)| net.contains(&ip))
        .map(|(_, why)| *why)
}

fn refusal_v6(ip: Ipv6Addr) -> Option<Refusal> {
    // Addresses that carry an IPv4 address reach it: judge that one.
    if let Some(embedded) = ip.to_ipv4_mapped() {
        return refusal_v4(embedded);
    }
    let bits = ip.to_bits();
    if NAT64.contains(&ip) {
        return refusal_v4(Ipv4Addr::from_bits(bits as u32));
    }
    if SIX_TO_FOUR.contains(&ip) {
        return refusal_v4(Ipv4Addr::from_bits((bits >> 80) as u32));
    }
    match REFUSED_V6.iter().position(|(net, _)| net.contains(&ip)) {
        Some(GLOBAL_UNICAST) => None,
        Some(i) => Some(REFUSED_V6[i].1),
        None => Some(Refusal::Reserved),
    }
}

/// Why the host name `name` may not be reached whatever it resolves to:
/// `localhost` and its subdomains are loopback (RFC 6761).
pub fn name_refusal(name: &str) -> Option<Refusal> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    (name == "localhost" || name.ends_with(".localhost")).then_some(Refusal::Loopback)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(text: &str) -> Option<Refusal> {
        refusal(text.parse().unwrap())
    }

    #[test]
    fn refused_ipv4_addresses() {
        use Refusal::*;
        for (ip, expected) in [
            ("0.0.0.0", Unspecified),
            ("0.1.2.3", Unspecified),
            ("127.0.0.1", Loopback),
            ("127.255.255.254", Loopback),
            ("10.0.0.1", Private),
            ("10.255.255.255", Private),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("192.168.1.1", Private),
            ("169.254.169.254", LinkLocal),
            ("100.64.0.1", Shared),
            ("100.127.255.255", Shared),
            ("224.0.0.1", Multicast),
            ("239.255.255.250", Multicast),
            ("255.255.255.255", Reserved),
            ("240.0.0.1", Reserved),
            ("192.0.0.170", Reserved),
            ("192.0.2.10", Reserved),
            ("198.18.0.1", Reserved),
            ("198.19.255.255", Reserved),
            ("198.51.100.7", Reserved),
            ("203.0.113.9", Reserved),
        ] {
            assert_eq!(why(ip), Some(expected), "{ip}");
        }
    }

    #[test]
    fn public_ipv4_addresses_pass() {
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "1.1.1.1",
            "172.15.255.255",
            "172.32.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "169.253.0.1",
            "192.169.0.1",
            "198.20.0.1",
            "223.255.255.255",
        ] {
            assert_eq!(why(ip), None, "{ip}");
        }
    }

    #[test]
    fn refused_ipv6_addresses() {
        use Refusal::*;
        for (ip, expected) in [
            ("::", Unspecified),
            ("::1", Loopback),
            ("::ffff:127.0.0.1", Loopback),
            ("::ffff:10.1.2.3", Private),
            ("::ffff:169.254.169.254", LinkLocal),
            ("::ffff:0.0.0.0", Unspecified),
            ("64:ff9b::7f00:1", Loopback),
            ("64:ff9b::a9fe:a9fe", LinkLocal),
            ("64:ff9b:1::1", Reserved),
            ("2002:7f00:1::1", Loopback),
            ("2002:c0a8:101::", Private),
            ("fc00::1", Private),
            ("fd12:3456:789a::1", Private),
            ("fe80::1", LinkLocal),
            ("febf::1", LinkLocal),
            ("fec0::1", Reserved),
            ("ff02::1", Multicast),
            ("ff0e::1", Multicast),
            ("::127.0.0.1", Reserved),
            ("100::1", Reserved),
            ("2001::1", Reserved),
            ("2001:2::1", Reserved),
            ("2001:db8::1", Reserved),
            ("3fff::1", Reserved),
            ("4000::1", Reserved),
        ] {
            assert_eq!(why(ip), Some(expected), "{ip}");
        }
    }

    #[test]
    fn public_ipv6_addresses_pass() {
        for ip in [
            "2606:2800:220:1:248:1893:25c8:1946",
            "2001:4860:4860::8888",
            "2a00:1450:4001::1",
            "::ffff:93.184.216.34",
            "64:ff9b::5db8:d822",
            "2002:5db8:d822::1",
        ] {
            assert_eq!(why(ip), None, "{ip}");
        }
    }

    #[test]
    fn localhost_names_are_loopback() {
        for name in ["localhost", "LOCALHOST.", "api.localhost", "a.b.localhost"] {
            assert_eq!(name_refusal(name), Some(Refusal::Loopback), "{name}");
        }
        for name in ["doitac.example", "localhost.example", "notlocalhost"] {
            assert_eq!(name_refusal(name), None, "{name}");
        }
    }
}
