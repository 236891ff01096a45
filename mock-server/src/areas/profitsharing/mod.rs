//! Profit sharing (`/v3/ecommerce/profitsharing/…`, onboarding guide §5.4): splits of frozen
//! order funds to receivers, returns, finish, the remaining amount, receivers.
//!
//! Money: a split moves `sub:FROZEN → receiver` (a merchant receiver's `AVAILABLE`, or
//! `EXTERNAL` for a personal openid: the money left WeChat Pay's merchant accounts); a return
//! moves `receiver:AVAILABLE → sub:FROZEN` (or `sub:AVAILABLE` once the order is no longer
//! frozen); finish (or `finish = true` on a split) moves the order's remaining frozen share
//! `sub:FROZEN → sub:AVAILABLE`. Each order's share is kept in [`funds::OrderMoney`].
//!
//! Rules: only orders paid with `settle_info.profit_sharing` and still frozen; receivers must
//! have been added (the platform itself is a receiver by default); never to the paying
//! sub-merchant; at most `max_ratio_bp` (30 %) of the order amount split in total, net of
//! returns (`403 RULE_LIMIT`); no more than the order's frozen share (`403 NOT_ENOUGH`); at
//! most 50 split / finish requests per order; 1–50 receivers per request; idempotent by
//! `(sub_mchid, out_order_no)` and `(sub_mchid, out_return_no)`. Splits and returns complete
//! at once (`FINISHED` / `SUCCESS`); `PROFITSHARING.SUCCESS` (one per receiver) and
//! `PROFITSHARING.RETURN` go to `notify_url` when the request gave one.

pub(crate) mod funds;
#[cfg(test)]
mod proptests;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use wechatpay_models::profitsharing::{
    AddReceiverRequest, CreateOrderRequest, CreateReturnOrderRequest, DeleteReceiverRequest,
    FinishOrderRequest, FinishOrderResponse, OrderReceiver, ProfitSharingNotification,
    ProfitSharingNotificationReceiver, ProfitSharingOrder, ProfitSharingOrderParams,
    ProfitSharingStatus, ReceiverResponse, ReceiverResult, ReceiverType, ReturnOrder,
    ReturnOrderParams, ReturnResult, UnsplitAmount,
};
use wechatpay_models::time::DateTime;

use self::funds::{Freeze, OrderMoney};
use crate::callbacks::{check_notify_url, NewCallback};
use crate::error::{ApiError, Location};
use crate::extract::{WxJson, WxPath, WxQuery};
use crate::ledger::{Account, EntryKind, Purpose, Transfer};
use crate::protocol::Caller;
use crate::state::MockState;
use crate::store::Txn;

/// Most receivers in one split request.
pub(crate) const MAX_RECEIVERS: usize = 50;
/// Most split and finish requests per order.
pub(crate) const MAX_SPLIT_REQUESTS: u32 = 50;
/// Most receivers a platform adds.
const MAX_PLATFORM_RECEIVERS: usize = 20_000;
/// Most split orders one tenant holds: a limit on everything.
const MAX_SPLIT_ORDERS: usize = 1_000_000;

/// One receiver of a split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SplitReceiver {
    pub(crate) r#type: ReceiverType,
    pub(crate) account: String,
    pub(crate) amount_fen: i64,
    pub(crate) description: String,
    pub(crate) returned_fen: i64,
    pub(crate) detail_id: String,
}

/// A split or finish request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SplitOrder {
    pub(crate) order_id: String,
    pub(crate) sub_mchid: String,
    pub(crate) transaction_id: String,
    pub(crate) out_order_no: String,
    pub(crate) receivers: Vec<SplitReceiver>,
    /// `finish = true`, or a finish-order request.
    pub(crate) finish: bool,
    /// Whether this was a finish-order request.
    pub(crate) finish_request: bool,
    pub(crate) finish_fen: Option<i64>,
    pub(crate) finish_description: Option<String>,
    pub(crate) created_unix: i64,
}

/// A return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ReturnRecord {
    pub(crate) return_no: String,
    pub(crate) order_id: String,
    pub(crate) out_return_no: String,
    pub(crate) return_mchid: String,
    pub(crate) amount_fen: i64,
    pub(crate) created_unix: i64,
}

/// The profit-sharing area of a tenant (an [`crate::store::Area`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct ProfitSharing {
    pub(crate) orders: imbl::OrdMap<String, SplitOrder>,
    pub(crate) by_out_no: imbl::HashMap<(String, String), String>,
    pub(crate) returns: imbl::OrdMap<String, ReturnRecord>,
    pub(crate) returns_by_out_no: imbl::HashMap<(String, String), String>,
    /// Added receivers: `(type, account)` → name.
    pub(crate) receivers: imbl::OrdMap<(String, String), Option<String>>,
    next_seq: u64,
}

impl ProfitSharing {
    fn next_id(&mut self, prefix: &str, now: i64) -> String {
        self.next_seq = self.next_seq.saturating_add(1);
        format!("{prefix}{:010}{:08}", now.clamp(0, 9_999_999_999), self.next_seq % 100_000_000)
    }
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route(
            "/v3/ecommerce/profitsharing/orders",
            post(create_order_handler).get(query_order_handler),
        )
        .route(
            "/v3/ecommerce/profitsharing/returnorders",
            post(create_return_handler).get(query_return_handler),
        )
        .route("/v3/ecommerce/profitsharing/finish-order", post(finish_handler))
        .route("/v3/ecommerce/profitsharing/orders/{transaction_id}/amounts", get(amounts_handler))
        .route("/v3/ecommerce/profitsharing/receivers/add", post(add_receiver_handler))
        .route("/v3/ecommerce/profitsharing/receivers/delete", post(delete_receiver_handler))
}

fn param(field: impl Into<String>, issue: impl Into<String>) -> ApiError {
    ApiError::param_error(field, Location::Body, issue)
}

fn time(unix: i64) -> Result<DateTime, ApiError> {
    DateTime::from_unix(unix).map_err(|e| ApiError::system_error(format!("time: {e}")))
}

fn text(field: &str, value: &str, max_chars: usize) -> Result<(), ApiError> {
    let n = value.chars().count();
    if n == 0 || n > max_chars {
        return Err(param(field, format!("must be 1 to {max_chars} characters")));
    }
    Ok(())
}

fn out_no(field: &str, value: &str) -> Result<(), ApiError> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-|*@".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(param(field, "must be 1 to 64 of A-Z a-z 0-9 _ - | * @"))
    }
}

fn fen(amount: i64) -> Result<u64, ApiError> {
    u64::try_from(amount).map_err(|_| ApiError::system_error("a validated amount is negative"))
}

fn sub_merchant(tx: &mut Txn<'_>, sub_mchid: &str) -> Result<(), ApiError> {
    if tx.is_sub_merchant(sub_mchid) {
        Ok(())
    } else {
        Err(ApiError::no_auth("二级商户未入驻本平台").with_value(sub_mchid.to_owned()))
    }
}

async fn create_order_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxJson(req): WxJson<CreateOrderRequest>,
) -> Result<Json<ProfitSharingOrder>, ApiError> {
    // Names are checked (they must decrypt with the key Wechatpay-Serial names) but not kept.
    for (i, r) in req.receivers.iter().enumerate() {
        if let Some(name) = &r.receiver_name {
            caller.decrypt_field(&format!("/receivers/{i}/receiver_name"), name)?;
        }
    }
    state.store().transact(caller.tenant(), |tx| create_order(tx, &req)).map(Json)
}

/// Splits frozen funds of a paid order (and with `finish` unfreezes the rest).
///
/// # Errors
/// See the module documentation; nothing changes on an error.
pub(crate) fn create_order(
    tx: &mut Txn<'_>,
    req: &CreateOrderRequest,
) -> Result<ProfitSharingOrder, ApiError> {
    text("/sub_mchid", &req.sub_mchid, 32)?;
    text("/transaction_id", &req.transaction_id, 32)?;
    out_no("/out_order_no", &req.out_order_no)?;
    if req.receivers.is_empty() || req.receivers.len() > MAX_RECEIVERS {
        return Err(param("/receivers", format!("must hold 1 to {MAX_RECEIVERS} receivers")));
    }
    let mut total: i64 = 0;
    for (i, r) in req.receivers.iter().enumerate() {
        if r.amount < 1 {
            return Err(param(format!("/receivers/{i}/amount"), "must be at least 1 fen"));
        }
        text(&format!("/receivers/{i}/description"), &r.description, 80)?;
        text(&format!("/receivers/{i}/receiver_account"), &r.receiver_account, 64)?;
        if r.r#type == ReceiverType::PersonalOpenid && req.appid.is_none() {
            return Err(param("/appid", "required when a receiver is PERSONAL_OPENID"));
        }
        total =
            total.checked_add(r.amount).ok_or_else(|| param("/receivers", "amounts too large"))?;
    }
    if let Some(url) = &req.notify_url {
        check_notify_url(url).map_err(|e| param("/notify_url", e.to_string()))?;
    }
    sub_merchant(tx, &req.sub_mchid)?;
    let key = (req.sub_mchid.clone(), req.out_order_no.clone());
    if let Some(id) = tx.area::<ProfitSharing>().by_out_no.get(&key).cloned() {
        let existing = tx.area::<ProfitSharing>().orders.get(&id).cloned();
        let existing = existing.ok_or_else(|| ApiError::system_error("split index broken"))?;
        if !same_split(&existing, req) {
            return Err(ApiError::invalid_request("out_order_no 已使用, 且与原请求不一致"));
        }
        return order_view(&existing);
    }
    let mut money = funds::load(tx, Some(&req.sub_mchid), &req.transaction_id)?;
    splittable(&money)?;
    let platform = tx.tenant().mchid().to_owned();
    for (i, r) in req.receivers.iter().enumerate() {
        let field = format!("/receivers/{i}/receiver_account");
        if r.receiver_account == req.sub_mchid {
            return Err(ApiError::invalid_request("分账接收方不能是分账出资的二级商户")
                .with_detail_member("field", field));
        }
        let is_default = r.r#type == ReceiverType::MerchantId && r.receiver_account == platform;
        let added = tx
            .area::<ProfitSharing>()
            .receivers
            .contains_key(&(r.r#type.as_str().to_owned(), r.receiver_account.clone()));
        if !is_default && !added {
            return Err(ApiError::invalid_request("分账接收方未添加, 请先添加分账接收方")
                .with_detail_member("field", field)
                .with_value(r.receiver_account.clone()));
        }
    }
    let cap = money.split_cap_fen(&funds::settings(tx));
    // The simulation's deliberately injected bug (compiled only with `sim-bugs`): no cap.
    #[cfg(feature = "sim-bugs")]
    let cap = if tx.area::<crate::sim::InjectedBugs>().skip_split_cap { i64::MAX } else { cap };
    let split_after = money.split_fen.checked_add(total).unwrap_or(i64::MAX);
    if split_after > cap {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "RULE_LIMIT", "分账金额超过最大分账比例")
            .with_detail_member("cap_fen", cap)
            .with_detail_member("split_fen", money.split_fen)
            .with_detail_member("requested_fen", total));
    }
    if total > money.frozen_fen {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "NOT_ENOUGH", "订单剩余待分金额不足")
            .with_detail_member("unsplit_fen", money.frozen_fen));
    }
    if tx.area::<ProfitSharing>().orders.len() >= MAX_SPLIT_ORDERS {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "FREQUENCY_LIMITED",
            "分账单过多",
        ));
    }
    let now = tx.now_unix();
    let order_id = tx.area_mut::<ProfitSharing>().next_id("30", now);
    let frozen_before = money.frozen_fen;
    let from = Account::merchant(&req.sub_mchid, Purpose::Frozen);
    let mut receivers = Vec::with_capacity(req.receivers.len());
    for (i, r) in req.receivers.iter().enumerate() {
        let to = receiver_account(&r.r#type, &r.receiver_account);
        tx.transfer(
            Transfer::new(
                EntryKind::ProfitSharing,
                order_id.clone(),
                from.clone(),
                to,
                fen(r.amount)?,
            )
            .memo(r.description.clone()),
        )?;
        receivers.push(SplitReceiver {
            r#type: r.r#type.clone(),
            account: r.receiver_account.clone(),
            amount_fen: r.amount,
            description: r.description.clone(),
            returned_fen: 0,
            detail_id: format!("{order_id}{i:02}"),
        });
    }
    money.frozen_fen -= total;
    money.split_fen = split_after;
    money.split_requests = money.split_requests.saturating_add(1);
    assert_eq!(money.frozen_fen, frozen_before - total, "a split moves exactly its total");
    assert!(money.split_fen <= cap, "splits stay within the cap");
    let finish_fen = if req.finish {
        let moved = funds::unfreeze(tx, &mut money, "分账完结, 解冻剩余资金")?;
        money.freeze = Freeze::Finished;
        Some(moved)
    } else {
        None
    };
    funds::store(tx, money.clone());
    let order = SplitOrder {
        order_id: order_id.clone(),
        sub_mchid: req.sub_mchid.clone(),
        transaction_id: req.transaction_id.clone(),
        out_order_no: req.out_order_no.clone(),
        receivers,
        finish: req.finish,
        finish_request: false,
        finish_fen,
        finish_description: None,
        created_unix: now,
    };
    let ps = tx.area_mut::<ProfitSharing>();
    ps.by_out_no.insert(key, order_id.clone());
    ps.orders.insert(order_id, order.clone());
    if let Some(url) = &req.notify_url {
        for r in &order.receivers {
            notify(tx, url, "PROFITSHARING.SUCCESS", &order, r, r.amount_fen, &order.order_id)?;
        }
    }
    order_view(&order)
}

fn same_split(existing: &SplitOrder, req: &CreateOrderRequest) -> bool {
    existing.transaction_id == req.transaction_id
        && existing.finish == req.finish
        && !existing.finish_request
        && existing.receivers.len() == req.receivers.len()
        && existing.receivers.iter().zip(&req.receivers).all(|(a, b)| {
            a.r#type == b.r#type && a.account == b.receiver_account && a.amount_fen == b.amount
        })
}

fn splittable(money: &OrderMoney) -> Result<(), ApiError> {
    match money.freeze {
        Freeze::Frozen if money.split_requests >= MAX_SPLIT_REQUESTS => {
            Err(ApiError::invalid_request("订单分账次数已达上限(50次)"))
        }
        Freeze::Frozen => Ok(()),
        Freeze::NotFrozen => {
            Err(ApiError::invalid_request("订单支付时未指定分账(settle_info.profit_sharing)"))
        }
        Freeze::Finished => Err(ApiError::invalid_request("订单分账已完结")),
        Freeze::Expired => Err(ApiError::invalid_request("订单资金已过冻结期, 已自动解冻")),
    }
}

/// The ledger account a receiver is paid into.
fn receiver_account(kind: &ReceiverType, account: &str) -> Account {
    match kind {
        ReceiverType::MerchantId => Account::merchant(account, Purpose::Available),
        // A personal openid's change is outside the merchant accounts WeChat Pay holds.
        _ => Account::External,
    }
}

fn notify(
    tx: &mut Txn<'_>,
    url: &str,
    event_type: &str,
    order: &SplitOrder,
    r: &SplitReceiver,
    amount_fen: i64,
    order_id: &str,
) -> Result<(), ApiError> {
    let resource = ProfitSharingNotification {
        sp_mchid: tx.tenant().mchid().to_owned(),
        sub_mchid: order.sub_mchid.clone(),
        transaction_id: order.transaction_id.clone(),
        order_id: order_id.to_owned(),
        out_order_no: order.out_order_no.clone(),
        receiver: ProfitSharingNotificationReceiver {
            r#type: r.r#type.clone(),
            account: r.account.clone(),
            amount: amount_fen,
            description: r.description.clone(),
        },
        success_time: time(tx.now_unix())?,
    };
    tx.enqueue_callback(NewCallback::from_resource(url, event_type, &resource)?)?;
    Ok(())
}

fn order_view(o: &SplitOrder) -> Result<ProfitSharingOrder, ApiError> {
    let at = time(o.created_unix)?;
    let receivers = o
        .receivers
        .iter()
        .map(|r| OrderReceiver {
            receiver_mchid: (r.r#type == ReceiverType::MerchantId).then(|| r.account.clone()),
            amount: r.amount_fen,
            description: r.description.clone(),
            result: Some(ReceiverResult::Success),
            finish_time: Some(at),
            fail_reason: None,
            r#type: r.r#type.clone(),
            receiver_account: r.account.clone(),
            detail_id: Some(r.detail_id.clone()),
            create_time: Some(at),
        })
        .collect();
    Ok(ProfitSharingOrder {
        sub_mchid: o.sub_mchid.clone(),
        transaction_id: o.transaction_id.clone(),
        out_order_no: o.out_order_no.clone(),
        order_id: o.order_id.clone(),
        status: Some(ProfitSharingStatus::Finished),
        receivers: Some(receivers),
        finish_amount: o.finish_fen,
        finish_description: o.finish_description.clone(),
        close_reason: None,
    })
}

async fn query_order_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxQuery(p): WxQuery<ProfitSharingOrderParams>,
) -> Result<Json<ProfitSharingOrder>, ApiError> {
    state
        .store()
        .transact(caller.tenant(), |tx| {
            let key = (p.sub_mchid.clone(), p.out_order_no.clone());
            let ps = tx.area::<ProfitSharing>();
            let order = ps
                .by_out_no
                .get(&key)
                .and_then(|id| ps.orders.get(id))
                .filter(|o| o.transaction_id == p.transaction_id)
                .cloned()
                .ok_or_else(|| ApiError::not_found("RESOURCE_NOT_EXISTS", "分账单不存在"))?;
            order_view(&order)
        })
        .map(Json)
}

async fn finish_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxJson(req): WxJson<FinishOrderRequest>,
) -> Result<Json<FinishOrderResponse>, ApiError> {
    state.store().transact(caller.tenant(), |tx| finish(tx, &req)).map(Json)
}

/// Ends profit sharing of an order: its remaining frozen share goes to the sub-merchant's
/// available balance.
///
/// # Errors
/// `404 RESOURCE_NOT_EXISTS`, `400 INVALID_REQUEST` (not frozen, already finished, the same
/// `out_order_no` used by a split).
pub(crate) fn finish(
    tx: &mut Txn<'_>,
    req: &FinishOrderRequest,
) -> Result<FinishOrderResponse, ApiError> {
    text("/sub_mchid", &req.sub_mchid, 32)?;
    text("/transaction_id", &req.transaction_id, 32)?;
    out_no("/out_order_no", &req.out_order_no)?;
    text("/description", &req.description, 80)?;
    sub_merchant(tx, &req.sub_mchid)?;
    let answer = |o: &SplitOrder| FinishOrderResponse {
        sub_mchid: o.sub_mchid.clone(),
        transaction_id: o.transaction_id.clone(),
        out_order_no: o.out_order_no.clone(),
        order_id: o.order_id.clone(),
    };
    let key = (req.sub_mchid.clone(), req.out_order_no.clone());
    if let Some(id) = tx.area::<ProfitSharing>().by_out_no.get(&key).cloned() {
        let existing = tx.area::<ProfitSharing>().orders.get(&id).cloned();
        return match existing {
            Some(o) if o.finish_request && o.transaction_id == req.transaction_id => Ok(answer(&o)),
            _ => Err(ApiError::invalid_request("out_order_no 已使用, 且与原请求不一致")),
        };
    }
    let mut money = funds::load(tx, Some(&req.sub_mchid), &req.transaction_id)?;
    splittable(&money)?;
    let moved = funds::unfreeze(tx, &mut money, "完结分账, 解冻剩余资金")?;
    money.freeze = Freeze::Finished;
    money.split_requests = money.split_requests.saturating_add(1);
    funds::store(tx, money);
    let now = tx.now_unix();
    let order_id = tx.area_mut::<ProfitSharing>().next_id("30", now);
    let order = SplitOrder {
        order_id: order_id.clone(),
        sub_mchid: req.sub_mchid.clone(),
        transaction_id: req.transaction_id.clone(),
        out_order_no: req.out_order_no.clone(),
        receivers: Vec::new(),
        finish: true,
        finish_request: true,
        finish_fen: Some(moved),
        finish_description: Some(req.description.clone()),
        created_unix: now,
    };
    let ps = tx.area_mut::<ProfitSharing>();
    ps.by_out_no.insert(key, order_id.clone());
    ps.orders.insert(order_id, order.clone());
    Ok(answer(&order))
}

async fn amounts_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(transaction_id): WxPath<String>,
) -> Result<Json<UnsplitAmount>, ApiError> {
    state
        .store()
        .transact(caller.tenant(), |tx| {
            let money = funds::load(tx, None, &transaction_id)?;
            Ok(UnsplitAmount { transaction_id, unsplit_amount: money.unsplit_fen() })
        })
        .map(Json)
}

async fn create_return_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxJson(req): WxJson<CreateReturnOrderRequest>,
) -> Result<Json<ReturnOrder>, ApiError> {
    state.store().transact(caller.tenant(), |tx| create_return(tx, &req)).map(Json)
}

fn split_named(
    tx: &mut Txn<'_>,
    sub_mchid: &str,
    order_id: Option<&str>,
    out_order_no: Option<&str>,
) -> Result<SplitOrder, ApiError> {
    let ps = tx.area::<ProfitSharing>();
    let id = match (order_id, out_order_no) {
        (Some(id), _) => Some(id.to_owned()),
        (None, Some(no)) => ps.by_out_no.get(&(sub_mchid.to_owned(), no.to_owned())).cloned(),
        (None, None) => return Err(param("/order_id", "give order_id or out_order_no")),
    };
    id.and_then(|id| ps.orders.get(&id))
        .filter(|o| o.sub_mchid == sub_mchid)
        .cloned()
        .ok_or_else(|| ApiError::not_found("RESOURCE_NOT_EXISTS", "分账单不存在"))
}

/// Returns (part of) a split from a merchant receiver.
///
/// # Errors
/// `404 RESOURCE_NOT_EXISTS`, `400 INVALID_REQUEST` (not a merchant receiver of the split,
/// more than is left to return), `403 NOT_ENOUGH` (the receiver's balance is short).
pub(crate) fn create_return(
    tx: &mut Txn<'_>,
    req: &CreateReturnOrderRequest,
) -> Result<ReturnOrder, ApiError> {
    text("/sub_mchid", &req.sub_mchid, 32)?;
    out_no("/out_return_no", &req.out_return_no)?;
    text("/return_mchid", &req.return_mchid, 32)?;
    text("/description", &req.description, 80)?;
    if req.amount < 1 {
        return Err(param("/amount", "must be at least 1 fen"));
    }
    sub_merchant(tx, &req.sub_mchid)?;
    let mut order =
        split_named(tx, &req.sub_mchid, req.order_id.as_deref(), req.out_order_no.as_deref())?;
    let key = (req.sub_mchid.clone(), req.out_return_no.clone());
    if let Some(no) = tx.area::<ProfitSharing>().returns_by_out_no.get(&key).cloned() {
        let existing = tx.area::<ProfitSharing>().returns.get(&no).cloned();
        return match existing {
            Some(r)
                if r.order_id == order.order_id
                    && r.amount_fen == req.amount
                    && r.return_mchid == req.return_mchid =>
            {
                return_view(&order, &r)
            }
            _ => Err(ApiError::invalid_request("out_return_no 已使用, 且与原请求不一致")),
        };
    }
    let index = order
        .receivers
        .iter()
        .position(|r| r.r#type == ReceiverType::MerchantId && r.account == req.return_mchid)
        .ok_or_else(|| {
            ApiError::invalid_request("回退商户号不是该分账单的商户类型接收方")
                .with_value(req.return_mchid.clone())
        })?;
    let receiver = order
        .receivers
        .get(index)
        .cloned()
        .ok_or_else(|| ApiError::system_error("receiver index"))?;
    let returnable = receiver.amount_fen - receiver.returned_fen;
    if req.amount > returnable {
        return Err(ApiError::invalid_request(format!("回退金额超过可回退金额 {returnable} 分")));
    }
    let mut money = funds::load(tx, Some(&req.sub_mchid), &order.transaction_id)?;
    let home = money.home_account();
    let now = tx.now_unix();
    let return_no = tx.area_mut::<ProfitSharing>().next_id("40", now);
    tx.transfer(
        Transfer::new(
            EntryKind::ProfitSharingReturn,
            return_no.clone(),
            Account::merchant(&req.return_mchid, Purpose::Available),
            home,
            fen(req.amount)?,
        )
        .memo(req.description.clone()),
    )?;
    if money.freeze == Freeze::Frozen {
        money.frozen_fen += req.amount;
    }
    money.split_fen -= req.amount;
    assert!(money.split_fen >= 0, "a return never exceeds what was split");
    funds::store(tx, money);
    if let Some(r) = order.receivers.get_mut(index) {
        r.returned_fen += req.amount;
    }
    let record = ReturnRecord {
        return_no: return_no.clone(),
        order_id: order.order_id.clone(),
        out_return_no: req.out_return_no.clone(),
        return_mchid: req.return_mchid.clone(),
        amount_fen: req.amount,
        created_unix: now,
    };
    let ps = tx.area_mut::<ProfitSharing>();
    ps.orders.insert(order.order_id.clone(), order.clone());
    ps.returns_by_out_no.insert(key, return_no.clone());
    ps.returns.insert(return_no, record.clone());
    return_view(&order, &record)
}

fn return_view(order: &SplitOrder, r: &ReturnRecord) -> Result<ReturnOrder, ApiError> {
    Ok(ReturnOrder {
        sub_mchid: order.sub_mchid.clone(),
        order_id: order.order_id.clone(),
        out_order_no: order.out_order_no.clone(),
        out_return_no: r.out_return_no.clone(),
        return_no: r.return_no.clone(),
        return_mchid: r.return_mchid.clone(),
        amount: r.amount_fen,
        result: ReturnResult::Success,
        fail_reason: None,
        finish_time: Some(time(r.created_unix)?),
    })
}

async fn query_return_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxQuery(p): WxQuery<ReturnOrderParams>,
) -> Result<Json<ReturnOrder>, ApiError> {
    state
        .store()
        .transact(caller.tenant(), |tx| {
            let order =
                split_named(tx, &p.sub_mchid, p.order_id.as_deref(), p.out_order_no.as_deref())?;
            let ps = tx.area::<ProfitSharing>();
            let record = ps
                .returns_by_out_no
                .get(&(p.sub_mchid.clone(), p.out_return_no.clone()))
                .and_then(|no| ps.returns.get(no))
                .filter(|r| r.order_id == order.order_id)
                .cloned()
                .ok_or_else(|| ApiError::not_found("RESOURCE_NOT_EXISTS", "回退单不存在"))?;
            return_view(&order, &record)
        })
        .map(Json)
}

async fn add_receiver_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxJson(req): WxJson<AddReceiverRequest>,
) -> Result<Json<ReceiverResponse>, ApiError> {
    if let Some(name) = &req.encrypted_name {
        caller.decrypt_field("/encrypted_name", name)?;
    }
    state.store().transact(caller.tenant(), |tx| add_receiver(tx, &req)).map(Json)
}

/// Adds a receiver (adding it again answers the same).
///
/// # Errors
/// `400 PARAM_ERROR` (an appid not the platform's, a merchant receiver without a name or with
/// an account that is not a merchant id), `429 FREQUENCY_LIMITED` at 20 000 receivers.
pub(crate) fn add_receiver(
    tx: &mut Txn<'_>,
    req: &AddReceiverRequest,
) -> Result<ReceiverResponse, ApiError> {
    text("/appid", &req.appid, 32)?;
    text("/account", &req.account, 64)?;
    if !tx.tenant().appids().contains(&req.appid) {
        return Err(
            param("/appid", "is not an appid of this platform").with_value(req.appid.clone())
        );
    }
    if req.r#type == ReceiverType::MerchantId {
        let name = req.name.as_deref().ok_or_else(|| param("/name", "required for MERCHANT_ID"))?;
        text("/name", name, 256)?;
        if req.account.len() > 32 || !req.account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(param("/account", "a MERCHANT_ID receiver is a merchant id (digits)"));
        }
    }
    let key = (req.r#type.as_str().to_owned(), req.account.clone());
    let ps = tx.area_mut::<ProfitSharing>();
    if !ps.receivers.contains_key(&key) && ps.receivers.len() >= MAX_PLATFORM_RECEIVERS {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "FREQUENCY_LIMITED",
            "分账接收方过多",
        ));
    }
    ps.receivers.insert(key, req.name.clone());
    Ok(ReceiverResponse { r#type: req.r#type.clone(), account: req.account.clone() })
}

async fn delete_receiver_handler(
    caller: Caller,
    State(state): State<MockState>,
    WxJson(req): WxJson<DeleteReceiverRequest>,
) -> Result<Json<ReceiverResponse>, ApiError> {
    state
        .store()
        .transact(caller.tenant(), |tx| {
            text("/appid", &req.appid, 32)?;
            text("/account", &req.account, 64)?;
            let key = (req.r#type.as_str().to_owned(), req.account.clone());
            // Deleting a receiver that is not there answers the same: the call is idempotent.
            tx.area_mut::<ProfitSharing>().receivers.remove(&key);
            Ok(ReceiverResponse { r#type: req.r#type.clone(), account: req.account.clone() })
        })
        .map(Json)
}
