//! The seeded generator: picks the next step from a ChaCha8 stream (portable: the same seed
//! gives the same steps on every machine) and from what earlier steps came to, so most
//! operations name orders, refunds and splits that exist. Whether a request meets an
//! injected error or a withheld answer is decided by the mock's own fault rules
//! ([`crate::faults::Faults`], seeded from the simulation's seed), exactly as the HTTP layer
//! decides it for a real request.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::ops::{
    ApplymentStep, DepositTo, Mode, Op, Outcome, RefundMove, Step, WithdrawMove, RECEIVERS,
};
use crate::faults::{FaultEffect, FaultRuleSpec, Faults, WithholdMode};
use crate::identity::{SECOND_SUB_MCHID, SUB_MCHID};

/// How many operations of each kind, per 100 000 (a sweep walks every order: rare).
const MIX: [(Kind, u32); 25] = [
    (Kind::Applyment, 200),
    (Kind::ApplymentStep, 800),
    (Kind::Prepay, 15000),
    (Kind::Pay, 11500),
    (Kind::FailPayment, 500),
    (Kind::Close, 2000),
    (Kind::Query, 2000),
    (Kind::Refund, 9000),
    (Kind::RefundMove, 2000),
    (Kind::RefundQuery, 1000),
    (Kind::ReturnAdvance, 1000),
    (Kind::AddReceiver, 300),
    (Kind::Split, 11000),
    (Kind::SplitReturn, 3000),
    (Kind::Finish, 3000),
    (Kind::Subsidy, 3000),
    (Kind::SubsidyReturn, 2000),
    (Kind::SubsidyCancel, 500),
    (Kind::Deposit, 3000),
    (Kind::Withdraw, 6000),
    (Kind::WithdrawMove, 2000),
    (Kind::WithdrawCatchUp, 1500),
    (Kind::Sweep, 2),
    (Kind::Advance, 6000),
    (Kind::Nothing, 0),
];

/// Per 1000 steps that were not hit by a fault rule: sent twice in a row, twice at once,
/// aborted before commit.
const REPLAY_PER_MILLE: u32 = 50;
const CONCURRENT_PER_MILLE: u32 = 5;
const ABORT_PER_MILLE: u32 = 20;
/// Fault rules: the chance an API request is answered an injected error, or has its answer
/// withheld after the commit.
const FAULT_ERROR_P: f64 = 0.02;
const FAULT_TIMEOUT_P: f64 = 0.03;
/// Most orders a step picks among, usually: recent ones (old ones are mostly finished).
const RECENT: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Applyment,
    ApplymentStep,
    Prepay,
    Pay,
    FailPayment,
    Close,
    Query,
    Refund,
    RefundMove,
    RefundQuery,
    ReturnAdvance,
    AddReceiver,
    Split,
    SplitReturn,
    Finish,
    Subsidy,
    SubsidyReturn,
    SubsidyCancel,
    Deposit,
    Withdraw,
    WithdrawMove,
    WithdrawCatchUp,
    Sweep,
    Advance,
    Nothing,
}

#[derive(Clone, Debug)]
struct OrderModel {
    sub: String,
    order: u32,
    amount_fen: i64,
    subsidy_fen: Option<i64>,
    paid: bool,
}

/// A split that succeeded: `(sub, split no, merchant receivers (index, fen))`.
type SplitModel = (String, u32, Vec<(usize, i64)>);

/// The generator of one simulation.
#[derive(Debug)]
pub(crate) struct Generator {
    rng: ChaCha8Rng,
    faults: Faults,
    mchid: String,
    subs: Vec<String>,
    orders: Vec<OrderModel>,
    /// Indexes into `orders` of paid ones.
    paid: Vec<usize>,
    refunds: Vec<(String, u32)>,
    /// Refunds that asked for a platform advance.
    advanced: Vec<(String, u32)>,
    splits: Vec<SplitModel>,
    withdrawals: Vec<(Option<String>, u32)>,
    /// `(no, next step, finished)`.
    applyments: Vec<(u32, usize, bool)>,
    next_no: u32,
}

impl Generator {
    pub(crate) fn new(seed: u64, mchid: &str) -> Self {
        let faults = Faults::default();
        let rules = [
            (
                FAULT_ERROR_P,
                FaultEffect::Error {
                    status: 500,
                    code: "SYSTEM_ERROR".into(),
                    message: "injected by the simulation".into(),
                },
            ),
            (
                FAULT_TIMEOUT_P,
                FaultEffect::TimeoutAfterCommit { mode: WithholdMode::Drop, delay_ms: 0 },
            ),
        ];
        for (i, (p, effect)) in rules.into_iter().enumerate() {
            let spec = FaultRuleSpec {
                mchid: Some(mchid.to_owned()),
                method: None,
                path: Some("/v3/**".into()),
                event_type: None,
                probability: Some(p),
                seed: Some(seed ^ (0x5157_0000 + i as u64)),
                max_hits: None,
                effect,
            };
            // Valid by construction; a refused rule would only mean fewer faults.
            let _ = faults.add(spec);
        }
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            faults,
            mchid: mchid.to_owned(),
            subs: vec![SUB_MCHID.to_owned(), SECOND_SUB_MCHID.to_owned()],
            orders: Vec::new(),
            paid: Vec::new(),
            refunds: Vec::new(),
            advanced: Vec::new(),
            splits: Vec::new(),
            withdrawals: Vec::new(),
            applyments: Vec::new(),
            next_no: 0,
        }
    }

    fn no(&mut self) -> u32 {
        self.next_no = self.next_no.wrapping_add(1);
        self.next_no
    }

    fn chance(&mut self, per_mille: u32) -> bool {
        self.rng.random_range(0..1000) < per_mille
    }

    fn sub(&mut self) -> String {
        let i = self.rng.random_range(0..self.subs.len());
        self.subs[i].clone()
    }

    /// A recent index of `len` items, sometimes any.
    fn recent(&mut self, len: usize) -> usize {
        if len > RECENT && self.chance(850) {
            self.rng.random_range(len - RECENT..len)
        } else {
            self.rng.random_range(0..len)
        }
    }

    fn any_order(&mut self) -> Option<OrderModel> {
        if self.orders.is_empty() {
            return None;
        }
        let i = self.recent(self.orders.len());
        Some(self.orders[i].clone())
    }

    fn paid_order(&mut self) -> Option<OrderModel> {
        if self.paid.is_empty() || self.chance(30) {
            return self.any_order();
        }
        let i = self.recent(self.paid.len());
        Some(self.orders[self.paid[i]].clone())
    }

    fn kind(&mut self) -> Kind {
        let total: u32 = MIX.iter().map(|(_, w)| w).sum();
        let mut r = self.rng.random_range(0..total);
        for (kind, w) in MIX {
            if r < w {
                return kind;
            }
            r -= w;
        }
        Kind::Nothing
    }

    fn op(&mut self) -> Op {
        loop {
            if let Some(op) = self.try_op() {
                return op;
            }
        }
    }

    fn try_op(&mut self) -> Option<Op> {
        Some(match self.kind() {
            Kind::Applyment => {
                let no = self.no();
                self.applyments.push((no, 0, false));
                Op::Applyment { no }
            }
            Kind::ApplymentStep => {
                let open: Vec<usize> =
                    (0..self.applyments.len()).filter(|i| !self.applyments[*i].2).collect();
                if open.is_empty() {
                    return None;
                }
                let (no, next, _) = self.applyments[open[self.rng.random_range(0..open.len())]];
                let step = [ApplymentStep::PassCheck, ApplymentStep::Approve, ApplymentStep::Sign]
                    [next.min(2)];
                Op::ApplymentStep { no, step }
            }
            Kind::Prepay => {
                let sub = self.sub();
                let order = u32::try_from(self.orders.len()).unwrap_or(u32::MAX).wrapping_add(1);
                let amount_fen = match self.rng.random_range(0..100) {
                    0..=79 => self.rng.random_range(1..=50_000),
                    80..=94 => self.rng.random_range(50_000..=5_000_000),
                    _ => self.rng.random_range(1..=300),
                };
                let subsidy_fen =
                    self.chance(200).then(|| self.rng.random_range(1..=amount_fen / 5 + 1));
                let profit_sharing = self.chance(600);
                let expire_secs = self.chance(100).then(|| self.rng.random_range(30..=7_200));
                self.orders.push(OrderModel {
                    sub: sub.clone(),
                    order,
                    amount_fen,
                    subsidy_fen,
                    paid: false,
                });
                Op::Prepay { sub, order, amount_fen, profit_sharing, subsidy_fen, expire_secs }
            }
            Kind::Pay => {
                let o = self.any_order()?;
                Op::Pay { sub: o.sub, order: o.order }
            }
            Kind::FailPayment => {
                let o = self.any_order()?;
                Op::FailPayment { sub: o.sub, order: o.order }
            }
            Kind::Close => {
                let o = self.any_order()?;
                Op::Close { sub: o.sub, order: o.order }
            }
            Kind::Query => {
                let o = self.any_order()?;
                Op::Query { sub: o.sub, order: o.order }
            }
            Kind::Refund => {
                let o = self.paid_order()?;
                let amount_fen = match self.rng.random_range(0..100) {
                    0..=49 => self.rng.random_range(1..=(o.amount_fen / 3).max(1)),
                    50..=79 => self.rng.random_range(1..=o.amount_fen),
                    80..=96 => o.amount_fen,
                    _ => self.rng.random_range(201..=203).min(o.amount_fen),
                };
                let total_fen = if self.chance(30) { o.amount_fen + 1 } else { o.amount_fen };
                let no = self.no();
                let advance = self.chance(100);
                // An advance is taken only when the sub-merchant's balances fall short.
                let available_only = advance || self.chance(100);
                let amount_fen = if advance { o.amount_fen } else { amount_fen };
                Op::Refund {
                    sub: o.sub,
                    order: o.order,
                    no,
                    amount_fen,
                    total_fen,
                    advance,
                    available_only,
                }
            }
            Kind::RefundMove => {
                if self.refunds.is_empty() {
                    return None;
                }
                let i = self.recent(self.refunds.len());
                let (sub, no) = self.refunds[i].clone();
                let to = [RefundMove::Succeed, RefundMove::Abnormal, RefundMove::Close]
                    [self.rng.random_range(0..3)];
                Op::RefundMove { sub, no, to }
            }
            Kind::RefundQuery => {
                if self.refunds.is_empty() {
                    return None;
                }
                let i = self.recent(self.refunds.len());
                let (sub, no) = self.refunds[i].clone();
                Op::RefundQuery { sub, no }
            }
            Kind::ReturnAdvance => {
                let use_advanced = !self.advanced.is_empty() && !self.chance(100);
                let len = if use_advanced { self.advanced.len() } else { self.refunds.len() };
                if len == 0 {
                    return None;
                }
                let i = self.recent(len);
                let (sub, no) =
                    if use_advanced { self.advanced[i].clone() } else { self.refunds[i].clone() };
                Op::ReturnAdvance { sub, no }
            }
            Kind::AddReceiver => Op::AddReceiver { receiver: self.rng.random_range(1..RECEIVERS) },
            Kind::Split => {
                let o = self.paid_order()?;
                // Up to 40 % of the order: over the 30 % cap about a quarter of the time.
                let total = i64::try_from(
                    i128::from(o.amount_fen) * i128::from(self.rng.random_range(0..=4_000u32))
                        / 10_000,
                )
                .unwrap_or(0)
                .max(1);
                let n = self.rng.random_range(1..=3usize);
                let mut receivers = Vec::with_capacity(n);
                let mut left = total;
                for k in 0..n {
                    let index =
                        if self.chance(500) { 0 } else { self.rng.random_range(1..RECEIVERS) };
                    let amount = if k + 1 == n { left } else { self.rng.random_range(0..=left) };
                    left -= amount;
                    if amount > 0 && !receivers.iter().any(|(i, _)| *i == index) {
                        receivers.push((index, amount));
                    }
                }
                if receivers.is_empty() {
                    receivers.push((0, total));
                }
                let no = self.no();
                let finish = self.chance(150);
                Op::Split { sub: o.sub, order: o.order, no, receivers, finish }
            }
            Kind::SplitReturn => {
                if self.splits.is_empty() {
                    return None;
                }
                let i = self.recent(self.splits.len());
                let (sub, split, receivers) = self.splits[i].clone();
                let (receiver, amount) = receivers[self.rng.random_range(0..receivers.len())];
                let amount_fen = self.rng.random_range(1..=amount.max(1) + 1);
                let no = self.no();
                Op::SplitReturn { sub, split, no, receiver, amount_fen }
            }
            Kind::Finish => {
                let o = self.paid_order()?;
                let no = self.no();
                Op::Finish { sub: o.sub, order: o.order, no }
            }
            Kind::Subsidy | Kind::SubsidyReturn | Kind::SubsidyCancel => {
                let kind = self.kind_of_subsidy();
                let o = self.paid_order()?;
                let ceiling = o.subsidy_fen.unwrap_or(100);
                let amount_fen = self.rng.random_range(1..=ceiling + 1);
                match kind {
                    Kind::Subsidy => Op::Subsidy { sub: o.sub, order: o.order, amount_fen },
                    Kind::SubsidyReturn => {
                        let no = self.no();
                        Op::SubsidyReturn { sub: o.sub, order: o.order, no, amount_fen }
                    }
                    _ => Op::SubsidyCancel { sub: o.sub, order: o.order },
                }
            }
            Kind::Deposit => {
                let to = match self.rng.random_range(0..10) {
                    0..=4 => DepositTo::PlatformOperation,
                    5..=7 => DepositTo::PlatformAvailable,
                    _ => DepositTo::Sub(self.sub()),
                };
                Op::Deposit { to, amount_fen: self.rng.random_range(10_000..=1_000_000) }
            }
            Kind::Withdraw => {
                let sub = self.chance(700).then(|| self.sub());
                let no = self.no();
                let amount_fen = self.rng.random_range(1..=200_000);
                let operation = self.rng.random_bool(0.5);
                Op::Withdraw { sub, no, amount_fen, operation }
            }
            Kind::WithdrawMove => {
                if self.withdrawals.is_empty() {
                    return None;
                }
                let i = self.recent(self.withdrawals.len());
                let (sub, no) = self.withdrawals[i].clone();
                let to = [WithdrawMove::Fail, WithdrawMove::Bounce, WithdrawMove::Close]
                    [self.rng.random_range(0..3)];
                Op::WithdrawMove { sub, no, to }
            }
            Kind::WithdrawCatchUp => Op::WithdrawCatchUp,
            Kind::Sweep => Op::Sweep,
            Kind::Advance => {
                let secs = match self.rng.random_range(0..100) {
                    0..=69 => self.rng.random_range(1..=300),
                    70..=94 => self.rng.random_range(300..=86_400),
                    _ => self.rng.random_range(86_400..=40 * 86_400),
                };
                Op::Advance { secs }
            }
            Kind::Nothing => return None,
        })
    }

    fn kind_of_subsidy(&mut self) -> Kind {
        match self.rng.random_range(0..11) {
            0..=5 => Kind::Subsidy,
            6..=9 => Kind::SubsidyReturn,
            _ => Kind::SubsidyCancel,
        }
    }

    /// The next step: an operation and how it is sent.
    pub(crate) fn next_step(&mut self) -> Step {
        let op = self.op();
        let mut mode = Mode::Plain;
        if let Some((method, path)) = op.api() {
            match self.faults.on_request(&self.mchid, method, path).outcome {
                Some(crate::faults::RequestFault::Error { .. }) => mode = Mode::InjectedError,
                Some(crate::faults::RequestFault::Withhold(_)) if op.replayable() => {
                    mode = Mode::TimeoutRetry;
                }
                Some(crate::faults::RequestFault::Withhold(_)) | None => {}
            }
        }
        if mode == Mode::Plain && !matches!(op, Op::Advance { .. }) {
            let r = self.rng.random_range(0..1000);
            if r < ABORT_PER_MILLE {
                mode = Mode::Abort;
            } else if op.replayable() && r < ABORT_PER_MILLE + REPLAY_PER_MILLE {
                mode = Mode::Replay;
            } else if op.replayable()
                && r < ABORT_PER_MILLE + REPLAY_PER_MILLE + CONCURRENT_PER_MILLE
            {
                mode = Mode::Concurrent;
            }
        }
        Step { op, mode }
    }

    /// Learns what a step came to.
    pub(crate) fn observe(&mut self, step: &Step, outcome: &Outcome) {
        let ok = outcome.answer.as_ref().ok();
        match &step.op {
            Op::Pay { order, .. } if ok.is_some() => self.mark_paid(*order),
            Op::Query { order, .. } if ok.is_some_and(|s| s == "SUCCESS") => {
                self.mark_paid(*order);
            }
            Op::Refund { sub, no, advance, .. } if ok.is_some() => {
                self.refunds.push((sub.clone(), *no));
                if *advance {
                    self.advanced.push((sub.clone(), *no));
                }
            }
            Op::Split { sub, no, receivers, .. } if ok.is_some() => {
                let merchants: Vec<(usize, i64)> =
                    receivers.iter().copied().filter(|(i, _)| *i <= 3).collect();
                if !merchants.is_empty() {
                    self.splits.push((sub.clone(), *no, merchants));
                }
            }
            Op::Withdraw { sub, no, .. }
                if ok.is_some() || outcome.answer == Err("NOT_ENOUGH".into()) =>
            {
                self.withdrawals.push((sub.clone(), *no));
            }
            Op::ApplymentStep { no, .. } => {
                if let Some(a) = self.applyments.iter_mut().find(|a| a.0 == *no) {
                    if ok.is_some() || self.rng.random_bool(0.5) {
                        a.1 += 1;
                    }
                    if outcome.new_sub.is_some() || a.1 > 6 {
                        a.2 = true;
                    }
                }
            }
            _ => {}
        }
        if let Some(sub) = &outcome.new_sub {
            if !self.subs.contains(sub) {
                self.subs.push(sub.clone());
            }
        }
    }

    fn mark_paid(&mut self, order: u32) {
        let Some(i) = usize::try_from(order).ok().and_then(|o| o.checked_sub(1)) else { return };
        if let Some(o) = self.orders.get_mut(i) {
            if !o.paid {
                o.paid = true;
                self.paid.push(i);
            }
        }
    }
}
