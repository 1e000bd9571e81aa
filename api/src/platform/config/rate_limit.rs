//! Rate-limit settings: the budgets (`RATE_LIMIT_PER_MINUTE`,
//! `RATE_LIMIT_PARTNER_PER_MINUTE`) and the proxies whose
//! `X-Forwarded-For` is believed (`TRUSTED_PROXIES`). The limiter itself
//! is `platform::ratelimit`.

use std::net::IpAddr;

use ipnet::IpNet;

/// Default of `RATE_LIMIT_PER_MINUTE` in production: 75 home pages (a
/// 20-article list costs ~800) or 6,000 REST calls a minute per client,
/// and room for three of the costliest queries `GRAPHQL_MAX_COMPLEXITY`
/// admits.
pub const PRODUCTION_PER_MINUTE: u32 = 60_000;
/// A partner's budget, in multiples of a client's when not set.
pub const PARTNER_FACTOR: u32 = 10;

/// How clients are rate limited.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct RateLimitConfig {
    /// Cost units each client may spend per minute (a GraphQL operation
    /// costs its complexity, at least 1; a REST call a fixed small cost).
    /// Anonymous clients are counted by IP address, signed-in ones by
    /// their token's subject. 0 turns rate limiting off. Default: off in
    /// development, 60000 in production (`APP_ENV`).
    #[arg(long, env = "RATE_LIMIT_PER_MINUTE")]
    pub rate_limit_per_minute: Option<u32>,

    /// Cost units per minute of each partner (a token with the `partner`
    /// role), counted by subject. Default: 10 times
    /// `RATE_LIMIT_PER_MINUTE`; 0 leaves partners unlimited.
    #[arg(long, env = "RATE_LIMIT_PARTNER_PER_MINUTE")]
    pub rate_limit_partner_per_minute: Option<u32>,

    /// Proxies (a CDN, a load balancer) whose `X-Forwarded-For` is
    /// believed: comma-separated CIDRs or addresses. A request is counted
    /// against the right-most address of the chain that is not one of
    /// them. Default: none (the connection's address counts).
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',',
          value_parser = parse_proxy)]
    pub trusted_proxies: Vec<IpNet>,
}

impl RateLimitConfig {
    /// Limits off: the configuration of tests (a test turns them on).
    pub fn off() -> Self {
        Self {
            rate_limit_per_minute: Some(0),
            ..Self::default()
        }
    }

    /// The budget of a client per minute; 0 when rate limiting is off.
    pub fn per_minute(&self, production: bool) -> u32 {
        self.rate_limit_per_minute
            .unwrap_or(if production { PRODUCTION_PER_MINUTE } else { 0 })
    }

    /// The budget of a partner per minute; 0 when partners are not limited
    /// (or rate limiting is off).
    pub fn partner_per_minute(&self, production: bool) -> u32 {
        let base = self.per_minute(production);
        if base == 0 {
            return 0;
        }
        self.rate_limit_partner_per_minute
            .unwrap_or(base.saturating_mul(PARTNER_FACTOR))
    }
}

/// One `TRUSTED_PROXIES` entry: a CIDR, or an address (a network of one).
fn parse_proxy(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map(|net| net.trunc())
        .map_err(|_| format!("{text:?} is neither a CIDR (10.0.0.0/8) nor an IP address"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn defaults_depend_on_the_environment() {
        let unset = RateLimitConfig::default();
        assert_eq!(unset.per_minute(false), 0);
        assert_eq!(unset.partner_per_minute(false), 0);
        assert_eq!(unset.per_minute(true), 60_000);
        assert_eq!(unset.partner_per_minute(true), 600_000);
        let set = RateLimitConfig {
            rate_limit_per_minute: Some(100),
            rate_limit_partner_per_minute: Some(0),
            ..RateLimitConfig::default()
        };
        assert_eq!(set.per_minute(true), 100);
        assert_eq!(set.partner_per_minute(true), 0);
        assert_eq!(RateLimitConfig::off().per_minute(true), 0);
    }

    #[test]
    fn proxies_are_cidrs_or_addresses() {
        assert_eq!(
            parse_proxy(" 10.1.2.3/8").unwrap(),
            "10.0.0.0/8".parse::<IpNet>().unwrap()
        );
        assert_eq!(
            parse_proxy("2001:db8::1").unwrap(),
            "2001:db8::1/128".parse::<IpNet>().unwrap()
        );
        assert!(parse_proxy("cdn.example").is_err());
    }
}
