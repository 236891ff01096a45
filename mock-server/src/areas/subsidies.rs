//! Subsidies (`/v3/ecommerce/subsidies/…`, 补差): the platform pays into a sub-merchant's
//! order before it is split.
//!
//! Money: create moves `platform:OPERATION → sub:FROZEN` while the order's funds are frozen
//! (the subsidy joins the order's frozen share and can be split with it), else
//! `→ sub:AVAILABLE`; return moves it back from the order's frozen share when it suffices,
//! else from `sub:AVAILABLE`. Rules: the order must be paid and have declared
//! `settle_info.subsidy_amount`; one subsidy per order, at most that amount; not after a
//! cancel; returns add up to at most the subsidy; idempotent by `out_subsidy_no` (create) and
//! `(sub_mchid, out_order_no)` (return); cancel refuses an order already subsidised.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use wechatpay_models::subsidy::{
    CancelSubsidyRequest, CancelSubsidyResponse, CreateSubsidyRequest, CreateSubsidyResponse,
    ReturnSubsidyRequest, ReturnSubsidyResponse, SubsidyResult,
};
use wechatpay_models::time::DateTime;

use super::profitsharing::funds::{self, Freeze};
use crate::error::{ApiError, Location};
use crate::extract::WxJson;
use crate::ledger::{Account, EntryKind, Purpose, Transfer};
use crate::protocol::Caller;
use crate::state::MockState;
use crate::store::Txn;

/// The subsidy of one order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SubsidyRecord {
    pub(crate) subsidy_id: String,
    pub(crate) sub_mchid: String,
    pub(crate) transaction_id: String,
    pub(crate) amount_fen: i64,
    pub(crate) returned_fen: i64,
    pub(crate) description: String,
    pub(crate) out_subsidy_no: Option<String>,
    pub(crate) at_unix: i64,
}

/// A subsidy return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SubsidyReturn {
    pub(crate) subsidy_refund_id: String,
    pub(crate) transaction_id: String,
    pub(crate) refund_id: Option<String>,
    pub(crate) amount_fen: i64,
    pub(crate) description: String,
    pub(crate) at_unix: i64,
}

/// The subsidies of a tenant (an [`crate::store::Area`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct Subsidies {
    pub(crate) by_order: imbl::HashMap<String, SubsidyRecord>,
    /// Orders whose subsidy was cancelled.
    pub(crate) cancelled: imbl::HashSet<String>,
    pub(crate) returns: imbl::HashMap<(String, String), SubsidyReturn>,
    next_seq: u64,
}

impl Subsidies {
    fn next_id(&mut self, now: i64) -> String {
        self.next_seq = self.next_seq.saturating_add(1);
        format!("70{:010}{:08}", now.clamp(0, 9_999_999_999), self.next_seq % 100_000_000)
    }
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/v3/ecommerce/subsidies/create", post(create_handler))
        .route("/v3/ecommerce/subsidies/return", post(return_handler))
        .route("/v3/ecommerce/subsidies/cancel", post(cancel_handler))
}

fn param(field: &str, issue: impl Into<String>) -> ApiError {
    ApiError::param_error(field, Location::Body, issue)
}

fn text(field: &str, value: &str, max_chars: usize) -> Result<(), ApiError> {
    let n = value.chars().count();
    if n == 0 || n > max_chars {
        return Err(param(field, format!("must be 1 to {max_chars} characters")));
    }
    Ok(())
}

fn time(unix: i64) -> Result<DateTime, ApiError> {
    DateTime::from_unix(unix).map_err(|e| ApiError::system_error(format!("time: {e}")))
}

fn fen(amount: i64) -> Result<u64, ApiError> {
    u64::try_from(amount).map_err(|_| ApiError::system_error("a validated amount is negative"))
}

async fn create_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxJson(req): WxJson<CreateSubsidyRequest>,
) -> Result<Json<CreateSubsidyResponse>, ApiError> {
    state.store().transact(caller.tenant(), |tx| create(tx, &req)).map(Json)
}

/// Pays a subsidy into an order.
///
/// # Errors
/// `400 PARAM_ERROR`, `404 RESOURCE_NOT_EXISTS`, `400 INVALID_REQUEST` (no subsidy declared,
/// over it, already subsidised, cancelled), `403 NOT_ENOUGH` (the platform's operation account).
pub(crate) fn create(
    tx: &mut Txn<'_>,
    req: &CreateSubsidyRequest,
) -> Result<CreateSubsidyResponse, ApiError> {
    text("/sub_mchid", &req.sub_mchid, 32)?;
    text("/transaction_id", &req.transaction_id, 32)?;
    text("/description", &req.description, 80)?;
    if req.amount < 1 {
        return Err(param("/amount", "must be at least 1 fen"));
    }
    let mut money = funds::load(tx, Some(&req.sub_mchid), &req.transaction_id)?;
    if let Some(existing) = tx.area::<Subsidies>().by_order.get(&req.transaction_id).cloned() {
        if existing.amount_fen == req.amount && existing.out_subsidy_no == req.out_subsidy_no {
            return create_view(&existing);
        }
        return Err(ApiError::invalid_request("该订单已补差, 每笔订单只能补差一次"));
    }
    if tx.area::<Subsidies>().cancelled.contains(&req.transaction_id) {
        return Err(ApiError::invalid_request("该订单已取消补差"));
    }
    let ceiling = money.subsidy_ceiling_fen.ok_or_else(|| {
        ApiError::invalid_request("订单下单时未指定补差金额(settle_info.subsidy_amount)")
    })?;
    if req.amount > ceiling {
        return Err(ApiError::invalid_request(format!(
            "补差金额超过下单时指定的补差金额 {ceiling} 分"
        )));
    }
    let now = tx.now_unix();
    let subsidy_id = tx.area_mut::<Subsidies>().next_id(now);
    let platform = tx.tenant().mchid().to_owned();
    tx.transfer(
        Transfer::new(
            EntryKind::Subsidy,
            subsidy_id.clone(),
            Account::merchant(platform, Purpose::Operation),
            money.home_account(),
            fen(req.amount)?,
        )
        .memo(req.description.clone()),
    )?;
    if money.freeze == Freeze::Frozen {
        money.frozen_fen += req.amount;
    }
    funds::store(tx, money);
    let record = SubsidyRecord {
        subsidy_id,
        sub_mchid: req.sub_mchid.clone(),
        transaction_id: req.transaction_id.clone(),
        amount_fen: req.amount,
        returned_fen: 0,
        description: req.description.clone(),
        out_subsidy_no: req.out_subsidy_no.clone(),
        at_unix: now,
    };
    tx.area_mut::<Subsidies>().by_order.insert(req.transaction_id.clone(), record.clone());
    create_view(&record)
}

fn create_view(r: &SubsidyRecord) -> Result<CreateSubsidyResponse, ApiError> {
    Ok(CreateSubsidyResponse {
        sub_mchid: r.sub_mchid.clone(),
        transaction_id: r.transaction_id.clone(),
        subsidy_id: r.subsidy_id.clone(),
        description: r.description.clone(),
        amount: r.amount_fen,
        result: if r.returned_fen >= r.amount_fen {
            SubsidyResult::Refund
        } else {
            SubsidyResult::Success
        },
        success_time: Some(time(r.at_unix)?),
        out_subsidy_no: r.out_subsidy_no.clone(),
    })
}

async fn return_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxJson(req): WxJson<ReturnSubsidyRequest>,
) -> Result<Json<ReturnSubsidyResponse>, ApiError> {
    state.store().transact(caller.tenant(), |tx| return_subsidy(tx, &req)).map(Json)
}

/// Takes (part of) a subsidy back to the platform.
///
/// # Errors
/// `404 RESOURCE_NOT_EXISTS` (no subsidy), `400 INVALID_REQUEST` (more than is left, the same
/// `out_order_no` with other content), `403 NOT_ENOUGH`.
pub(crate) fn return_subsidy(
    tx: &mut Txn<'_>,
    req: &ReturnSubsidyRequest,
) -> Result<ReturnSubsidyResponse, ApiError> {
    text("/sub_mchid", &req.sub_mchid, 32)?;
    text("/out_order_no", &req.out_order_no, 64)?;
    text("/transaction_id", &req.transaction_id, 32)?;
    text("/description", &req.description, 80)?;
    if req.amount < 1 {
        return Err(param("/amount", "must be at least 1 fen"));
    }
    let mut money = funds::load(tx, Some(&req.sub_mchid), &req.transaction_id)?;
    let mut subsidy = tx
        .area::<Subsidies>()
        .by_order
        .get(&req.transaction_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("RESOURCE_NOT_EXISTS", "该订单没有补差"))?;
    let key = (req.sub_mchid.clone(), req.out_order_no.clone());
    if let Some(existing) = tx.area::<Subsidies>().returns.get(&key).cloned() {
        if existing.transaction_id == req.transaction_id && existing.amount_fen == req.amount {
            return return_view(req, &subsidy, &existing);
        }
        return Err(ApiError::invalid_request("out_order_no 已使用, 且与原请求不一致"));
    }
    let left = subsidy.amount_fen - subsidy.returned_fen;
    if req.amount > left {
        return Err(ApiError::invalid_request(format!("补差回退金额超过可回退的 {left} 分")));
    }
    let from_frozen = money.freeze == Freeze::Frozen && money.frozen_fen >= req.amount;
    let from = if from_frozen {
        Account::merchant(&req.sub_mchid, Purpose::Frozen)
    } else {
        Account::merchant(&req.sub_mchid, Purpose::Available)
    };
    let now = tx.now_unix();
    let id = tx.area_mut::<Subsidies>().next_id(now);
    let platform = tx.tenant().mchid().to_owned();
    tx.transfer(
        Transfer::new(
            EntryKind::SubsidyReturn,
            id.clone(),
            from,
            Account::merchant(platform, Purpose::Operation),
            fen(req.amount)?,
        )
        .memo(req.description.clone()),
    )?;
    if from_frozen {
        money.frozen_fen -= req.amount;
    }
    funds::store(tx, money);
    subsidy.returned_fen += req.amount;
    assert!(subsidy.returned_fen <= subsidy.amount_fen, "returns never exceed the subsidy");
    let record = SubsidyReturn {
        subsidy_refund_id: id,
        transaction_id: req.transaction_id.clone(),
        refund_id: req.refund_id.clone(),
        amount_fen: req.amount,
        description: req.description.clone(),
        at_unix: now,
    };
    let s = tx.area_mut::<Subsidies>();
    s.by_order.insert(req.transaction_id.clone(), subsidy.clone());
    s.returns.insert(key, record.clone());
    return_view(req, &subsidy, &record)
}

fn return_view(
    req: &ReturnSubsidyRequest,
    subsidy: &SubsidyRecord,
    r: &SubsidyReturn,
) -> Result<ReturnSubsidyResponse, ApiError> {
    Ok(ReturnSubsidyResponse {
        sub_mchid: subsidy.sub_mchid.clone(),
        transaction_id: r.transaction_id.clone(),
        subsidy_refund_id: r.subsidy_refund_id.clone(),
        refund_id: r.refund_id.clone(),
        out_order_no: req.out_order_no.clone(),
        amount: r.amount_fen,
        description: r.description.clone(),
        result: SubsidyResult::Success,
        success_time: Some(time(r.at_unix)?),
        subsidy_id: Some(subsidy.subsidy_id.clone()),
        from: None,
    })
}

async fn cancel_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxJson(req): WxJson<CancelSubsidyRequest>,
) -> Result<Json<CancelSubsidyResponse>, ApiError> {
    state.store().transact(caller.tenant(), |tx| cancel(tx, &req)).map(Json)
}

/// Declares that an order will not be subsidised (again: the same answer).
///
/// # Errors
/// `404 RESOURCE_NOT_EXISTS`, `400 INVALID_REQUEST` when a subsidy was already paid.
pub(crate) fn cancel(
    tx: &mut Txn<'_>,
    req: &CancelSubsidyRequest,
) -> Result<CancelSubsidyResponse, ApiError> {
    text("/sub_mchid", &req.sub_mchid, 32)?;
    text("/transaction_id", &req.transaction_id, 32)?;
    text("/description", &req.description, 80)?;
    funds::load(tx, Some(&req.sub_mchid), &req.transaction_id)?;
    if tx.area::<Subsidies>().by_order.contains_key(&req.transaction_id) {
        return Err(ApiError::invalid_request("该订单已补差, 不能取消补差"));
    }
    tx.area_mut::<Subsidies>().cancelled.insert(req.transaction_id.clone());
    Ok(CancelSubsidyResponse {
        sub_mchid: req.sub_mchid.clone(),
        transaction_id: req.transaction_id.clone(),
        result: SubsidyResult::Success,
        description: req.description.clone(),
    })
}
