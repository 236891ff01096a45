//! The money of each paid order, shared by refunds, profit sharing and subsidies: how much of
//! the sub-merchant's frozen balance belongs to the order, how much was split, refunded, and
//! whether its funds are still frozen.
//!
//! The payments area credits a paid order to `sub:FROZEN` (with `settle_info.profit_sharing`)
//! or `sub:AVAILABLE`, minus its fee. The first time another area touches the order, its
//! [`OrderMoney`] is made from the paid trade; from then on every movement of the order's
//! money updates it in the same transaction as the ledger entry. So for each sub-merchant
//! the frozen shares of its orders always add up to its `FROZEN` balance ([`check`]).
//!
//! Funds stay frozen `freeze_days` (180 by default) after payment, on the virtual clock, then
//! unfreeze by themselves: lazily, when the order is next touched ([`load`]), or for every
//! order at once by [`sweep`] (admin `POST /mock/admin/settlement/sweep`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::areas::payments::{Payments, Status};
use crate::error::ApiError;
use crate::ledger::{Account, EntryKind, Ledger, Purpose, Transfer};
use crate::store::Txn;

/// Seconds in a day.
pub(crate) const DAY_SECS: i64 = 86_400;
/// Basis points in 100 %.
pub(crate) const FULL_BP: i64 = 10_000;

/// Settlement settings of a platform (admin `PUT /mock/admin/settlement/settings`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Settings {
    /// Most of an order that may be split to receivers, basis points (3000 = 30 %).
    pub(crate) max_ratio_bp: u32,
    /// Days an order's funds stay frozen after payment (180).
    pub(crate) freeze_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self { max_ratio_bp: 3_000, freeze_days: 180 }
    }
}

/// Where an order's funds stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum Freeze {
    /// Paid without profit sharing: the money went to the available balance at once.
    NotFrozen,
    /// Frozen: can be split.
    Frozen,
    /// Profit sharing finished: the rest was unfrozen.
    Finished,
    /// `freeze_days` passed: the rest was unfrozen by itself.
    Expired,
}

/// The money of one paid order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct OrderMoney {
    pub(crate) sub_mchid: String,
    pub(crate) transaction_id: String,
    pub(crate) out_trade_no: String,
    pub(crate) paid_unix: i64,
    /// What the payer paid, fen.
    pub(crate) amount_fen: i64,
    /// What reached the sub-merchant (amount minus fee), fen.
    pub(crate) landed_fen: i64,
    /// `settle_info.subsidy_amount`, the most the platform may subsidise.
    pub(crate) subsidy_ceiling_fen: Option<i64>,
    pub(crate) freeze: Freeze,
    /// This order's share of `sub:FROZEN`, fen.
    pub(crate) frozen_fen: i64,
    /// Split to receivers minus returned, fen.
    pub(crate) split_fen: i64,
    /// Split and finish requests made.
    pub(crate) split_requests: u32,
    /// Refunds not closed, fen.
    pub(crate) refunded_fen: i64,
    /// Refunds made (closed ones included).
    pub(crate) refunds: u32,
}

impl OrderMoney {
    /// The most that may be split to receivers in total.
    pub(crate) fn split_cap_fen(&self, settings: &Settings) -> i64 {
        let cap =
            i128::from(self.amount_fen) * i128::from(settings.max_ratio_bp) / i128::from(FULL_BP);
        i64::try_from(cap).unwrap_or(i64::MAX)
    }

    /// What is left to split (0 once the funds are no longer frozen).
    pub(crate) fn unsplit_fen(&self) -> i64 {
        if self.freeze == Freeze::Frozen {
            self.frozen_fen
        } else {
            0
        }
    }

    /// The sub-merchant's account that receives money returned to this order.
    pub(crate) fn home_account(&self) -> Account {
        let purpose =
            if self.freeze == Freeze::Frozen { Purpose::Frozen } else { Purpose::Available };
        Account::merchant(&self.sub_mchid, purpose)
    }
}

/// The per-order money of a tenant (an [`crate::store::Area`]), with the settlement settings.
#[derive(Clone, Debug, Default)]
pub(crate) struct OrderFunds {
    pub(crate) orders: imbl::HashMap<String, OrderMoney>,
    pub(crate) settings: Settings,
}

pub(crate) fn order_not_found() -> ApiError {
    ApiError::not_found("RESOURCE_NOT_EXISTS", "订单不存在")
}

/// The money of paid order `transaction_id` (of `sub_mchid`, when given), its funds unfrozen
/// first if `freeze_days` have passed. Staged in the transaction: change it and [`store`] it.
///
/// # Errors
/// `404 RESOURCE_NOT_EXISTS` when there is no such paid order of that sub-merchant.
pub(crate) fn load(
    tx: &mut Txn<'_>,
    sub_mchid: Option<&str>,
    transaction_id: &str,
) -> Result<OrderMoney, ApiError> {
    let known = tx.area::<OrderFunds>().orders.get(transaction_id).cloned();
    let money = match known {
        Some(m) => m,
        None => from_trade(tx.area::<Payments>(), transaction_id).ok_or_else(order_not_found)?,
    };
    if sub_mchid.is_some_and(|s| s != money.sub_mchid) {
        return Err(order_not_found());
    }
    let money = catch_up(tx, money)?;
    store(tx, money.clone());
    Ok(money)
}

/// Saves `money` in the transaction.
pub(crate) fn store(tx: &mut Txn<'_>, money: OrderMoney) {
    tx.area_mut::<OrderFunds>().orders.insert(money.transaction_id.clone(), money);
}

/// The settings of this tenant.
pub(crate) fn settings(tx: &mut Txn<'_>) -> Settings {
    tx.area::<OrderFunds>().settings.clone()
}

fn from_trade(p: &Payments, transaction_id: &str) -> Option<OrderMoney> {
    let (payment, trade) = p.trade_by_transaction_id(transaction_id)?;
    let Status::Success { success_unix, .. } = payment.status else { return None };
    let landed_fen = trade.amount_fen.saturating_sub(trade.fee_fen);
    Some(OrderMoney {
        sub_mchid: trade.sub_mchid.clone(),
        transaction_id: transaction_id.to_owned(),
        out_trade_no: trade.out_trade_no.clone(),
        paid_unix: success_unix,
        amount_fen: trade.amount_fen,
        landed_fen,
        subsidy_ceiling_fen: trade.subsidy_fen,
        freeze: if trade.profit_sharing { Freeze::Frozen } else { Freeze::NotFrozen },
        frozen_fen: if trade.profit_sharing { landed_fen } else { 0 },
        split_fen: 0,
        split_requests: 0,
        refunded_fen: 0,
        refunds: 0,
    })
}

/// Unfreezes an order whose `freeze_days` have passed.
fn catch_up(tx: &mut Txn<'_>, mut money: OrderMoney) -> Result<OrderMoney, ApiError> {
    let days = i64::from(settings(tx).freeze_days);
    let due = money.paid_unix.saturating_add(days.saturating_mul(DAY_SECS));
    if money.freeze == Freeze::Frozen && tx.now_unix() >= due {
        unfreeze(tx, &mut money, "冻结期满自动解冻")?;
        money.freeze = Freeze::Expired;
    }
    Ok(money)
}

/// Moves the order's whole frozen share to the sub-merchant's available balance; returns the
/// amount moved. The caller sets the new [`Freeze`].
pub(crate) fn unfreeze(
    tx: &mut Txn<'_>,
    money: &mut OrderMoney,
    memo: &str,
) -> Result<i64, ApiError> {
    let amount = money.frozen_fen;
    if let Ok(fen @ 1..) = u64::try_from(amount) {
        tx.transfer(
            Transfer::new(
                EntryKind::Unfreeze,
                money.transaction_id.clone(),
                Account::merchant(&money.sub_mchid, Purpose::Frozen),
                Account::merchant(&money.sub_mchid, Purpose::Available),
                fen,
            )
            .memo(memo),
        )?;
    }
    money.frozen_fen = 0;
    Ok(amount)
}

/// Unfreezes every paid order whose `freeze_days` have passed; returns how many.
///
/// # Errors
/// Ledger errors (then nothing changed).
pub(crate) fn sweep(tx: &mut Txn<'_>) -> Result<usize, ApiError> {
    let ids: Vec<String> = frozen_trades(tx.area::<Payments>()).map(|(id, _, _)| id).collect();
    let mut unfrozen = 0;
    for id in ids {
        let before = tx.area::<OrderFunds>().orders.get(&id).map(|m| m.freeze);
        let after = load(tx, None, &id)?.freeze;
        if after == Freeze::Expired && before != Some(Freeze::Expired) {
            unfrozen += 1;
        }
    }
    Ok(unfrozen)
}

/// `(transaction_id, sub_mchid, landed_fen)` of every paid trade whose money landed frozen.
fn frozen_trades(p: &Payments) -> impl Iterator<Item = (String, String, i64)> + '_ {
    p.payments
        .values()
        .filter(|payment| matches!(payment.status, Status::Success { .. }))
        .flat_map(|payment| payment.trades.iter())
        .filter(|t| t.profit_sharing)
        .filter_map(|t| {
            let id = t.transaction_id.clone()?;
            Some((id, t.sub_mchid.clone(), t.amount_fen.saturating_sub(t.fee_fen)))
        })
}

/// Checks the per-order bookkeeping against the ledger: for every sub-merchant, the frozen
/// shares of its orders add up to its `FROZEN` balance; for every order, nothing negative,
/// refunds within what was paid, splits within the cap. Returns what is wrong.
pub(crate) fn check(tx: &mut Txn<'_>) -> Vec<String> {
    let trades: Vec<_> = frozen_trades(tx.area::<Payments>()).collect();
    let funds = tx.area::<OrderFunds>().clone();
    let ledger = tx.area::<Ledger>().clone();
    let mut violations = Vec::new();
    let mut frozen: BTreeMap<String, i64> = BTreeMap::new();
    for (id, sub, landed) in trades {
        let share = funds.orders.get(&id).map_or(landed, |m| m.frozen_fen);
        *frozen.entry(sub).or_default() += share;
    }
    for m in funds.orders.values() {
        if m.freeze != Freeze::Frozen && m.frozen_fen != 0 {
            violations.push(format!(
                "{}: {} fen frozen after unfreezing",
                m.transaction_id, m.frozen_fen
            ));
        }
        if m.frozen_fen < 0 || m.split_fen < 0 || m.refunded_fen < 0 {
            violations.push(format!("{}: a negative amount {m:?}", m.transaction_id));
        }
        if m.refunded_fen > m.amount_fen {
            violations.push(format!(
                "{}: refunded {} of {}",
                m.transaction_id, m.refunded_fen, m.amount_fen
            ));
        }
        if m.split_fen > m.split_cap_fen(&funds.settings) {
            violations.push(format!("{}: split {} over the cap", m.transaction_id, m.split_fen));
        }
        if m.refunds > super::super::refunds::MAX_REFUNDS {
            violations.push(format!("{}: {} refunds", m.transaction_id, m.refunds));
        }
    }
    for (sub, share) in frozen {
        let balance = ledger.balance(&Account::merchant(&sub, Purpose::Frozen));
        if balance != share {
            violations.push(format!("{sub}:FROZEN is {balance} fen, its orders' shares {share}"));
        }
    }
    violations
}
