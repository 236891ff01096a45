//! A deterministic simulation of the mock's money: "money never goes missing".
//!
//! A seeded generator ([`SimConfig::seed`]) drives a random sequence of operations — onboarding
//! applications, prepays, payments, closes, refunds (and their admin moves, advance returns),
//! profit sharing (splits, returns, finishes), subsidies, deposits, withdrawals (and their
//! admin moves), sweeps, clock advances — against one tenant's store, calling the same domain
//! functions the HTTP handlers and the admin API call (no signing, no HTTP: about a thousand
//! times faster than a signed request, with the same business rules). Each step is sent in a
//! [`Mode`]: once; after a fault rule injected an error; aborted after the domain function ran
//! (the transaction must roll back completely); with its answer withheld after the commit and
//! then retried; replayed; or raced against itself on two threads.
//!
//! After every step [`check::LedgerChecker`] replays the new ledger entries into its own
//! balances and per-order totals and checks the invariants ([`check::INVARIANTS`]):
//!
//! - every entry moves a positive amount between two accounts; debits = credits;
//! - the ledger's recorded balances equal the replay; no merchant balance below zero;
//! - per order: paid once, refunded ≤ paid, split (minus returns) ≤ the cap (30 % by default),
//!   and the areas' own bookkeeping (refunded, split) equals what the ledger says;
//! - conservation: unfreezing and withdrawing move money within one merchant; every FROZEN
//!   balance equals its orders' frozen shares, every IN_TRANSIT balance its withdrawals on
//!   the way (these two in the full check);
//! - a replay (retry, withheld answer, concurrent duplicate) of a request that succeeded
//!   changes nothing and answers the same; an aborted transaction changes nothing;
//! - nothing panics.
//!
//! Every [`SimConfig::full_check_every`] steps, and at the end, the full check runs
//! ([`check::LedgerChecker::full`]: every balance, [`crate::ledger::Ledger::check`],
//! the refund / profit-sharing bookkeeping, in-transit against withdrawals). The run ends
//! with [`SimReport::ledger_hash`], a stable hash of the whole ledger: the same seed gives
//! the same hash on every machine.
//!
//! When an invariant breaks, [`run`] answers a [`SimFailure`] naming the seed, the index of
//! the step and the invariant, with a minimal reproduction: the steps left after removing
//! every step (and every fault mode) that the failure does not need.
//!
//! ```
//! use wechatpay_mock::sim::{run, SimConfig};
//!
//! let report = run(&SimConfig::new(7, 2_000)).expect("no invariant breaks");
//! assert_eq!(report.ops, 2_000);
//! assert_eq!(report.ledger_hash, run(&SimConfig::new(7, 2_000)).unwrap().ledger_hash);
//! ```

// The simulation indexes only its own generated collections, with indexes drawn from
// `0..len` of the same collection: no external input reaches it.
#![allow(clippy::indexing_slicing)]

pub mod check;
mod gen;
pub mod ops;

use std::collections::BTreeMap;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use wechatpay_crypto::FixedClock;

use self::check::{InvariantViolation, LedgerChecker, ATOMICITY, IDEMPOTENT_REPLAY, NO_PANIC};
pub use self::ops::{Mode, Op, Outcome, Step};
use crate::areas::applyment::Applyments;
use crate::areas::payments::Payments;
use crate::areas::profitsharing::funds::{OrderFunds, Settings};
use crate::areas::profitsharing::ProfitSharing;
use crate::areas::refunds::Refunds;
use crate::areas::subsidies::Subsidies;
use crate::areas::withdraw::{self, Owner, Withdrawals};
use crate::config::TenantConfig;
use crate::error::ApiError;
use crate::ledger::Ledger;
use crate::policy::TimingProfile;
use crate::store::{Store, SubMerchants};
use crate::tenant::Tenant;

/// Where the virtual clock of a simulation starts: 2025-01-01T11:00:00+08:00.
pub const START_UNIX: i64 = 1_735_700_400;

/// Most replays one minimisation makes.
const MAX_MINIMISE_RUNS: usize = 3_000;

/// Bugs the simulation can switch on to prove it catches them. Compiled only with the
/// `sim-bugs` feature; an area of the simulated tenant's store, so it never leaves the
/// simulation that set it.
#[cfg(feature = "sim-bugs")]
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InjectedBugs {
    /// Profit sharing forgets the split cap (`max_ratio_bp`).
    pub skip_split_cap: bool,
}

/// What to simulate.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Seeds the generator (and the fault rules).
    pub seed: u64,
    /// Steps to run.
    pub ops: u64,
    /// Run the full check every this many steps (and at the end); 0: only at the end.
    pub full_check_every: u64,
    /// The split cap, basis points (3000 = 30 %, WeChat Pay's default).
    pub max_ratio_bp: u32,
    /// The timing profile of automatic transitions.
    pub profile: TimingProfile,
    /// Minimise the steps of a failure into a reproduction.
    pub minimise: bool,
    /// Bugs to switch on (`sim-bugs` only).
    #[cfg(feature = "sim-bugs")]
    #[doc(hidden)]
    pub bugs: InjectedBugs,
}

impl SimConfig {
    /// `ops` steps from `seed`, with the defaults: a full check every 25 000 steps, the 30 %
    /// cap, the `fast` profile, failures minimised.
    pub fn new(seed: u64, ops: u64) -> Self {
        Self {
            seed,
            ops,
            full_check_every: 25_000,
            max_ratio_bp: 3_000,
            profile: TimingProfile::Fast,
            minimise: true,
            #[cfg(feature = "sim-bugs")]
            bugs: InjectedBugs::default(),
        }
    }
}

/// How many of one kind of operation succeeded and were refused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpCount {
    /// Answered a success.
    pub ok: u64,
    /// Answered an error (a business rule refused it: expected, and counted).
    pub refused: u64,
}

/// What a simulation that kept every invariant came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimReport {
    /// The seed.
    pub seed: u64,
    /// Steps run.
    pub ops: u64,
    /// Ledger entries written.
    pub entries: usize,
    /// [`check::ledger_hash`] of the final ledger.
    pub ledger_hash: u64,
    /// Full checks run.
    pub full_checks: u64,
    /// Sub-merchants at the end (seeded and onboarded by the simulation).
    pub sub_merchants: usize,
    /// Per operation name.
    pub ops_by_kind: BTreeMap<&'static str, OpCount>,
    /// Per mode (`Plain`, `Replay` …).
    pub modes: BTreeMap<String, u64>,
}

/// An invariant broke.
#[derive(Clone, Debug)]
pub struct SimFailure {
    /// The seed.
    pub seed: u64,
    /// The index (from 0) of the step after which the invariant was found broken.
    pub op_index: u64,
    /// That step.
    pub step: Step,
    /// What broke.
    pub violation: InvariantViolation,
    /// The fewest steps found that still break the same invariant (all steps up to
    /// `op_index` when minimisation is off or the failure did not reproduce).
    pub reproduction: Vec<Step>,
}

impl fmt::Display for SimFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "seed {} op #{}: {}\n  step: {}\n  minimal reproduction ({} steps, replay with sim::replay):",
            self.seed,
            self.op_index,
            self.violation,
            self.step,
            self.reproduction.len()
        )?;
        for (i, s) in self.reproduction.iter().enumerate() {
            writeln!(f, "    {i}: {s}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SimFailure {}

/// Counts that a replay or an abort must leave as they were.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Snapshot {
    entries: usize,
    payments: usize,
    refunds: usize,
    splits: usize,
    returns: usize,
    receivers: usize,
    subsidies: (usize, usize, usize),
    withdrawals: usize,
    applyments: usize,
    sub_merchants: usize,
    target: String,
}

/// The store and tenant of one simulation, with its checker.
struct World {
    store: Store,
    tenant: Arc<Tenant>,
    checker: LedgerChecker,
    profile: TimingProfile,
}

fn setup_failure(e: impl fmt::Display) -> InvariantViolation {
    InvariantViolation { invariant: NO_PANIC, detail: format!("setting up the tenant: {e}") }
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned())
}

impl World {
    fn new(config: &SimConfig) -> Result<Self, InvariantViolation> {
        let mut tc = TenantConfig::builtin();
        // Notifications are recorded, never POSTed: nothing leaves the process.
        tc.callback.deliver = false;
        let tenant = Tenant::from_config(&tc, Arc::new(FixedClock::new(START_UNIX)))
            .map_err(setup_failure)?;
        let store = Store::new();
        let max_ratio_bp = config.max_ratio_bp;
        store
            .transact(&tenant, |tx| {
                tx.area_mut::<OrderFunds>().settings =
                    Settings { max_ratio_bp, ..Settings::default() };
                #[cfg(feature = "sim-bugs")]
                {
                    *tx.area_mut::<InjectedBugs>() = config.bugs;
                }
                Ok::<_, ApiError>(())
            })
            .map_err(setup_failure)?;
        Ok(Self {
            store,
            tenant: Arc::new(tenant),
            checker: LedgerChecker::new(max_ratio_bp),
            profile: config.profile,
        })
    }

    /// Runs `op` once; `abort` fails its transaction after the domain function returned.
    fn exec(&self, op: &Op, abort: bool) -> Outcome {
        if let Op::Advance { secs } = op {
            if abort {
                return Outcome { answer: Err("ABORTED".into()), new_sub: None };
            }
            let answer = match self.tenant.clock().advance(*secs) {
                Ok(now) => Ok(now.to_string()),
                Err(e) => Err(e.to_string()),
            };
            return Outcome { answer, new_sub: None };
        }
        let profile = self.profile;
        let r = self.store.transact(&self.tenant, |tx| {
            let done = ops::run_in(tx, op, profile)?;
            if abort {
                return Err(ApiError::system_error("the simulation aborted the transaction"));
            }
            Ok(done)
        });
        match r {
            Ok(done) => Outcome {
                answer: match done.deferred_error {
                    Some(code) => Err(code),
                    None => Ok(done.answer),
                },
                new_sub: done.new_sub,
            },
            Err(e) => Outcome { answer: Err(e.code().to_owned()), new_sub: None },
        }
    }

    fn snapshot(&self, op: &Op) -> Snapshot {
        let s = &self.store;
        let t = &*self.tenant;
        Snapshot {
            entries: s.read(t, |l: &Ledger| l.len()),
            payments: s.read(t, |p: &Payments| p.payments.len()),
            refunds: s.read(t, |r: &Refunds| r.by_id.len()),
            splits: s.read(t, |p: &ProfitSharing| p.orders.len()),
            returns: s.read(t, |p: &ProfitSharing| p.returns.len()),
            receivers: s.read(t, |p: &ProfitSharing| p.receivers.len()),
            subsidies: s
                .read(t, |x: &Subsidies| (x.by_order.len(), x.returns.len(), x.cancelled.len())),
            withdrawals: s.read(t, |w: &Withdrawals| w.by_id.len()),
            applyments: s.read(t, |a: &Applyments| a.ids().len()),
            sub_merchants: s.read(t, |m: &SubMerchants| m.0.len()),
            target: self.target(op),
        }
    }

    /// The state of what `op` names, as text.
    fn target(&self, op: &Op) -> String {
        let s = &self.store;
        let t = &*self.tenant;
        match op {
            Op::Pay { sub, order }
            | Op::FailPayment { sub, order }
            | Op::Close { sub, order }
            | Op::Query { sub, order }
            | Op::Prepay { sub, order, .. }
            | Op::Refund { sub, order, .. }
            | Op::Split { sub, order, .. }
            | Op::Finish { sub, order, .. }
            | Op::Subsidy { sub, order, .. }
            | Op::SubsidyReturn { sub, order, .. }
            | Op::SubsidyCancel { sub, order } => {
                let trade = s.read(t, |p: &Payments| {
                    p.trade_by_out_trade_no(sub, &format!("SIM{order}"))
                        .map(|(payment, trade)| (payment.status.clone(), trade.clone()))
                });
                let money = trade
                    .as_ref()
                    .and_then(|(_, tr)| tr.transaction_id.clone())
                    .and_then(|id| s.read(t, |f: &OrderFunds| f.orders.get(&id).cloned()));
                format!("{trade:?} {money:?}")
            }
            Op::RefundMove { sub, no, .. }
            | Op::RefundQuery { sub, no }
            | Op::ReturnAdvance { sub, no } => s.read(t, |r: &Refunds| {
                let record = r
                    .by_out_no
                    .get(&(sub.clone(), format!("R{no}")))
                    .and_then(|id| r.by_id.get(id));
                format!("{record:?}")
            }),
            Op::Withdraw { sub, no, .. } | Op::WithdrawMove { sub, no, .. } => {
                let owner = match sub {
                    Some(m) => Owner::Sub(Arc::from(m.as_str())),
                    None => Owner::Platform,
                };
                let profile = self.profile;
                // A read: the transaction is rolled back (`find` lands due arrivals first).
                let found = s.transact(t, |tx| {
                    let w = withdraw::find(tx, &owner, None, Some(&format!("W{no}")), profile);
                    Err::<(), _>(format!("{w:?}"))
                });
                found.err().unwrap_or_default()
            }
            Op::Applyment { .. }
            | Op::ApplymentStep { .. }
            | Op::AddReceiver { .. }
            | Op::SplitReturn { .. }
            | Op::Deposit { .. }
            | Op::WithdrawCatchUp
            | Op::Sweep
            | Op::Advance { .. } => String::new(),
        }
    }

    /// Runs one step in its mode and checks the invariants.
    fn step(&mut self, step: &Step) -> Result<Outcome, InvariantViolation> {
        match catch_unwind(AssertUnwindSafe(|| self.step_inner(step))) {
            Ok(r) => r,
            Err(p) => Err(InvariantViolation { invariant: NO_PANIC, detail: panic_text(&*p) }),
        }
    }

    fn step_inner(&mut self, step: &Step) -> Result<Outcome, InvariantViolation> {
        let op = &step.op;
        let outcome = match step.mode {
            Mode::Plain | Mode::InjectedError => self.exec(op, false),
            Mode::Abort => {
                let before = self.snapshot(op);
                self.exec(op, true);
                let after = self.snapshot(op);
                if before != after {
                    return Err(InvariantViolation {
                        invariant: ATOMICITY,
                        detail: format!(
                            "an aborted {} changed {before:?} into {after:?}",
                            op.name()
                        ),
                    });
                }
                self.exec(op, false)
            }
            Mode::Replay | Mode::TimeoutRetry => {
                let first = self.exec(op, false);
                self.checker.after_op(&self.store, &self.tenant)?;
                self.replay_changes_nothing(op, &first)?;
                first
            }
            Mode::Concurrent => {
                let (a, b) = std::thread::scope(|scope| {
                    let one = scope.spawn(|| self.exec(op, false));
                    let two = self.exec(op, false);
                    (one.join(), two)
                });
                let a = a.map_err(|p| InvariantViolation {
                    invariant: NO_PANIC,
                    detail: panic_text(&*p),
                })?;
                self.checker.after_op(&self.store, &self.tenant)?;
                if is_keyed(op) && a.answer.is_ok() && b.answer.is_ok() && a.answer != b.answer {
                    return Err(InvariantViolation {
                        invariant: IDEMPOTENT_REPLAY,
                        detail: format!(
                            "two concurrent {} with the same key answered {:?} and {:?}",
                            op.name(),
                            a.answer,
                            b.answer
                        ),
                    });
                }
                // Deterministic whichever thread won: the success, if any.
                let won = if a.answer.is_ok() { a } else { b };
                self.replay_changes_nothing(op, &won)?;
                won
            }
        };
        self.checker.after_op(&self.store, &self.tenant)?;
        Ok(outcome)
    }

    /// Sends `op` again after it answered `first`: when that was a success, nothing may
    /// change, and a keyed create must answer the same.
    fn replay_changes_nothing(&self, op: &Op, first: &Outcome) -> Result<(), InvariantViolation> {
        if first.answer.is_err() {
            // A retry after a refusal is a new attempt (magic 1.05 succeeds the second time).
            return Ok(());
        }
        let before = self.snapshot(op);
        let again = self.exec(op, false);
        let after = self.snapshot(op);
        if before != after {
            return Err(InvariantViolation {
                invariant: IDEMPOTENT_REPLAY,
                detail: format!("a replayed {} changed {before:?} into {after:?}", op.name()),
            });
        }
        if is_keyed(op) && again.answer != first.answer {
            return Err(InvariantViolation {
                invariant: IDEMPOTENT_REPLAY,
                detail: format!(
                    "a replayed {} answered {:?}, the first {:?}",
                    op.name(),
                    again.answer,
                    first.answer
                ),
            });
        }
        Ok(())
    }
}

/// Whether `op` creates something under a key the client chose, so that sending it again
/// must answer the same.
fn is_keyed(op: &Op) -> bool {
    matches!(
        op,
        Op::Applyment { .. }
            | Op::Prepay { .. }
            | Op::Refund { .. }
            | Op::AddReceiver { .. }
            | Op::Split { .. }
            | Op::SplitReturn { .. }
            | Op::Finish { .. }
            | Op::Subsidy { .. }
            | Op::SubsidyReturn { .. }
            | Op::SubsidyCancel { .. }
            | Op::Withdraw { .. }
            | Op::ReturnAdvance { .. }
    )
}

fn failure(
    config: &SimConfig,
    op_index: u64,
    trace: Vec<Step>,
    violation: InvariantViolation,
) -> Box<SimFailure> {
    let step = trace.last().cloned().unwrap_or(Step { op: Op::Sweep, mode: Mode::Plain });
    let reproduction =
        if config.minimise { minimise(config, trace, violation.invariant) } else { trace };
    Box::new(SimFailure { seed: config.seed, op_index, step, violation, reproduction })
}

/// Runs the simulation `config` describes.
///
/// # Errors
/// [`SimFailure`] when an invariant breaks (or the tenant cannot be set up).
pub fn run(config: &SimConfig) -> Result<SimReport, Box<SimFailure>> {
    let mut world = match World::new(config) {
        Ok(w) => w,
        Err(v) => return Err(failure(config, 0, Vec::new(), v)),
    };
    let mut gen = gen::Generator::new(config.seed, world.tenant.mchid());
    let mut trace: Vec<Step> = Vec::with_capacity(usize::try_from(config.ops).unwrap_or(0));
    let mut report = SimReport {
        seed: config.seed,
        ops: 0,
        entries: 0,
        ledger_hash: 0,
        full_checks: 0,
        sub_merchants: 0,
        ops_by_kind: BTreeMap::new(),
        modes: BTreeMap::new(),
    };
    for i in 0..config.ops {
        let step = gen.next_step();
        let result = world.step(&step);
        trace.push(step);
        let outcome = match result {
            Ok(o) => o,
            Err(v) => return Err(failure(config, i, trace, v)),
        };
        let Some(step) = trace.last() else { continue };
        gen.observe(step, &outcome);
        let count = report.ops_by_kind.entry(step.op.name()).or_default();
        if outcome.answer.is_ok() {
            count.ok += 1;
        } else {
            count.refused += 1;
        }
        *report.modes.entry(format!("{:?}", step.mode)).or_default() += 1;
        report.ops += 1;
        if config.full_check_every > 0 && (i + 1) % config.full_check_every == 0 {
            report.full_checks += 1;
            if let Err(v) = world.checker.full(&world.store, &world.tenant) {
                return Err(failure(config, i, trace, v));
            }
        }
    }
    report.full_checks += 1;
    if let Err(v) = world.checker.full(&world.store, &world.tenant) {
        let last = config.ops.saturating_sub(1);
        return Err(failure(config, last, trace, v));
    }
    let ledger = world.store.read(&world.tenant, |l: &Ledger| l.clone());
    report.entries = ledger.len();
    report.ledger_hash = check::ledger_hash(&ledger);
    report.sub_merchants = world.store.read(&world.tenant, |m: &SubMerchants| m.0.len());
    Ok(report)
}

/// Runs exactly `steps` (a reproduction) on a fresh tenant set up as `config` says (its
/// `seed` and `ops` are not used), checking every invariant after each step and fully at
/// the end.
///
/// # Errors
/// The first broken invariant, with the index of the step (no minimisation).
pub fn replay(config: &SimConfig, steps: &[Step]) -> Result<u64, Box<SimFailure>> {
    let fail = |i: usize, v| {
        Box::new(SimFailure {
            seed: config.seed,
            op_index: u64::try_from(i).unwrap_or(u64::MAX),
            step: steps.get(i).cloned().unwrap_or(Step { op: Op::Sweep, mode: Mode::Plain }),
            violation: v,
            reproduction: steps.get(..=i).map(<[Step]>::to_vec).unwrap_or_default(),
        })
    };
    let mut world = World::new(config).map_err(|v| fail(0, v))?;
    for (i, step) in steps.iter().enumerate() {
        world.step(step).map_err(|v| fail(i, v))?;
    }
    world
        .checker
        .full(&world.store, &world.tenant)
        .map_err(|v| fail(steps.len().saturating_sub(1), v))?;
    let ledger = world.store.read(&world.tenant, |l: &Ledger| l.clone());
    Ok(check::ledger_hash(&ledger))
}

/// The fewest steps of `trace` found (delta debugging: drop chunks, halving their size, then
/// single steps' fault modes) that still break `invariant`.
fn minimise(config: &SimConfig, trace: Vec<Step>, invariant: &str) -> Vec<Step> {
    let runs = std::cell::Cell::new(0usize);
    let fails = |steps: &[Step]| {
        runs.set(runs.get() + 1);
        matches!(replay(config, steps), Err(f) if f.violation.invariant == invariant)
    };
    if !fails(&trace) {
        return trace;
    }
    let mut steps = trace;
    let mut chunk = steps.len().div_ceil(2).max(1);
    loop {
        let mut i = 0;
        while i < steps.len() && runs.get() < MAX_MINIMISE_RUNS {
            let end = (i + chunk).min(steps.len());
            let mut candidate = steps.clone();
            candidate.drain(i..end);
            if !candidate.is_empty() && fails(&candidate) {
                steps = candidate;
            } else {
                i += chunk;
            }
        }
        if chunk == 1 || runs.get() >= MAX_MINIMISE_RUNS {
            break;
        }
        chunk = chunk.div_ceil(2);
    }
    for i in 0..steps.len() {
        if runs.get() >= MAX_MINIMISE_RUNS {
            break;
        }
        if steps[i].mode != Mode::Plain {
            let mut candidate = steps.clone();
            candidate[i].mode = Mode::Plain;
            if fails(&candidate) {
                steps = candidate;
            }
        }
    }
    steps
}
