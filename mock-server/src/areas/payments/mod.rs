//! Payments: 合单支付 (`/v3/combine-transactions/…`) and partner-mode 普通支付
//! (`/v3/pay/partner/transactions/…`), per platform tenant.
//!
//! A *payment* is what a payer pays in one go: a partner order (one trade) or a combined order
//! (1–50 trades, one per sub-order). Its [`Status`] is shared by all its trades, which always
//! move together: paying a combined order pays every sub-order, closing closes all.
//!
//! ```text
//!            user paying             pay
//!   NOTPAY ─────────────▶ USERPAYING ────▶ SUCCESS ──(refund area)──▶ REFUND
//!     │  ╲ pay ────────────────────────────▲
//!     │   ╲ fail ──▶ PAYERROR ── pay ──────┘
//!     │ close / time_expire
//!     ▼
//!   CLOSED
//! ```
//!
//! Rules the mock enforces: prepays only for FINISHed sub-merchants of the calling platform
//! ([`crate::store::SubMerchants`]), `out_trade_no` unique per sub-merchant (the same request
//! again answers the same `prepay_id`; changed content → `403 OUT_TRADE_NO_USED`), field
//! rules ([`rules`]), collection limits per subject type ([`limits`]) and the magic amounts of
//! [`magic`]. On success ([`settle`]) the money lands in the ledger (frozen when
//! `settle_info.profit_sharing`, else available; minus the configured fee) and a signed,
//! encrypted `TRANSACTION.SUCCESS` goes to `notify_url` through the callback outbox.
//!
//! Other areas (refunds, profit sharing, subsidies) read paid trades through
//! [`Payments::trade_by_transaction_id`] / [`Payments::trade_by_out_trade_no`] and mark a
//! refund with [`Payments::mark_refund`].

pub(crate) mod handlers;
pub(crate) mod limits;
pub(crate) mod machine;
pub(crate) mod magic;
pub(crate) mod ops;
pub(crate) mod rules;
pub(crate) mod settle;
#[cfg(test)]
mod tests;
mod views;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use wechatpay_models::applyment::OrganizationType;
use wechatpay_models::payments::{PrepayChannel, TradeState, TradeType};

pub(crate) use self::machine::Status;
use crate::state::MockState;

/// Most trades (partner orders and sub-orders) one tenant holds: a limit on everything
/// (about 1 KB each, ledger and callbacks aside).
pub(crate) const MAX_TRADES: usize = 1_000_000;

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/v3/combine-transactions/jsapi", post(handlers::combine_jsapi))
        .route("/v3/combine-transactions/app", post(handlers::combine_app))
        .route("/v3/combine-transactions/h5", post(handlers::combine_h5))
        .route("/v3/combine-transactions/native", post(handlers::combine_native))
        .route(
            "/v3/combine-transactions/out-trade-no/{combine_out_trade_no}",
            get(handlers::combine_query),
        )
        .route(
            "/v3/combine-transactions/out-trade-no/{combine_out_trade_no}/close",
            post(handlers::combine_close),
        )
        .route("/v3/pay/partner/transactions/jsapi", post(handlers::partner_jsapi))
        .route("/v3/pay/partner/transactions/app", post(handlers::partner_app))
        .route("/v3/pay/partner/transactions/h5", post(handlers::partner_h5))
        .route("/v3/pay/partner/transactions/native", post(handlers::partner_native))
        .route(
            "/v3/pay/partner/transactions/id/{transaction_id}",
            get(handlers::partner_query_by_id),
        )
        .route(
            "/v3/pay/partner/transactions/out-trade-no/{out_trade_no}",
            get(handlers::partner_query_by_out_trade_no),
        )
        .route(
            "/v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close",
            post(handlers::partner_close),
        )
}

/// Identifies a payment within its tenant: 1, 2, 3 … in creation order.
pub(crate) type PaymentId = u64;

/// A sub-merchant's order number, `sub_mchid/out_trade_no` (neither holds a `/`), unique per
/// tenant. An `Arc<str>`: imbl copies keys when it copies a node, which must not allocate.
pub(crate) type TradeKey = Arc<str>;

/// The key of `(sub_mchid, out_trade_no)`.
pub(crate) fn trade_key(sub_mchid: &str, out_trade_no: &str) -> TradeKey {
    Arc::from(format!("{sub_mchid}/{out_trade_no}"))
}

/// Where a trade sits: its payment and its index among the payment's trades.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TradeRef {
    pub(crate) payment: PaymentId,
    pub(crate) index: usize,
}

/// Settings of the payments area of a tenant (admin `PUT /mock/admin/payments/settings`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Settings {
    /// Fee WeChat Pay keeps of each paid trade, in basis points (60 = 0.6 %), rounded half
    /// up to the fen and taken from the sub-merchant's incoming funds. 0 by default, so
    /// balances equal order amounts unless a test asks for fees.
    pub(crate) fee_rate_bp: u32,
    /// Subject type of sub-merchants nobody configured (`2` enterprise: no collection limit).
    pub(crate) default_organization_type: OrganizationTypeCode,
}

impl Default for Settings {
    fn default() -> Self {
        Self { fee_rate_bp: 0, default_organization_type: OrganizationTypeCode("2".into()) }
    }
}

/// An `organization_type` code as JSON carries it (`"2401"`, `"2500"`, `"4"`, `"2"` …).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct OrganizationTypeCode(pub(crate) String);

impl OrganizationTypeCode {
    pub(crate) fn kind(&self) -> OrganizationType {
        OrganizationType::from(self.0.as_str())
    }
}

/// What kind of payment, with the members that differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A partner-mode order.
    Partner {
        sp_appid: String,
        sub_appid: Option<String>,
        sp_openid: Option<String>,
        sub_openid: Option<String>,
        device_id: Option<String>,
    },
    /// A combined order.
    Combine {
        combine_appid: String,
        combine_out_trade_no: String,
        openid: Option<String>,
        sub_openid: Option<String>,
        device_id: Option<String>,
    },
}

/// One trade: a partner order, or one sub-order of a combined order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Trade {
    /// The merchant that placed it (the platform).
    pub(crate) mchid: String,
    pub(crate) sub_mchid: String,
    pub(crate) out_trade_no: String,
    pub(crate) sub_appid: Option<String>,
    pub(crate) description: String,
    pub(crate) attach: Option<String>,
    pub(crate) amount_fen: i64,
    /// `settle_info.profit_sharing`: the money lands frozen.
    pub(crate) profit_sharing: bool,
    /// `settle_info.subsidy_amount`, fen.
    pub(crate) subsidy_fen: Option<i64>,
    /// WeChat Pay's order id, assigned when paid.
    pub(crate) transaction_id: Option<String>,
    /// The fee kept when paid, fen.
    pub(crate) fee_fen: i64,
    /// A refund was started (the refunds area): the trade state reads `REFUND`.
    pub(crate) refund_started: bool,
}

/// A payment: what one payer pays at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Payment {
    pub(crate) id: PaymentId,
    pub(crate) kind: Kind,
    pub(crate) channel: PrepayChannel,
    pub(crate) notify_url: String,
    /// Digest of the request and channel: the same request again is recognised by it.
    pub(crate) fingerprint: u128,
    pub(crate) prepay_id: String,
    pub(crate) created_unix: i64,
    pub(crate) time_expire_unix: Option<i64>,
    pub(crate) status: Status,
    /// Progress toward the next automatic move (magic amounts), reset on every move.
    pub(crate) pending: crate::policy::Pending,
    pub(crate) magic: Option<magic::Magic>,
    /// 1 for a partner order, 1–50 for a combined one.
    pub(crate) trades: Vec<Trade>,
}

impl Payment {
    /// The trade state WeChat Pay reports for trade `index` (a refund shows on its trade only).
    pub(crate) fn trade_state(&self, trade: &Trade) -> TradeState {
        match (&self.status, trade.refund_started) {
            (Status::Success { .. }, true) => TradeState::Refund,
            (status, _) => status.trade_state(),
        }
    }

    pub(crate) fn trade_type(&self) -> TradeType {
        match self.channel {
            PrepayChannel::Jsapi => TradeType::Jsapi,
            PrepayChannel::App => TradeType::App,
            PrepayChannel::H5 => TradeType::Mweb,
            PrepayChannel::Native => TradeType::Native,
        }
    }

    pub(crate) fn is_combine(&self) -> bool {
        matches!(self.kind, Kind::Combine { .. })
    }

    /// The appid the payer pays under.
    pub(crate) fn appid(&self) -> &str {
        match &self.kind {
            Kind::Partner { sp_appid, .. } => sp_appid,
            Kind::Combine { combine_appid, .. } => combine_appid,
        }
    }

    pub(crate) fn total_fen(&self) -> i64 {
        self.trades.iter().map(|t| t.amount_fen).fold(0i64, i64::saturating_add)
    }
}

/// The payments area of one tenant (an [`crate::store::Area`]). Everything that grows with
/// traffic is an `imbl` collection; a payment's trades are a `Vec` bounded at 50. Values and
/// keys are cheap to clone (`Arc`): a write copies the nodes on its path, and each copied
/// node clones its entries, so a `Payment` inline would be deep-copied 64 at a time.
#[derive(Clone, Debug, Default)]
pub(crate) struct Payments {
    pub(crate) payments: imbl::OrdMap<PaymentId, Arc<Payment>>,
    pub(crate) by_trade: imbl::HashMap<TradeKey, TradeRef>,
    pub(crate) by_combine: imbl::HashMap<Arc<str>, PaymentId>,
    /// Collected amounts per sub-merchant (collection limits).
    pub(crate) tallies: imbl::HashMap<String, limits::Tally>,
    /// Subject types set through the admin API.
    pub(crate) subjects: imbl::HashMap<String, OrganizationTypeCode>,
    /// Fingerprints of requests that already had their one magic `SYSTEM_ERROR`.
    pub(crate) failed_once: imbl::HashSet<u128>,
    pub(crate) settings: Settings,
    pub(crate) next_seq: u64,
}

impl Payments {
    /// The next payment id.
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.next_seq = self.next_seq.saturating_add(1);
        self.next_seq
    }

    /// A payment.
    pub(crate) fn get(&self, id: PaymentId) -> Option<&Payment> {
        self.payments.get(&id).map(|p| &**p)
    }

    /// A payment to change (copied first if the committed state still shares it).
    pub(crate) fn get_mut(&mut self, id: PaymentId) -> Option<&mut Payment> {
        self.payments.get_mut(&id).map(Arc::make_mut)
    }

    /// Where the trade `(sub_mchid, out_trade_no)` is.
    pub(crate) fn trade_ref(&self, sub_mchid: &str, out_trade_no: &str) -> Option<TradeRef> {
        self.by_trade.get(&*trade_key(sub_mchid, out_trade_no)).copied()
    }

    /// The combined payment with `combine_out_trade_no`.
    pub(crate) fn combine_id(&self, combine_out_trade_no: &str) -> Option<PaymentId> {
        self.by_combine.get(combine_out_trade_no).copied()
    }

    pub(crate) fn trade(&self, r: TradeRef) -> Option<(&Payment, &Trade)> {
        let payment = self.get(r.payment)?;
        Some((payment, payment.trades.get(r.index)?))
    }

    /// A trade by WeChat Pay's `transaction_id` (paid trades only), with its payment.
    pub(crate) fn trade_by_transaction_id(
        &self,
        transaction_id: &str,
    ) -> Option<(&Payment, &Trade)> {
        let (payment, trade) = self.trade(views::trade_in_transaction_id(transaction_id)?)?;
        (trade.transaction_id.as_deref() == Some(transaction_id)).then_some((payment, trade))
    }

    /// A payment by its `prepay_id`.
    pub(crate) fn payment_by_prepay_id(&self, prepay_id: &str) -> Option<&Payment> {
        let payment = self.get(views::payment_in_prepay_id(prepay_id)?)?;
        (payment.prepay_id == prepay_id).then_some(payment)
    }

    /// A trade by `(sub_mchid, out_trade_no)`, with its payment.
    pub(crate) fn trade_by_out_trade_no(
        &self,
        sub_mchid: &str,
        out_trade_no: &str,
    ) -> Option<(&Payment, &Trade)> {
        self.trade(self.trade_ref(sub_mchid, out_trade_no)?)
    }

    /// Marks a paid trade as being refunded (its state then reads `REFUND`).
    ///
    /// # Errors
    /// When there is no such paid trade.
    pub(crate) fn mark_refund(&mut self, transaction_id: &str) -> Result<(), &'static str> {
        let r = views::trade_in_transaction_id(transaction_id)
            .filter(|_| self.trade_by_transaction_id(transaction_id).is_some())
            .ok_or("no such transaction")?;
        let payment = self.get_mut(r.payment).ok_or("no such payment")?;
        if !matches!(payment.status, Status::Success { .. }) {
            return Err("the order is not paid");
        }
        let trade = payment.trades.get_mut(r.index).ok_or("no such trade")?;
        trade.refund_started = true;
        Ok(())
    }
}
