//! The invariant checker: an independent replay of the ledger's entries (a shadow of every
//! balance and of each order's money) checked after every operation, and a full check of
//! the whole tenant (the ledger's own replay, the areas' bookkeeping against the ledger) that
//! needs nothing but the store, for the simulation's periodic checks and for soak tests.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::areas::payments::Payments;
use crate::areas::profitsharing::funds::{self, OrderFunds, FULL_BP};
use crate::areas::profitsharing::ProfitSharing;
use crate::areas::refunds::Refunds;
use crate::areas::withdraw::Withdrawals;
use crate::ledger::{Account, Entry, EntryId, EntryKind, Ledger, Purpose};
use crate::store::Store;
use crate::tenant::Tenant;

/// An invariant that does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvariantViolation {
    /// Which invariant (one of [`INVARIANTS`]).
    pub invariant: &'static str,
    /// What was found.
    pub detail: String,
}

impl fmt::Display for InvariantViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invariant `{}` violated: {}", self.invariant, self.detail)
    }
}

impl std::error::Error for InvariantViolation {}

/// Every entry moves a positive amount between two different accounts.
pub const ENTRY_WELL_FORMED: &str = "entry moves a positive amount between two accounts";
/// The balances of all accounts (External included) sum to zero: debits = credits.
pub const DEBITS_EQUAL_CREDITS: &str = "debits = credits";
/// The ledger's recorded balance of every account equals an independent replay.
pub const BALANCES_REPLAY: &str = "recorded balances = replay";
/// No merchant account below zero.
pub const NO_NEGATIVE_BALANCE: &str = "no negative balance";
/// Every order is paid exactly its amount, once.
pub const PAID_ONCE: &str = "each order paid once";
/// Refunds not closed never exceed what was paid, per order, and are never negative.
pub const REFUNDED_LE_PAID: &str = "refunded <= paid per order";
/// Splits minus returns never exceed the cap (`max_ratio_bp` of the order amount).
pub const SPLIT_LE_CAP: &str = "split <= cap per order";
/// Moves within one merchant (unfreeze, withdrawal) keep the merchant's total; every
/// merchant's FROZEN equals its orders' frozen shares and its IN_TRANSIT equals its
/// withdrawals on the way.
pub const CONSERVATION: &str = "frozen + available + in-transit conservation";
/// The areas' own bookkeeping agrees with the ledger.
pub const BOOKKEEPING: &str = "order bookkeeping = ledger";
/// A replay of a request changes nothing and answers the same.
pub const IDEMPOTENT_REPLAY: &str = "idempotent replays change nothing";
/// A transaction that failed changed nothing.
pub const ATOMICITY: &str = "failed transactions change nothing";
/// Nothing panicked.
pub const NO_PANIC: &str = "no panic";

/// Every invariant the checker knows, as reported.
pub const INVARIANTS: [&str; 13] = [
    ENTRY_WELL_FORMED,
    PAID_ONCE,
    DEBITS_EQUAL_CREDITS,
    BALANCES_REPLAY,
    NO_NEGATIVE_BALANCE,
    REFUNDED_LE_PAID,
    SPLIT_LE_CAP,
    CONSERVATION,
    BOOKKEEPING,
    IDEMPOTENT_REPLAY,
    ATOMICITY,
    NO_PANIC,
    "ledger check",
];

fn violation(invariant: &'static str, detail: impl Into<String>) -> InvariantViolation {
    InvariantViolation { invariant, detail: detail.into() }
}

/// The money of one order as the shadow replay sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct OrderShadow {
    paid_fen: i64,
    refunded_fen: i64,
    split_fen: i64,
}

/// Checks the ledger of one tenant after every operation, incrementally: it replays each new
/// entry into its own balances and per-order totals (never reading the ledger's balances to
/// compute them), then compares. O(entries written by the operation).
#[derive(Clone, Debug)]
pub struct LedgerChecker {
    max_ratio_bp: u32,
    seen: u64,
    balances: HashMap<Account, i64>,
    /// By transaction id.
    orders: HashMap<String, OrderShadow>,
    /// Sum of all shadow balances (0 when debits = credits).
    sum: i128,
}

impl LedgerChecker {
    /// A checker for an empty ledger whose split cap is `max_ratio_bp` of each order.
    pub fn new(max_ratio_bp: u32) -> Self {
        Self { max_ratio_bp, seen: 0, balances: HashMap::new(), orders: HashMap::new(), sum: 0 }
    }

    /// Entries checked so far.
    pub fn entries_seen(&self) -> u64 {
        self.seen
    }

    /// Checks the entries written since the last call and what they touched.
    ///
    /// # Errors
    /// The first invariant found broken.
    pub fn after_op(&mut self, store: &Store, tenant: &Tenant) -> Result<(), InvariantViolation> {
        let ledger = store.read(tenant, |l: &Ledger| l.clone());
        let len = u64::try_from(ledger.len()).unwrap_or(u64::MAX);
        if len < self.seen {
            return Err(violation(
                BALANCES_REPLAY,
                format!("the ledger shrank from {} to {len} entries", self.seen),
            ));
        }
        if len == self.seen {
            return Ok(());
        }
        let refunds = store.read(tenant, |r: &Refunds| r.clone());
        let splits = store.read(tenant, |p: &ProfitSharing| p.clone());
        let funds = store.read(tenant, |f: &OrderFunds| f.clone());
        let mut touched_accounts: Vec<Account> = Vec::new();
        let mut touched_orders: Vec<String> = Vec::new();
        for id in self.seen + 1..=len {
            let e = ledger
                .entry(EntryId(id))
                .ok_or_else(|| violation(BALANCES_REPLAY, format!("entry {id} is missing")))?;
            self.apply(e, &refunds, &splits, &mut touched_orders)?;
            touched_accounts.push(e.debit().clone());
            touched_accounts.push(e.credit().clone());
        }
        self.seen = len;
        if self.sum != 0 {
            return Err(violation(
                DEBITS_EQUAL_CREDITS,
                format!("balances sum to {} fen", self.sum),
            ));
        }
        touched_accounts.sort();
        touched_accounts.dedup();
        for a in &touched_accounts {
            let shadow = self.balances.get(a).copied().unwrap_or(0);
            let recorded = ledger.balance(a);
            if shadow != recorded {
                return Err(violation(
                    BALANCES_REPLAY,
                    format!("{a} is recorded as {recorded} fen, the replay says {shadow}"),
                ));
            }
        }
        touched_orders.sort();
        touched_orders.dedup();
        let payments = store.read(tenant, |p: &Payments| p.clone());
        for tx_id in &touched_orders {
            self.check_order(tx_id, funds.orders.get(tx_id))?;
            let paid = self.orders.get(tx_id).map_or(0, |o| o.paid_fen);
            let amount = payments.trade_by_transaction_id(tx_id).map(|(_, t)| t.amount_fen);
            if amount != Some(paid) {
                return Err(violation(
                    PAID_ONCE,
                    format!("order {tx_id} of {amount:?} fen received {paid} fen of payments"),
                ));
            }
        }
        Ok(())
    }

    fn apply(
        &mut self,
        e: &Entry,
        refunds: &Refunds,
        splits: &ProfitSharing,
        touched_orders: &mut Vec<String>,
    ) -> Result<(), InvariantViolation> {
        let amount = i64::try_from(e.amount_fen()).unwrap_or(0);
        if amount <= 0 || e.debit() == e.credit() {
            return Err(violation(ENTRY_WELL_FORMED, format!("entry {}: {e:?}", e.id())));
        }
        for (account, delta) in [(e.debit(), -amount), (e.credit(), amount)] {
            let b = self.balances.entry(account.clone()).or_insert(0);
            *b = b.checked_add(delta).ok_or_else(|| {
                violation(NO_NEGATIVE_BALANCE, format!("entry {} overflows {account}", e.id()))
            })?;
            if *account != Account::External && *b < 0 {
                return Err(violation(
                    NO_NEGATIVE_BALANCE,
                    format!("entry {} takes {account} to {} fen", e.id(), *b),
                ));
            }
            self.sum += i128::from(delta);
        }
        let same_owner = e.debit().mchid() == e.credit().mchid();
        let internal = match e.kind() {
            EntryKind::Unfreeze => Some((Purpose::Frozen, Purpose::Available)),
            EntryKind::Withdrawal => e.debit().purpose().map(|p| (p, Purpose::InTransit)),
            EntryKind::WithdrawalReturn if e.debit().purpose() == Some(Purpose::InTransit) => {
                e.credit().purpose().map(|p| (Purpose::InTransit, p))
            }
            _ => None,
        };
        if let Some((from, to)) = internal {
            if !same_owner || e.debit().purpose() != Some(from) || e.credit().purpose() != Some(to)
            {
                return Err(violation(
                    CONSERVATION,
                    format!(
                        "entry {} ({:?}) moves money out of its merchant: {e:?}",
                        e.id(),
                        e.kind()
                    ),
                ));
            }
        }
        let order = match e.kind() {
            EntryKind::Payment => {
                let o = self.orders.entry(e.reference().to_owned()).or_default();
                o.paid_fen += amount;
                Some(e.reference().to_owned())
            }
            EntryKind::Refund => {
                let tx_id = refunds
                    .by_id
                    .get(e.reference())
                    .map(|r| r.transaction_id.clone())
                    .ok_or_else(|| {
                        violation(BOOKKEEPING, format!("refund entry {} names no refund", e.id()))
                    })?;
                let o = self.orders.entry(tx_id.clone()).or_default();
                // Money leaves to the payer, or comes back when the refund closed.
                if *e.credit() == Account::External {
                    o.refunded_fen += amount;
                } else {
                    o.refunded_fen -= amount;
                }
                Some(tx_id)
            }
            EntryKind::ProfitSharing => {
                let tx_id =
                    splits.orders.get(e.reference()).map(|o| o.transaction_id.clone()).ok_or_else(
                        || violation(BOOKKEEPING, format!("split entry {} names no split", e.id())),
                    )?;
                self.orders.entry(tx_id.clone()).or_default().split_fen += amount;
                Some(tx_id)
            }
            EntryKind::ProfitSharingReturn => {
                let tx_id = splits
                    .returns
                    .get(e.reference())
                    .and_then(|r| splits.orders.get(&r.order_id))
                    .map(|o| o.transaction_id.clone())
                    .ok_or_else(|| {
                        violation(BOOKKEEPING, format!("return entry {} names no split", e.id()))
                    })?;
                self.orders.entry(tx_id.clone()).or_default().split_fen -= amount;
                Some(tx_id)
            }
            _ => None,
        };
        if let Some(tx_id) = order {
            touched_orders.push(tx_id);
        }
        Ok(())
    }

    fn cap(&self, paid_fen: i64) -> i64 {
        let cap = i128::from(paid_fen) * i128::from(self.max_ratio_bp) / i128::from(FULL_BP);
        i64::try_from(cap).unwrap_or(i64::MAX)
    }

    fn check_order(
        &self,
        tx_id: &str,
        money: Option<&funds::OrderMoney>,
    ) -> Result<(), InvariantViolation> {
        let Some(o) = self.orders.get(tx_id) else { return Ok(()) };
        if o.refunded_fen < 0 || o.refunded_fen > o.paid_fen {
            return Err(violation(
                REFUNDED_LE_PAID,
                format!("order {tx_id}: refunded {} fen of {} paid", o.refunded_fen, o.paid_fen),
            ));
        }
        let cap = self.cap(o.paid_fen);
        if o.split_fen < 0 || o.split_fen > cap {
            return Err(violation(
                SPLIT_LE_CAP,
                format!(
                    "order {tx_id}: split {} fen, the cap is {cap} ({} bp of {} paid)",
                    o.split_fen, self.max_ratio_bp, o.paid_fen
                ),
            ));
        }
        if let Some(m) = money {
            if m.refunded_fen != o.refunded_fen || m.split_fen != o.split_fen {
                return Err(violation(
                    BOOKKEEPING,
                    format!(
                        "order {tx_id}: the area says refunded {} split {}, the ledger {} and {}",
                        m.refunded_fen, m.split_fen, o.refunded_fen, o.split_fen
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The incremental check, then every account and order against the ledger and
    /// [`check_tenant`]. O(ledger).
    ///
    /// # Errors
    /// The first invariant found broken.
    pub fn full(&mut self, store: &Store, tenant: &Tenant) -> Result<(), InvariantViolation> {
        self.after_op(store, tenant)?;
        let ledger = store.read(tenant, |l: &Ledger| l.clone());
        let mut accounts = 0;
        for (a, recorded) in ledger.balances() {
            accounts += 1;
            let shadow = self.balances.get(a).copied().unwrap_or(0);
            if shadow != recorded {
                return Err(violation(
                    BALANCES_REPLAY,
                    format!("{a} is recorded as {recorded} fen, the replay says {shadow}"),
                ));
            }
        }
        if accounts != self.balances.len() {
            return Err(violation(
                BALANCES_REPLAY,
                format!("{accounts} accounts recorded, {} replayed", self.balances.len()),
            ));
        }
        let funds = store.read(tenant, |f: &OrderFunds| f.clone());
        for tx_id in self.orders.keys() {
            self.check_order(tx_id, funds.orders.get(tx_id))?;
        }
        match check_tenant(store, tenant).into_iter().next() {
            Some(v) => Err(v),
            None => Ok(()),
        }
    }
}

/// Checks one tenant's whole state, needing nothing but the store: the ledger's replay
/// ([`Ledger::check`]: debits = credits, no negative balance, recorded balances = replay),
/// the per-order bookkeeping of refunds and profit sharing against the ledger (frozen shares
/// add up to each FROZEN balance, refunded ≤ paid, split ≤ cap), and every merchant's
/// IN_TRANSIT balance against its withdrawals on the way. O(ledger + orders). Reads only.
pub fn check_tenant(store: &Store, tenant: &Tenant) -> Vec<InvariantViolation> {
    let mut out: Vec<InvariantViolation> = Vec::new();
    let report = store.read(tenant, Ledger::check_report);
    out.extend(report.violations.into_iter().map(|v| violation("ledger check", v)));
    // funds::check reads through a transaction; it is rolled back, so nothing changes.
    let area =
        store.transact(tenant, |tx| Err::<(), _>(funds::check(tx))).err().unwrap_or_default();
    out.extend(area.into_iter().map(|v| violation(BOOKKEEPING, v)));
    let ledger = store.read(tenant, |l: &Ledger| l.clone());
    let withdrawals = store.read(tenant, |w: &Withdrawals| w.clone());
    let mut in_flight: BTreeMap<String, i64> = BTreeMap::new();
    for w in withdrawals.by_id.values() {
        if w.status == wechatpay_models::withdraw::WithdrawStatus::CreateSuccess {
            *in_flight.entry(w.mchid.clone()).or_default() += w.amount_fen;
        }
    }
    for (a, balance) in ledger.balances() {
        if a.purpose() == Some(Purpose::InTransit) {
            let expected = a.mchid().and_then(|m| in_flight.get(m)).copied().unwrap_or(0);
            if balance != expected {
                out.push(violation(
                    CONSERVATION,
                    format!("{a} holds {balance} fen, its withdrawals on the way {expected}"),
                ));
            }
        }
    }
    for (mchid, fen) in &in_flight {
        if ledger.balance(&Account::merchant(mchid, Purpose::InTransit)) != *fen {
            out.push(violation(
                CONSERVATION,
                format!("{mchid} has {fen} fen of withdrawals on the way, IN_TRANSIT differs"),
            ));
        }
    }
    out
}

/// A stable 64-bit FNV-1a hash of the ledger: every entry in order (id, time, kind,
/// reference, accounts, amount, memo) and then every account's balance in account order.
/// Equal seeds give equal hashes on every machine.
pub fn ledger_hash(ledger: &Ledger) -> u64 {
    let mut h = Fnv::new();
    let len = u64::try_from(ledger.len()).unwrap_or(u64::MAX);
    for id in 1..=len {
        if let Some(e) = ledger.entry(EntryId(id)) {
            h.write(&e.id().0.to_le_bytes());
            h.write(&e.time_unix().to_le_bytes());
            h.write(format!("{:?}", e.kind()).as_bytes());
            h.field(e.reference());
            h.field(&e.debit().to_string());
            h.field(&e.credit().to_string());
            h.write(&e.amount_fen().to_le_bytes());
            h.field(e.memo());
        }
    }
    for (a, balance) in ledger.balances() {
        h.field(&a.to_string());
        h.write(&balance.to_le_bytes());
    }
    h.0
}

struct Fnv(u64);

impl Fnv {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Self {
        Self(Self::OFFSET)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    /// A length-prefixed string, so that field boundaries count.
    fn field(&mut self, s: &str) {
        self.write(&u64::try_from(s.len()).unwrap_or(u64::MAX).to_le_bytes());
        self.write(s.as_bytes());
    }
}
