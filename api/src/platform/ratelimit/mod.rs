//! Rate limiting per client, by cost.
//!
//! | Who asks | Counted by | Policy (budget per minute) |
//! |---|---|---|
//! | anonymous | address (`client::client_ip`: the peer, or the right-most untrusted hop of `X-Forwarded-For` from `TRUSTED_PROXIES`; IPv6 by /64) | `default` (`RATE_LIMIT_PER_MINUTE`) |
//! | a token that verifies | its `sub` | `default` |
//! | a token with the `partner` role | its `sub` | `partner` (`RATE_LIMIT_PARTNER_PER_MINUTE`) |
//! | a token that does not verify | address (it is answered 401 anyway) | `default` |
//!
//! Costs: a GraphQL operation pays [`ADMISSION_COST`] when it arrives
//! (so a flood is refused before anything is parsed) and the rest of its
//! complexity, as async-graphql computes it after validation, at least 1
//! in all ([`Ticket::settle`], called by the GraphQL face). A REST call
//! pays [`REST_COST`]. Probes and metrics are free.
//!
//! Each [`bucket::Bucket`] is governor's keyed GCRA: the whole budget may
//! be spent at once and comes back evenly over the minute; a refused
//! charge spends nothing. State is in this replica's memory (per replica:
//! N replicas allow up to N budgets); keys whose bucket is full again are
//! pruned every [`PRUNE_EVERY_SECS`], so memory follows the clients of
//! the last minute or two, not every address ever seen.

mod bucket;
mod client;

use std::{
    num::NonZeroU32,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::Instant,
};

use governor::clock::{Clock, DefaultClock};
use ipnet::IpNet;

pub use bucket::{Bucket, Decision, WINDOW_SECS};
pub use client::{Client, ClientKey, Policy, client_ip, forwarded_for, identify};

use crate::platform::config::rate_limit::RateLimitConfig;

/// What a REST call costs (feeds, ninjs, sync, sitemaps): about a small
/// GraphQL list, and answers that are cached and conditional.
pub const REST_COST: u32 = 10;
/// What a GraphQL request pays before it is parsed; the rest of its
/// complexity is charged after validation.
pub const ADMISSION_COST: u32 = 1;
/// How often keys whose bucket refilled are forgotten, in seconds.
pub const PRUNE_EVERY_SECS: u64 = 30;

/// The budgets of every client of this replica.
pub struct RateLimits<C: Clock = DefaultClock> {
    default: Bucket<C>,
    /// `None`: partners are not limited.
    partner: Option<Bucket<C>>,
    trusted_proxies: Vec<IpNet>,
    started: Instant,
    /// Seconds after `started` when the next pruning is due.
    next_prune: AtomicU64,
}

impl RateLimits {
    /// The limits the settings ask for; `None` when rate limiting is off.
    pub fn from_config(config: &RateLimitConfig, production: bool) -> Option<Self> {
        let per_minute = NonZeroU32::new(config.per_minute(production))?;
        let partner = NonZeroU32::new(config.partner_per_minute(production));
        Some(Self::with_clock(
            per_minute,
            partner,
            config.trusted_proxies.clone(),
            DefaultClock::default(),
        ))
    }
}

impl<C: Clock + Clone> RateLimits<C> {
    /// Limits over `clock` (tests drive a fake one).
    pub fn with_clock(
        per_minute: NonZeroU32,
        partner_per_minute: Option<NonZeroU32>,
        trusted_proxies: Vec<IpNet>,
        clock: C,
    ) -> Self {
        Self {
            default: Bucket::new(Policy::Default, per_minute, clock.clone()),
            partner: partner_per_minute.map(|n| Bucket::new(Policy::Partner, n, clock)),
            trusted_proxies,
            started: Instant::now(),
            next_prune: AtomicU64::new(PRUNE_EVERY_SECS),
        }
    }

    /// The proxies whose `X-Forwarded-For` is believed.
    pub fn trusted_proxies(&self) -> &[IpNet] {
        &self.trusted_proxies
    }

    /// Spends `cost` of `client`'s budget; `None` when its policy has no
    /// limit.
    pub fn charge(&self, client: &Client, cost: u32) -> Option<Decision> {
        let bucket = match client.policy {
            Policy::Default => Some(&self.default),
            Policy::Partner => self.partner.as_ref(),
        }?;
        let decision = bucket.charge(&client.key, cost);
        self.prune_when_due();
        Some(decision)
    }

    /// Forgets every client whose budget is whole again.
    pub fn prune(&self) {
        self.default.prune();
        if let Some(partner) = &self.partner {
            partner.prune();
        }
    }

    /// Clients held in memory.
    pub fn len(&self) -> usize {
        self.default.len() + self.partner.as_ref().map_or(0, Bucket::len)
    }

    /// Whether no client is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Prunes on the request that finds it due (one request every
    /// `PRUNE_EVERY_SECS`; a pass over the clients of the last minute).
    fn prune_when_due(&self) {
        let now = self.started.elapsed().as_secs();
        let due = self.next_prune.load(Ordering::Relaxed);
        if now >= due
            && self
                .next_prune
                .compare_exchange(
                    due,
                    now + PRUNE_EVERY_SECS,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
        {
            self.prune();
        }
    }
}

/// One request's account: who pays, what was paid on arrival, and the
/// latest decision (which the HTTP layer turns into headers).
#[derive(Clone)]
pub struct Ticket(Arc<TicketState>);

struct TicketState {
    limits: Arc<RateLimits>,
    client: Client,
    paid: u32,
    decision: Mutex<Option<Decision>>,
}

impl Ticket {
    /// Charges `cost` as the request arrives.
    pub fn admit(limits: Arc<RateLimits>, client: Client, cost: u32) -> Self {
        let decision = limits.charge(&client, cost);
        let paid = if decision.is_some_and(|d| d.is_denied()) {
            0
        } else {
            cost
        };
        Self(Arc::new(TicketState {
            limits,
            client,
            paid,
            decision: Mutex::new(decision),
        }))
    }

    /// Charges what is left of an operation whose whole cost is `total`
    /// (at least 1). Returns the decision when it is refused.
    pub fn settle(&self, total: usize) -> Option<Decision> {
        let total = u32::try_from(total.max(1)).unwrap_or(u32::MAX);
        let rest = total.saturating_sub(self.0.paid);
        if rest == 0 {
            return None;
        }
        let decision = self.0.limits.charge(&self.0.client, rest)?;
        *self
            .0
            .decision
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(decision);
        decision.is_denied().then_some(decision)
    }

    /// The latest decision; `None` when the client is not limited.
    pub fn decision(&self) -> Option<Decision> {
        *self
            .0
            .decision
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::net::{IpAddr, Ipv4Addr};

    use super::*;

    fn limits(per_minute: u32, partner: Option<u32>) -> Arc<RateLimits> {
        let config = RateLimitConfig {
            rate_limit_per_minute: Some(per_minute),
            rate_limit_partner_per_minute: partner,
            trusted_proxies: Vec::new(),
        };
        Arc::new(RateLimits::from_config(&config, false).unwrap())
    }

    fn anonymous() -> Client {
        Client {
            key: ClientKey::of_ip(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            policy: Policy::Default,
        }
    }

    #[test]
    fn off_when_the_budget_is_zero() {
        assert!(RateLimits::from_config(&RateLimitConfig::off(), true).is_none());
        assert!(RateLimits::from_config(&RateLimitConfig::default(), false).is_none());
    }

    #[test]
    fn a_ticket_charges_the_rest_of_the_complexity() {
        let limits = limits(100, None);
        let ticket = Ticket::admit(limits.clone(), anonymous(), ADMISSION_COST);
        assert_eq!(ticket.decision().unwrap().remaining, 99);
        assert_eq!(ticket.settle(1), None, "already paid on arrival");
        assert_eq!(ticket.settle(0), None, "at least 1, already paid");
        assert_eq!(ticket.decision().unwrap().remaining, 99);
        let ticket = Ticket::admit(limits.clone(), anonymous(), ADMISSION_COST);
        assert_eq!(ticket.settle(40), None);
        assert_eq!(ticket.decision().unwrap().remaining, 59);
        let refused = Ticket::admit(limits, anonymous(), ADMISSION_COST).settle(80);
        assert!(refused.unwrap().is_denied());
    }

    #[test]
    fn partners_have_their_own_budget() {
        let limits = limits(10, Some(1_000));
        let partner = Client {
            key: ClientKey::Subject(Arc::from("syndication")),
            policy: Policy::Partner,
        };
        let decision = limits.charge(&partner, 500).unwrap();
        assert_eq!(
            (decision.policy, decision.remaining),
            (Policy::Partner, 500)
        );
        let unlimited = self::limits(10, Some(0));
        assert_eq!(unlimited.charge(&partner, 500), None);
        assert_eq!(limits.charge(&anonymous(), 1).unwrap().remaining, 9);
    }
}
