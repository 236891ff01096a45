//! Applying an event to a payment inside a store transaction, with what a successful payment
//! sets off in the same transaction: transaction ids, collection tallies, ledger entries to
//! each sub-merchant (frozen when `settle_info.profit_sharing`, else available; minus the
//! fee), and the `TRANSACTION.SUCCESS` callback. All of it commits together or not at all.

use std::collections::BTreeMap;

use super::limits::{self, Breach};
use super::machine::{self, Event, Status};
use super::{ops, views, PaymentId, Payments, TradeRef};
use crate::areas::settlement;
use crate::callbacks::NewCallback;
use crate::error::ApiError;
use crate::ledger::{Account, EntryKind, Purpose, Transfer};
use crate::policy::{Pending, TimingProfile};
use crate::store::Txn;

/// The event type of a payment callback.
pub(crate) const TRANSACTION_SUCCESS: &str = "TRANSACTION.SUCCESS";

fn not_found() -> ApiError {
    ApiError::not_found("ORDER_NOT_EXIST", "订单不存在")
}

/// Records a query of payment `id` and makes the automatic move due then, if any (expiry,
/// magic amounts).
///
/// # Errors
/// As [`apply`].
pub(crate) fn on_query(
    tx: &mut Txn<'_>,
    id: PaymentId,
    profile: TimingProfile,
) -> Result<(), ApiError> {
    let now = tx.now_unix();
    let p = tx.area_mut::<Payments>();
    let payment = p.get_mut(id).ok_or_else(not_found)?;
    payment.pending.record_poll();
    if let Some(event) = machine::due(payment, now, profile) {
        apply(tx, id, event, profile)?;
    }
    Ok(())
}

/// Closes payment `id` if its `time_expire` has passed (before anything else acts on it).
///
/// # Errors
/// As [`apply`].
pub(crate) fn catch_up(
    tx: &mut Txn<'_>,
    id: PaymentId,
    profile: TimingProfile,
) -> Result<(), ApiError> {
    let now = tx.now_unix();
    let due = tx.area::<Payments>().get(id).and_then(|p| machine::due(p, now, profile));
    if due == Some(Event::Expire) {
        apply(tx, id, Event::Expire, profile)?;
    }
    Ok(())
}

/// Applies `event` to payment `id` at the transaction's time. A payment that would break a
/// collection limit fails (`PAYERROR`) instead of succeeding. A successful one also tells the
/// settlement area (its first payment starts the 0.01 CNY account verification).
///
/// # Errors
/// `404 ORDER_NOT_EXIST`; the [`BadTransition`](machine::BadTransition) answer
/// (`ORDER_CLOSED`, `INVALID_REQUEST`); ledger or callback errors (then nothing changed).
pub(crate) fn apply(
    tx: &mut Txn<'_>,
    id: PaymentId,
    event: Event,
    profile: TimingProfile,
) -> Result<(), ApiError> {
    let now = tx.now_unix();
    let event = match event {
        Event::Pay { bank_type, openid } => match breach(tx, id, &bank_type, profile)? {
            Some(b) => Event::Fail { desc: format!("超出商户收款额度: {b}") },
            None => Event::Pay { bank_type, openid },
        },
        other => other,
    };
    let p = tx.area_mut::<Payments>();
    let status = p.get(id).ok_or_else(not_found)?.status.clone();
    let next = machine::next(&status, event, now)?;
    let Status::Success { bank_type, .. } = &next else {
        let payment = p.get_mut(id).ok_or_else(not_found)?;
        payment.status = next;
        payment.pending = Pending::new(now);
        return Ok(());
    };
    let credit = limits::is_credit(bank_type);
    let fee_rate_bp = i128::from(p.settings.fee_rate_bp);
    let count = p.get(id).map_or(0, |x| x.trades.len());

    let mut moves = Vec::with_capacity(count);
    let payment = p.get_mut(id).ok_or_else(not_found)?;
    payment.status = next;
    payment.pending = Pending::new(now);
    for (index, trade) in payment.trades.iter_mut().enumerate() {
        let transaction_id = views::transaction_id(now, TradeRef { payment: id, index });
        // Half up to the fen; i128 so that no amount can overflow.
        let fee = (i128::from(trade.amount_fen) * fee_rate_bp + 5_000) / 10_000;
        trade.fee_fen = i64::try_from(fee).unwrap_or(trade.amount_fen).min(trade.amount_fen);
        trade.transaction_id = Some(transaction_id.clone());
        moves.push((
            index,
            trade.sub_mchid.clone(),
            trade.out_trade_no.clone(),
            transaction_id,
            trade.amount_fen,
            trade.fee_fen,
            trade.profit_sharing,
        ));
    }
    let resource = views::resource_json(payment)?;
    let notify_url = payment.notify_url.clone();
    for (_, sub_mchid, _, _, amount_fen, _, _) in &moves {
        let tally = p.tallies.get(sub_mchid).copied().unwrap_or_default();
        p.tallies.insert(sub_mchid.clone(), tally.add(now, *amount_fen, credit));
    }

    let mut paid_subs: Vec<String> = moves.iter().map(|m| m.1.clone()).collect();
    paid_subs.sort();
    paid_subs.dedup();
    for (_, sub_mchid, out_trade_no, transaction_id, amount_fen, fee_fen, frozen) in moves {
        let purpose = if frozen { Purpose::Frozen } else { Purpose::Available };
        let account = Account::merchant(sub_mchid, purpose);
        let amount = u64::try_from(amount_fen)
            .map_err(|_| ApiError::system_error("a paid amount is negative"))?;
        tx.transfer(
            Transfer::new(
                EntryKind::Payment,
                transaction_id.clone(),
                Account::External,
                account.clone(),
                amount,
            )
            .memo(out_trade_no),
        )?;
        if let Ok(fee @ 1..) = u64::try_from(fee_fen) {
            tx.transfer(
                Transfer::new(EntryKind::Fee, transaction_id, account, Account::External, fee)
                    .memo("手续费"),
            )?;
        }
    }
    tx.enqueue_callback(NewCallback::new(notify_url, TRANSACTION_SUCCESS, resource))?;
    for sub_mchid in paid_subs {
        settlement::record_payment(tx, &sub_mchid, profile);
    }
    Ok(())
}

/// The first collection limit paying `id` by `bank_type` would break.
fn breach(
    tx: &mut Txn<'_>,
    id: PaymentId,
    bank_type: &str,
    profile: TimingProfile,
) -> Result<Option<Breach>, ApiError> {
    let now = tx.now_unix();
    let payment = tx.area::<Payments>().get(id).ok_or_else(not_found)?;
    let mut per_sub: BTreeMap<String, i64> = BTreeMap::new();
    for t in &payment.trades {
        let sum = per_sub.entry(t.sub_mchid.clone()).or_default();
        *sum = sum.saturating_add(t.amount_fen);
    }
    for (sub_mchid, amount_fen) in per_sub {
        let kind = ops::organization_type(tx, &sub_mchid, profile);
        let tally = tx.area::<Payments>().tallies.get(&sub_mchid).copied().unwrap_or_default();
        if let Err(b) =
            limits::check(&sub_mchid, &kind.0, tally, now, amount_fen, limits::is_credit(bank_type))
        {
            return Ok(Some(b));
        }
    }
    Ok(None)
}
