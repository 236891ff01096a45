//! When a state machine moves on by itself: the transition policies the API areas attach to
//! their automatic transitions (applyment review, payment success, withdrawal arrival …).
//!
//! An area keeps a [`Pending`] next to each object that waits for an automatic move, and on
//! every query calls [`Pending::record_poll`] and then [`TransitionPolicy::is_due`] with the
//! tenant's virtual time. Each transition names a [`Timing`]: its policy under the `fast`
//! profile (the default, for tests and demos) and under `production` (the delays WeChat Pay
//! really has, for rehearsing timeouts with the virtual clock).

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Which delays the mock applies to automatic transitions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimingProfile {
    /// Short, deterministic delays: mostly immediate or after one poll.
    #[default]
    Fast,
    /// WeChat Pay's own delays (review takes hours, arrival the next working day …), to be
    /// crossed with the admin clock.
    Production,
}

impl TimingProfile {
    /// The configuration spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fast => "fast",
            Self::Production => "production",
        }
    }
}

impl std::str::FromStr for TimingProfile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fast" => Ok(Self::Fast),
            "production" => Ok(Self::Production),
            other => Err(format!("unknown timing profile `{other}` (fast | production)")),
        }
    }
}

/// When an automatic transition fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransitionPolicy {
    /// At once: the next read already sees the new state.
    Immediate,
    /// Once this much virtual time has passed since the state was entered.
    AfterVirtual(Duration),
    /// On the n-th query after the state was entered (n = 0 behaves like `Immediate`).
    AfterPolls(u32),
    /// Never by itself: only an admin action moves it.
    Manual,
}

impl TransitionPolicy {
    /// Whether the transition is due at `now_unix` (virtual seconds) given `pending`.
    pub fn is_due(&self, pending: &Pending, now_unix: i64) -> bool {
        match *self {
            Self::Immediate => true,
            Self::AfterVirtual(_) => self.due_at(pending).is_some_and(|at| now_unix >= at),
            Self::AfterPolls(n) => pending.polls >= n,
            Self::Manual => false,
        }
    }

    /// The virtual time at which an `AfterVirtual` transition becomes due (the callback
    /// dispatcher schedules on it); `Immediate` is due when entered; others have no fixed time.
    pub fn due_at(&self, pending: &Pending) -> Option<i64> {
        match *self {
            Self::Immediate => Some(pending.entered_unix),
            Self::AfterVirtual(d) => {
                let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                Some(pending.entered_unix.saturating_add(secs))
            }
            Self::AfterPolls(_) | Self::Manual => None,
        }
    }
}

/// A transition's policy under each timing profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// Under [`TimingProfile::Fast`].
    pub fast: TransitionPolicy,
    /// Under [`TimingProfile::Production`].
    pub production: TransitionPolicy,
}

impl Timing {
    /// A transition timed `fast` in tests and `production` when rehearsing real delays.
    pub const fn new(fast: TransitionPolicy, production: TransitionPolicy) -> Self {
        Self { fast, production }
    }

    /// The same policy under both profiles.
    pub const fn always(policy: TransitionPolicy) -> Self {
        Self { fast: policy, production: policy }
    }

    /// The policy for `profile`.
    pub fn for_profile(&self, profile: TimingProfile) -> TransitionPolicy {
        match profile {
            TimingProfile::Fast => self.fast,
            TimingProfile::Production => self.production,
        }
    }
}

/// Progress of an object toward its next automatic transition: when it entered its current
/// state (virtual unix seconds) and how often it was queried since.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Pending {
    entered_unix: i64,
    polls: u32,
}

impl Pending {
    /// Starts waiting at `entered_unix` (the tenant's virtual now).
    pub fn new(entered_unix: i64) -> Self {
        Self { entered_unix, polls: 0 }
    }

    /// Counts one query.
    pub fn record_poll(&mut self) {
        self.polls = self.polls.saturating_add(1);
    }

    /// When the current state was entered.
    pub fn entered_unix(&self) -> i64 {
        self.entered_unix
    }

    /// Queries since then.
    pub fn polls(&self) -> u32 {
        self.polls
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves each policy fires exactly at its threshold and not before.
    #[test]
    fn policies_fire_at_their_threshold() {
        let mut p = Pending::new(1_000);
        assert!(TransitionPolicy::Immediate.is_due(&p, 1_000));
        let wait = TransitionPolicy::AfterVirtual(Duration::from_secs(60));
        assert!(!wait.is_due(&p, 1_059));
        assert!(wait.is_due(&p, 1_060));
        assert_eq!(wait.due_at(&p), Some(1_060));
        let polls = TransitionPolicy::AfterPolls(2);
        p.record_poll();
        assert!(!polls.is_due(&p, 1_000));
        p.record_poll();
        assert!(polls.is_due(&p, 1_000));
        assert!(TransitionPolicy::AfterPolls(0).is_due(&Pending::new(0), 0));
    }

    // Proves Manual never fires on its own, whatever the time or number of polls.
    #[test]
    fn manual_never_fires() {
        let mut p = Pending::new(0);
        for _ in 0..10 {
            p.record_poll();
        }
        assert!(!TransitionPolicy::Manual.is_due(&p, i64::MAX));
        assert_eq!(TransitionPolicy::Manual.due_at(&p), None);
    }

    // Proves a huge delay saturates instead of wrapping into the past.
    #[test]
    fn huge_delay_saturates() {
        let p = Pending::new(i64::MAX - 10);
        let wait = TransitionPolicy::AfterVirtual(Duration::from_secs(u64::MAX));
        assert_eq!(wait.due_at(&p), Some(i64::MAX));
        assert!(!wait.is_due(&p, i64::MAX - 1));
    }

    // Proves the profile picks its own policy and parses from its documented names.
    #[test]
    fn profile_selects_policy() {
        let t = Timing::new(
            TransitionPolicy::AfterPolls(1),
            TransitionPolicy::AfterVirtual(Duration::from_secs(3_600)),
        );
        assert_eq!(t.for_profile(TimingProfile::Fast), TransitionPolicy::AfterPolls(1));
        assert_eq!(
            t.for_profile("production".parse().unwrap()),
            TransitionPolicy::AfterVirtual(Duration::from_secs(3_600))
        );
        assert_eq!(
            Timing::always(TransitionPolicy::Manual).for_profile(TimingProfile::Production),
            TransitionPolicy::Manual
        );
        assert!("slow".parse::<TimingProfile>().is_err());
    }
}
