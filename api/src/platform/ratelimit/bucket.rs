//! One quota policy over governor's keyed GCRA limiter: `charge` spends a
//! client's cost units and says what is left, or how long to wait.

use std::{num::NonZeroU32, time::Duration};

use governor::{
    Quota, RateLimiter,
    clock::{Clock, DefaultClock},
    middleware::StateInformationMiddleware,
    state::keyed::DashMapStateStore,
};

use super::client::{ClientKey, Policy};

/// The window every quota is expressed over, in seconds (`w` of
/// `RateLimit-Policy`).
pub const WINDOW_SECS: u64 = 60;

/// The outcome of a charge, with what the `RateLimit` headers report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub policy: Policy,
    /// Cost units per window.
    pub quota: u32,
    /// Cost units left now.
    pub remaining: u32,
    /// Seconds within which no more than `remaining` can be spent: until
    /// the bucket is full again, or, when refused, `retry_after`.
    pub reset_secs: u64,
    /// Set when the charge was refused: seconds until it would fit.
    pub retry_after: Option<u64>,
}

impl Decision {
    /// Whether the charge was refused.
    pub fn is_denied(&self) -> bool {
        self.retry_after.is_some()
    }
}

/// A keyed limiter of one policy. Generic over the clock so tests can
/// drive time.
pub struct Bucket<C: Clock = DefaultClock> {
    limiter: RateLimiter<ClientKey, DashMapStateStore<ClientKey>, C, StateInformationMiddleware>,
    clock: C,
    policy: Policy,
    quota: NonZeroU32,
}

impl<C: Clock + Clone> Bucket<C> {
    /// `per_minute` units per window for every key, all of them available
    /// at once (the burst is the whole budget).
    pub fn new(policy: Policy, per_minute: NonZeroU32, clock: C) -> Self {
        let limiter = RateLimiter::dashmap_with_clock(Quota::per_minute(per_minute), clock.clone())
            .with_middleware::<StateInformationMiddleware>();
        Self {
            limiter,
            clock,
            policy,
            quota: per_minute,
        }
    }

    /// Spends `cost` units of `key`'s budget (at least 1; at most the
    /// whole budget, so that no operation is refused for ever), or
    /// refuses without spending anything.
    pub fn charge(&self, key: &ClientKey, cost: u32) -> Decision {
        let quota = self.quota.get();
        let n = NonZeroU32::new(cost.clamp(1, quota)).unwrap_or(NonZeroU32::MIN);
        match self.limiter.check_key_n(key, n) {
            Ok(Ok(state)) => {
                let remaining = state.remaining_burst_capacity().min(quota);
                self.decision(remaining, self.secs_to_refill(quota - remaining), None)
            }
            Ok(Err(not_until)) => {
                let wait = not_until.wait_time_from(self.clock.now());
                // GCRA: the wait is the time the missing units take to come back.
                let missing = self.units_in(wait).min(n.get());
                let retry_after = ceil_secs(wait).max(1);
                self.decision(n.get() - missing, retry_after, Some(retry_after))
            }
            // Unreachable (the cost is clamped to the quota), but never fatal.
            Err(_) => self.decision(0, WINDOW_SECS, Some(WINDOW_SECS)),
        }
    }

    /// Forgets the keys whose bucket is full again (indistinguishable from
    /// a new client), so memory follows the clients of the last window.
    pub fn prune(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }

    /// Keys held.
    pub fn len(&self) -> usize {
        self.limiter.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.limiter.is_empty()
    }

    fn decision(&self, remaining: u32, reset_secs: u64, retry_after: Option<u64>) -> Decision {
        Decision {
            policy: self.policy,
            quota: self.quota.get(),
            remaining,
            reset_secs,
            retry_after,
        }
    }

    /// Nanoseconds one unit takes to come back.
    fn unit_nanos(&self) -> u128 {
        Duration::from_secs(WINDOW_SECS).as_nanos() / u128::from(self.quota.get())
    }

    /// Whole units that come back within `wait`, rounded up.
    fn units_in(&self, wait: Duration) -> u32 {
        let unit = self.unit_nanos().max(1);
        u32::try_from(wait.as_nanos().div_ceil(unit)).unwrap_or(u32::MAX)
    }

    fn secs_to_refill(&self, units: u32) -> u64 {
        ceil_secs(Duration::from_nanos(
            u64::try_from(self.unit_nanos() * u128::from(units)).unwrap_or(u64::MAX),
        ))
    }
}

fn ceil_secs(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::net::{IpAddr, Ipv4Addr};

    use governor::clock::FakeRelativeClock;

    use super::*;

    fn bucket(per_minute: u32) -> (Bucket<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        let per_minute = NonZeroU32::new(per_minute).unwrap();
        (
            Bucket::new(Policy::Default, per_minute, clock.clone()),
            clock,
        )
    }

    fn ip(last: u8) -> ClientKey {
        ClientKey::Ip(IpAddr::V4(Ipv4Addr::new(192, 0, 2, last)))
    }

    #[test]
    fn costs_are_spent_and_refused_with_a_wait() {
        let (bucket, clock) = bucket(60);
        let first = bucket.charge(&ip(1), 50);
        assert_eq!((first.remaining, first.retry_after), (10, None));
        // 50 units come back one per second.
        assert_eq!(first.reset_secs, 50);
        let refused = bucket.charge(&ip(1), 20);
        assert!(refused.is_denied());
        assert_eq!(refused.remaining, 10, "a refusal spends nothing");
        assert_eq!(refused.retry_after, Some(10));
        assert_eq!(refused.reset_secs, 10);
        clock.advance(Duration::from_secs(10));
        assert!(!bucket.charge(&ip(1), 20).is_denied());
        // Another client has its own budget.
        assert_eq!(bucket.charge(&ip(2), 1).remaining, 59);
    }

    #[test]
    fn a_cost_over_the_budget_empties_it() {
        let (bucket, _) = bucket(10);
        let decision = bucket.charge(&ip(1), 1_000);
        assert_eq!((decision.remaining, decision.retry_after), (0, None));
        assert_eq!(bucket.charge(&ip(1), 0).retry_after, Some(6));
    }

    #[test]
    fn pruning_forgets_clients_whose_bucket_refilled() {
        let (bucket, clock) = bucket(600);
        for last in 0..=255 {
            bucket.charge(&ip(last), 300);
        }
        assert_eq!(bucket.len(), 256);
        clock.advance(Duration::from_secs(20));
        bucket.prune();
        assert_eq!(bucket.len(), 256, "half-spent buckets are kept");
        clock.advance(Duration::from_secs(11));
        bucket.prune();
        assert!(bucket.is_empty());
    }
}
