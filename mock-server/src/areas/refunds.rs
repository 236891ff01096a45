//! Refunds (`/v3/ecommerce/refunds/…`): apply, query, return an advance (垫付退款回补).
//!
//! ```text
//!             (timing: fast Immediate, production 60 virtual s)
//!  PROCESSING ───────────────────────────────────────▶ SUCCESS
//!      │ admin / magic 202                 admin / magic 203
//!      ├──────────────▶ ABNORMAL           ──────────▶ CLOSED (money back)
//! ```
//!
//! Rules: only paid orders, within 365 virtual days of payment, refunds (not closed) adding up
//! to at most the paid amount, at most 50 refunds per order, idempotent by
//! `(sub_mchid, out_refund_no)`. The money leaves when the refund is accepted: from the
//! order's frozen share while its funds are frozen and the share suffices, else from the
//! sub-merchant's available balance (`funds_account = AVAILABLE` forces that), else — with
//! `refund_account = REFUND_SOURCE_PARTNER_ADVANCE` — from the platform's available balance
//! (an advance the sub-merchant repays with return-advance), else `403 NOT_ENOUGH`. A refund
//! that ends `CLOSED` puts the money back where it came from. `REFUND.SUCCESS` /
//! `REFUND.ABNORMAL` / `REFUND.CLOSED` go to `notify_url` when the request gave one.
//!
//! Magic refund amounts (`amount.refund`, fen): 201 stays `PROCESSING` until the admin API
//! moves it; 202 turns `ABNORMAL` and 203 `CLOSED` at the first query.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use wechatpay_models::account::AccountType;
use wechatpay_models::amount::Currency;
use wechatpay_models::refund::{
    AdvanceReturnResult, FundsAccount, Refund, RefundAccount, RefundAmount, RefundApplyRequest,
    RefundApplyResponse, RefundChannel, RefundNotification, RefundNotificationAmount,
    RefundQueryParams, RefundStatus, ReturnAdvance, ReturnAdvanceRequest,
};
use wechatpay_models::time::DateTime;

use super::payments::Payments;
use super::profitsharing::funds::{self, Freeze, OrderMoney};
use crate::callbacks::{check_notify_url, NewCallback};
use crate::error::{ApiError, Location};
use crate::extract::{WxJson, WxPath, WxQuery};
use crate::ledger::{Account, EntryKind, Purpose, Transfer};
use crate::policy::{Pending, Timing, TimingProfile, TransitionPolicy};
use crate::protocol::Caller;
use crate::state::MockState;
use crate::store::Txn;

/// Most refunds of one order.
pub(crate) const MAX_REFUNDS: u32 = 50;
/// How long after payment an order can be refunded, virtual seconds (365 days).
pub(crate) const REFUND_WINDOW_SECS: i64 = 365 * funds::DAY_SECS;
/// Most refunds one tenant holds: a limit on everything.
const MAX_TENANT_REFUNDS: usize = 1_000_000;
/// PROCESSING → SUCCESS.
pub(crate) const SUCCESS_TIMING: Timing = Timing::new(
    TransitionPolicy::Immediate,
    TransitionPolicy::AfterVirtual(Duration::from_secs(60)),
);
/// Where the money of a refund came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// The order's frozen share.
    Frozen,
    /// The sub-merchant's available balance.
    Available,
    /// The platform's available balance (an advance).
    Advance,
}

/// Magic refund amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Magic {
    /// 201: stays PROCESSING until the admin API moves it.
    Hold,
    /// 202: ABNORMAL at the first query.
    Abnormal,
    /// 203: CLOSED at the first query.
    Close,
}

impl Magic {
    fn for_amount(fen: i64) -> Option<Self> {
        match fen {
            201 => Some(Self::Hold),
            202 => Some(Self::Abnormal),
            203 => Some(Self::Close),
            _ => None,
        }
    }
}

/// A refund's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Processing,
    Success { at_unix: i64 },
    Abnormal,
    Closed,
}

impl Status {
    /// The `refund_status` WeChat Pay reports.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Processing => "PROCESSING",
            Self::Success { .. } => "SUCCESS",
            Self::Abnormal => "ABNORMAL",
            Self::Closed => "CLOSED",
        }
    }
}

/// What can happen to a refund.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    Succeed,
    Abnormal,
    Close,
}

impl Event {
    /// The admin API's name of the event.
    pub(crate) fn parse(name: &str) -> Option<Self> {
        match name {
            "success" => Some(Self::Succeed),
            "abnormal" => Some(Self::Abnormal),
            "close" => Some(Self::Close),
            _ => None,
        }
    }
}

/// One refund.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RefundRecord {
    pub(crate) refund_id: String,
    pub(crate) out_refund_no: String,
    pub(crate) sub_mchid: String,
    pub(crate) transaction_id: String,
    pub(crate) out_trade_no: String,
    pub(crate) refund_fen: i64,
    pub(crate) total_fen: i64,
    pub(crate) source: Source,
    pub(crate) status: Status,
    pub(crate) pending: Pending,
    pub(crate) magic: Option<Magic>,
    pub(crate) created_unix: i64,
    pub(crate) notify_url: Option<String>,
    pub(crate) refund_account: Option<RefundAccount>,
    /// The advance return, once made: `(advance_return_id, at_unix)`.
    pub(crate) advance_return: Option<(String, i64)>,
}

/// The refunds of a tenant (an [`crate::store::Area`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct Refunds {
    pub(crate) by_id: imbl::OrdMap<String, RefundRecord>,
    pub(crate) by_out_no: imbl::HashMap<(String, String), String>,
    next_seq: u64,
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/v3/ecommerce/refunds/apply", post(apply_handler))
        .route("/v3/ecommerce/refunds/id/{refund_id}", get(query_by_id_handler))
        .route("/v3/ecommerce/refunds/out-refund-no/{out_refund_no}", get(query_by_out_no_handler))
        .route(
            "/v3/ecommerce/refunds/{refund_id}/return-advance",
            post(return_advance_handler).get(query_return_advance_handler),
        )
}

fn not_found() -> ApiError {
    ApiError::not_found("RESOURCE_NOT_EXISTS", "退款单不存在")
}

fn param(field: &str, issue: impl Into<String>) -> ApiError {
    ApiError::param_error(field, Location::Body, issue)
}

async fn apply_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxJson(req): WxJson<RefundApplyRequest>,
) -> Result<Json<RefundApplyResponse>, ApiError> {
    let profile = state.timing();
    state.store().transact(caller.tenant(), |tx| apply(tx, &req, profile)).map(Json)
}

async fn query_by_id_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(refund_id): WxPath<String>,
    WxQuery(params): WxQuery<RefundQueryParams>,
) -> Result<Json<Refund>, ApiError> {
    let profile = state.timing();
    state
        .store()
        .transact(caller.tenant(), |tx| query(tx, &params.sub_mchid, &refund_id, profile))
        .map(Json)
}

async fn query_by_out_no_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(out_refund_no): WxPath<String>,
    WxQuery(params): WxQuery<RefundQueryParams>,
) -> Result<Json<Refund>, ApiError> {
    let profile = state.timing();
    state
        .store()
        .transact(caller.tenant(), |tx| {
            let key = (params.sub_mchid.clone(), out_refund_no.clone());
            let id = tx.area::<Refunds>().by_out_no.get(&key).cloned().ok_or_else(not_found)?;
            query(tx, &params.sub_mchid, &id, profile)
        })
        .map(Json)
}

async fn return_advance_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(refund_id): WxPath<String>,
    WxJson(req): WxJson<ReturnAdvanceRequest>,
) -> Result<Json<ReturnAdvance>, ApiError> {
    let profile = state.timing();
    state
        .store()
        .transact(caller.tenant(), |tx| return_advance(tx, &req.sub_mchid, &refund_id, profile))
        .map(Json)
}

async fn query_return_advance_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(refund_id): WxPath<String>,
    WxQuery(params): WxQuery<RefundQueryParams>,
) -> Result<Json<ReturnAdvance>, ApiError> {
    state
        .store()
        .transact(caller.tenant(), |tx| {
            let r = find(tx, &params.sub_mchid, &refund_id)?;
            advance_view(tx, &r)
                .ok_or_else(|| ApiError::not_found("RESOURCE_NOT_EXISTS", "垫付回补单不存在"))
        })
        .map(Json)
}

fn check_request(req: &RefundApplyRequest) -> Result<(), ApiError> {
    let out_no_ok = !req.out_refund_no.is_empty()
        && req.out_refund_no.len() <= 64
        && req.out_refund_no.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-|*@".contains(&b));
    if !out_no_ok {
        return Err(param("/out_refund_no", "must be 1 to 64 of A-Z a-z 0-9 _ - | * @"));
    }
    if req.amount.refund < 1 {
        return Err(param("/amount/refund", "must be at least 1 fen"));
    }
    if req.amount.total < 1 {
        return Err(param("/amount/total", "must be at least 1 fen"));
    }
    if req.amount.refund > req.amount.total {
        return Err(param("/amount/refund", "must not exceed amount.total"));
    }
    if req.amount.currency != Currency::Cny {
        return Err(param("/amount/currency", "must be CNY"));
    }
    if req.reason.as_ref().is_some_and(|r| r.chars().count() > 80) {
        return Err(param("/reason", "must be at most 80 characters"));
    }
    if req.transaction_id.is_none() && req.out_trade_no.is_none() {
        return Err(param("/transaction_id", "give transaction_id or out_trade_no"));
    }
    if let Some(url) = &req.notify_url {
        check_notify_url(url).map_err(|e| param("/notify_url", e.to_string()))?;
    }
    Ok(())
}

/// Accepts a refund, or answers the same refund again for the same request.
///
/// # Errors
/// `400 PARAM_ERROR`, `403 NO_AUTH`, `404 RESOURCE_NOT_EXISTS`, `400 INVALID_REQUEST` (a
/// business rule), `403 NOT_ENOUGH`; the transaction then changes nothing.
pub(crate) fn apply(
    tx: &mut Txn<'_>,
    req: &RefundApplyRequest,
    profile: TimingProfile,
) -> Result<RefundApplyResponse, ApiError> {
    check_request(req)?;
    if !tx.is_sub_merchant(&req.sub_mchid) {
        return Err(ApiError::no_auth("二级商户未入驻本平台").with_value(req.sub_mchid.clone()));
    }
    let transaction_id = match (&req.transaction_id, &req.out_trade_no) {
        (Some(id), _) => id.clone(),
        (None, Some(no)) => tx
            .area::<Payments>()
            .trade_by_out_trade_no(&req.sub_mchid, no)
            .and_then(|(_, t)| t.transaction_id.clone())
            .ok_or_else(funds::order_not_found)?,
        (None, None) => {
            return Err(param("/transaction_id", "give transaction_id or out_trade_no"))
        }
    };
    let key = (req.sub_mchid.clone(), req.out_refund_no.clone());
    if let Some(id) = tx.area::<Refunds>().by_out_no.get(&key).cloned() {
        let existing = tx.area::<Refunds>().by_id.get(&id).cloned().ok_or_else(not_found)?;
        if existing.transaction_id != transaction_id
            || existing.refund_fen != req.amount.refund
            || existing.total_fen != req.amount.total
        {
            return Err(ApiError::invalid_request(
                "out_refund_no 已使用, 且与原请求的订单或金额不一致",
            ));
        }
        return apply_answer(&existing);
    }
    let mut money = funds::load(tx, Some(&req.sub_mchid), &transaction_id)?;
    if req.amount.total != money.amount_fen {
        return Err(param(
            "/amount/total",
            format!("is not the order amount of {} fen", money.amount_fen),
        ));
    }
    let now = tx.now_unix();
    if now.saturating_sub(money.paid_unix) > REFUND_WINDOW_SECS {
        return Err(ApiError::invalid_request("订单已超过可退款的最大期限(一年)"));
    }
    if money.refunds >= MAX_REFUNDS {
        return Err(ApiError::invalid_request("订单退款次数已达上限(50次)"));
    }
    let refund = req.amount.refund;
    let after = money
        .refunded_fen
        .checked_add(refund)
        .ok_or_else(|| param("/amount/refund", "too large"))?;
    if after > money.amount_fen {
        return Err(ApiError::invalid_request(format!(
            "申请退款金额超过订单可退金额: 已退 {} 分, 订单 {} 分",
            money.refunded_fen, money.amount_fen
        )));
    }
    if tx.area::<Refunds>().by_id.len() >= MAX_TENANT_REFUNDS {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "FREQUENCY_LIMITED",
            "退款单过多",
        ));
    }
    let source = choose_source(tx, req, &money, refund)?;
    let refund_id = {
        let r = tx.area_mut::<Refunds>();
        r.next_seq = r.next_seq.saturating_add(1);
        format!("50{:010}{:08}", now.clamp(0, 9_999_999_999), r.next_seq % 100_000_000)
    };
    let from = match source {
        Source::Frozen => Account::merchant(&money.sub_mchid, Purpose::Frozen),
        Source::Available => Account::merchant(&money.sub_mchid, Purpose::Available),
        Source::Advance => Account::merchant(tx.tenant().mchid(), Purpose::Available),
    };
    let fen = u64::try_from(refund).map_err(|_| param("/amount/refund", "must be positive"))?;
    tx.transfer(
        Transfer::new(EntryKind::Refund, refund_id.clone(), from, Account::External, fen)
            .memo(req.out_refund_no.clone()),
    )?;
    let frozen_before = money.frozen_fen;
    money.refunded_fen = after;
    money.refunds = money.refunds.saturating_add(1);
    if source == Source::Frozen {
        money.frozen_fen = money.frozen_fen.saturating_sub(refund);
    }
    assert!(money.refunded_fen <= money.amount_fen, "refunds never exceed the paid amount");
    assert!(money.frozen_fen >= 0 && money.frozen_fen <= frozen_before);
    funds::store(tx, money.clone());
    tx.area_mut::<Payments>()
        .mark_refund(&transaction_id)
        .map_err(|e| ApiError::system_error(format!("marking the refund: {e}")))?;
    let record = RefundRecord {
        refund_id: refund_id.clone(),
        out_refund_no: req.out_refund_no.clone(),
        sub_mchid: req.sub_mchid.clone(),
        transaction_id,
        out_trade_no: money.out_trade_no.clone(),
        refund_fen: refund,
        total_fen: req.amount.total,
        source,
        status: Status::Processing,
        pending: Pending::new(now),
        magic: Magic::for_amount(refund),
        created_unix: now,
        notify_url: req.notify_url.clone(),
        refund_account: req.refund_account.clone(),
        advance_return: None,
    };
    let r = tx.area_mut::<Refunds>();
    r.by_out_no.insert(key, refund_id.clone());
    r.by_id.insert(refund_id.clone(), record);
    let record = catch_up(tx, &refund_id, profile, false)?;
    apply_answer(&record)
}

fn choose_source(
    tx: &mut Txn<'_>,
    req: &RefundApplyRequest,
    money: &OrderMoney,
    refund: i64,
) -> Result<Source, ApiError> {
    let available_only = req.funds_account == Some(FundsAccount::Available);
    if !available_only && money.freeze == Freeze::Frozen && money.frozen_fen >= refund {
        return Ok(Source::Frozen);
    }
    let available = tx.ledger().balance(&Account::merchant(&money.sub_mchid, Purpose::Available));
    if available >= refund {
        return Ok(Source::Available);
    }
    if req.refund_account == Some(RefundAccount::PartnerAdvance) {
        return Ok(Source::Advance);
    }
    Err(ApiError::new(StatusCode::FORBIDDEN, "NOT_ENOUGH", "二级商户余额不足")
        .with_detail_member("available_fen", available)
        .with_detail_member("refund_fen", refund))
}

fn apply_answer(r: &RefundRecord) -> Result<RefundApplyResponse, ApiError> {
    Ok(RefundApplyResponse {
        refund_id: r.refund_id.clone(),
        out_refund_no: r.out_refund_no.clone(),
        create_time: time(r.created_unix)?,
        amount: amount(r),
        promotion_detail: None,
        refund_account: r.refund_account.clone(),
    })
}

fn time(unix: i64) -> Result<DateTime, ApiError> {
    DateTime::from_unix(unix).map_err(|e| ApiError::system_error(format!("time: {e}")))
}

fn amount(r: &RefundRecord) -> RefundAmount {
    RefundAmount {
        refund: r.refund_fen,
        from: None,
        payer_refund: r.refund_fen,
        discount_refund: Some(0),
        currency: Some(Currency::Cny),
        advance: (r.source == Source::Advance).then_some(r.refund_fen),
    }
}

fn find(tx: &mut Txn<'_>, sub_mchid: &str, refund_id: &str) -> Result<RefundRecord, ApiError> {
    tx.area::<Refunds>()
        .by_id
        .get(refund_id)
        .filter(|r| r.sub_mchid == sub_mchid)
        .cloned()
        .ok_or_else(not_found)
}

/// A refund as the query answers it, after the automatic move due now (if any).
///
/// # Errors
/// `404 RESOURCE_NOT_EXISTS`; ledger or callback errors.
pub(crate) fn query(
    tx: &mut Txn<'_>,
    sub_mchid: &str,
    refund_id: &str,
    profile: TimingProfile,
) -> Result<Refund, ApiError> {
    find(tx, sub_mchid, refund_id)?;
    let r = catch_up(tx, refund_id, profile, true)?;
    view(&r)
}

fn view(r: &RefundRecord) -> Result<Refund, ApiError> {
    let (status, success_time) = match r.status {
        Status::Processing => (RefundStatus::Processing, None),
        Status::Success { at_unix } => (RefundStatus::Success, Some(time(at_unix)?)),
        Status::Abnormal => (RefundStatus::Abnormal, None),
        Status::Closed => (RefundStatus::Closed, None),
    };
    Ok(Refund {
        refund_id: r.refund_id.clone(),
        out_refund_no: r.out_refund_no.clone(),
        transaction_id: r.transaction_id.clone(),
        out_trade_no: r.out_trade_no.clone(),
        channel: Some(RefundChannel::Original),
        user_received_account: "支付用户零钱".into(),
        success_time,
        create_time: time(r.created_unix)?,
        status,
        amount: amount(r),
        promotion_detail: None,
        refund_account: r.refund_account.clone(),
        funds_account: Some(match r.source {
            Source::Frozen => FundsAccount::Unavailable,
            Source::Available | Source::Advance => FundsAccount::Available,
        }),
    })
}

/// Makes the automatic move of refund `refund_id` that is due now: success by the timing
/// policy, or a magic amount's outcome (at a query only).
fn catch_up(
    tx: &mut Txn<'_>,
    refund_id: &str,
    profile: TimingProfile,
    is_query: bool,
) -> Result<RefundRecord, ApiError> {
    let now = tx.now_unix();
    let r = tx.area_mut::<Refunds>().by_id.get_mut(refund_id).ok_or_else(not_found)?;
    if is_query {
        r.pending.record_poll();
    }
    let event = match (r.status, r.magic) {
        (Status::Processing, Some(Magic::Abnormal)) if is_query => Some(Event::Abnormal),
        (Status::Processing, Some(Magic::Close)) if is_query => Some(Event::Close),
        (Status::Processing, None)
            if SUCCESS_TIMING.for_profile(profile).is_due(&r.pending, now) =>
        {
            Some(Event::Succeed)
        }
        _ => None,
    };
    match event {
        Some(e) => transition(tx, refund_id, e),
        None => tx.area::<Refunds>().by_id.get(refund_id).cloned().ok_or_else(not_found),
    }
}

/// Moves a PROCESSING refund to SUCCESS, ABNORMAL or CLOSED (money back), with its callback.
///
/// # Errors
/// `404 RESOURCE_NOT_EXISTS`; `400 INVALID_REQUEST` when the refund is no longer PROCESSING.
pub(crate) fn transition(
    tx: &mut Txn<'_>,
    refund_id: &str,
    event: Event,
) -> Result<RefundRecord, ApiError> {
    let now = tx.now_unix();
    let r = tx.area::<Refunds>().by_id.get(refund_id).cloned().ok_or_else(not_found)?;
    let next = match (r.status, event) {
        (Status::Processing, Event::Succeed) => Status::Success { at_unix: now },
        (Status::Processing, Event::Abnormal) => Status::Abnormal,
        (Status::Processing, Event::Close) => Status::Closed,
        (from, event) => {
            return Err(ApiError::invalid_request(format!("退款单状态 {from:?} 不能 {event:?}")))
        }
    };
    if next == Status::Closed {
        give_back(tx, &r)?;
    }
    let mut r = r;
    r.status = next;
    r.pending = Pending::new(now);
    tx.area_mut::<Refunds>().by_id.insert(refund_id.to_owned(), r.clone());
    if let Some(url) = r.notify_url.clone() {
        let (event_type, refund_status) = match next {
            Status::Success { .. } => ("REFUND.SUCCESS", RefundStatus::Success),
            Status::Abnormal => ("REFUND.ABNORMAL", RefundStatus::Abnormal),
            Status::Closed | Status::Processing => ("REFUND.CLOSED", RefundStatus::Closed),
        };
        let resource = RefundNotification {
            sp_mchid: tx.tenant().mchid().to_owned(),
            sub_mchid: r.sub_mchid.clone(),
            transaction_id: r.transaction_id.clone(),
            out_trade_no: r.out_trade_no.clone(),
            refund_id: r.refund_id.clone(),
            out_refund_no: r.out_refund_no.clone(),
            refund_status,
            success_time: match next {
                Status::Success { at_unix } => Some(time(at_unix)?),
                _ => None,
            },
            user_received_account: "支付用户零钱".into(),
            amount: RefundNotificationAmount {
                total: r.total_fen,
                refund: r.refund_fen,
                payer_total: r.total_fen,
                payer_refund: r.refund_fen,
            },
            refund_account: r.refund_account.clone(),
        };
        tx.enqueue_callback(NewCallback::from_resource(url, event_type, &resource)?)?;
    }
    Ok(r)
}

/// A closed refund: the money comes back where it left from (the order's frozen share only
/// while its funds are still frozen).
fn give_back(tx: &mut Txn<'_>, r: &RefundRecord) -> Result<(), ApiError> {
    let mut money = funds::load(tx, Some(&r.sub_mchid), &r.transaction_id)?;
    let to = match r.source {
        Source::Frozen if money.freeze == Freeze::Frozen => {
            money.frozen_fen = money.frozen_fen.saturating_add(r.refund_fen);
            Account::merchant(&r.sub_mchid, Purpose::Frozen)
        }
        Source::Frozen | Source::Available => Account::merchant(&r.sub_mchid, Purpose::Available),
        Source::Advance => Account::merchant(tx.tenant().mchid(), Purpose::Available),
    };
    let fen = u64::try_from(r.refund_fen).map_err(|_| ApiError::system_error("negative refund"))?;
    tx.transfer(
        Transfer::new(EntryKind::Refund, r.refund_id.clone(), Account::External, to, fen)
            .memo("退款关闭, 资金退回"),
    )?;
    money.refunded_fen = money.refunded_fen.saturating_sub(r.refund_fen);
    assert!(money.refunded_fen >= 0, "a closed refund was counted");
    funds::store(tx, money);
    Ok(())
}

/// The sub-merchant repays an advanced refund to the platform; the same call again answers
/// the same return.
///
/// # Errors
/// `404 RESOURCE_NOT_EXISTS`, `400 INVALID_REQUEST` (not advanced, not successful),
/// `403 NOT_ENOUGH` (the sub-merchant's available balance is short).
pub(crate) fn return_advance(
    tx: &mut Txn<'_>,
    sub_mchid: &str,
    refund_id: &str,
    profile: TimingProfile,
) -> Result<ReturnAdvance, ApiError> {
    find(tx, sub_mchid, refund_id)?;
    let mut r = catch_up(tx, refund_id, profile, false)?;
    if let Some(view) = advance_view(tx, &r) {
        return Ok(view);
    }
    if r.source != Source::Advance {
        return Err(ApiError::invalid_request("该退款不是电商平台垫付的退款"));
    }
    if !matches!(r.status, Status::Success { .. }) {
        return Err(ApiError::invalid_request("退款未成功, 不能回补"));
    }
    let platform = tx.tenant().mchid().to_owned();
    let fen = u64::try_from(r.refund_fen).map_err(|_| ApiError::system_error("negative refund"))?;
    tx.transfer(
        Transfer::new(
            EntryKind::RefundReturn,
            refund_id.to_owned(),
            Account::merchant(sub_mchid, Purpose::Available),
            Account::merchant(platform, Purpose::Available),
            fen,
        )
        .memo("垫付退款回补"),
    )?;
    let now = tx.now_unix();
    r.advance_return = Some((format!("60{}", refund_id.get(2..).unwrap_or_default()), now));
    tx.area_mut::<Refunds>().by_id.insert(refund_id.to_owned(), r.clone());
    advance_view(tx, &r).ok_or_else(|| ApiError::system_error("advance return not recorded"))
}

fn advance_view(tx: &mut Txn<'_>, r: &RefundRecord) -> Option<ReturnAdvance> {
    let (id, at) = r.advance_return.clone()?;
    Some(ReturnAdvance {
        refund_id: r.refund_id.clone(),
        advance_return_id: id,
        return_amount: r.refund_fen,
        payer_mchid: r.sub_mchid.clone(),
        payer_account: AccountType::Basic,
        payee_mchid: tx.tenant().mchid().to_owned(),
        payee_account: AccountType::Basic,
        result: AdvanceReturnResult::Success,
        success_time: DateTime::from_unix(at).ok(),
    })
}
