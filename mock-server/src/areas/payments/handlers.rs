//! The HTTP handlers of the payments area: parse, check the rules, then one store
//! transaction each.

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use wechatpay_models::payments::{
    CombineCloseRequest, CombinePrepayRequest, CombineTransaction, PartnerCloseRequest,
    PartnerPrepayRequest, PartnerQueryParams, PartnerTransaction, PrepayChannel,
};

use super::machine::{Event, Status};
use super::magic::Magic;
use super::ops::{self, Draft, Prepay};
use super::{rules, settle, views, Kind, PaymentId, Payments, Trade};
use crate::error::{ApiError, Location};
use crate::extract::{WxJson, WxPath, WxQuery};
use crate::protocol::Caller;
use crate::state::MockState;
use crate::store::Txn;

fn not_exist() -> ApiError {
    ApiError::not_found("ORDER_NOT_EXIST", "订单不存在")
}

macro_rules! prepay_handlers {
    ($($name:ident => $prepay:ident, $req:ty, $channel:expr;)+) => {$(
        pub(super) async fn $name(
            caller: Caller,
            State(state): State<MockState>,
            WxJson(req): WxJson<$req>,
        ) -> Result<Response, ApiError> {
            $prepay(&caller, &state, req, $channel)
        }
    )+};
}

prepay_handlers! {
    combine_jsapi => combine_prepay, CombinePrepayRequest, PrepayChannel::Jsapi;
    combine_app => combine_prepay, CombinePrepayRequest, PrepayChannel::App;
    combine_h5 => combine_prepay, CombinePrepayRequest, PrepayChannel::H5;
    combine_native => combine_prepay, CombinePrepayRequest, PrepayChannel::Native;
    partner_jsapi => partner_prepay, PartnerPrepayRequest, PrepayChannel::Jsapi;
    partner_app => partner_prepay, PartnerPrepayRequest, PrepayChannel::App;
    partner_h5 => partner_prepay, PartnerPrepayRequest, PrepayChannel::H5;
    partner_native => partner_prepay, PartnerPrepayRequest, PrepayChannel::Native;
}

fn answer(state: &MockState, caller: &Caller, draft: Draft) -> Result<Response, ApiError> {
    let channel = draft.channel;
    let profile = state.timing();
    match state.store().transact(caller.tenant(), |tx| ops::prepay(tx, draft, profile))? {
        Prepay::Ready(prepay_id) => {
            Ok(Json(views::prepay_answer(channel, &prepay_id)).into_response())
        }
        Prepay::FailOnce(e) => Err(e),
    }
}

fn combine_prepay(
    caller: &Caller,
    state: &MockState,
    req: CombinePrepayRequest,
    channel: PrepayChannel,
) -> Result<Response, ApiError> {
    rules::combine_prepay(&req, channel, caller.tenant(), caller.now_unix())?;
    let fingerprint = rules::fingerprint(&req, channel);
    let magic = Magic::first(req.sub_orders.iter().map(|s| s.amount.total_amount));
    let trades = req
        .sub_orders
        .into_iter()
        .map(|s| {
            let settle = s.settle_info.unwrap_or_default();
            Trade {
                mchid: s.mchid,
                sub_mchid: s.sub_mchid,
                out_trade_no: s.out_trade_no,
                sub_appid: s.sub_appid,
                description: s.description,
                attach: Some(s.attach),
                amount_fen: s.amount.total_amount,
                profit_sharing: settle.profit_sharing.unwrap_or(false),
                subsidy_fen: settle.subsidy_amount,
                transaction_id: None,
                fee_fen: 0,
                refund_started: false,
            }
        })
        .collect();
    let (openid, sub_openid) =
        req.combine_payer_info.map_or((None, None), |p| (Some(p.openid), p.sub_openid));
    let draft = Draft {
        kind: Kind::Combine {
            combine_appid: req.combine_appid,
            combine_out_trade_no: req.combine_out_trade_no,
            openid,
            sub_openid,
            device_id: req.scene_info.and_then(|s| s.device_id),
        },
        channel,
        notify_url: req.notify_url,
        fingerprint,
        time_expire_unix: req.time_expire.map(|t| t.unix_timestamp()),
        magic,
        trades,
    };
    answer(state, caller, draft)
}

fn partner_prepay(
    caller: &Caller,
    state: &MockState,
    req: PartnerPrepayRequest,
    channel: PrepayChannel,
) -> Result<Response, ApiError> {
    let draft = partner_draft(req, channel, caller.tenant(), caller.now_unix())?;
    answer(state, caller, draft)
}

/// Checks a partner prepay of `tenant` at `now_unix` ([`rules::partner_prepay`]) and turns it
/// into the payment to create ([`ops::prepay`] takes it inside a transaction).
///
/// # Errors
/// As [`rules::partner_prepay`].
pub(crate) fn partner_draft(
    req: PartnerPrepayRequest,
    channel: PrepayChannel,
    tenant: &crate::tenant::Tenant,
    now_unix: i64,
) -> Result<Draft, ApiError> {
    rules::partner_prepay(&req, channel, tenant, now_unix)?;
    let fingerprint = rules::fingerprint(&req, channel);
    let settle = req.settle_info.unwrap_or_default();
    let (sp_openid, sub_openid) = req.payer.map_or((None, None), |p| (p.sp_openid, p.sub_openid));
    let draft = Draft {
        kind: Kind::Partner {
            sp_appid: req.sp_appid,
            sub_appid: req.sub_appid.clone(),
            sp_openid,
            sub_openid,
            device_id: req.scene_info.and_then(|s| s.device_id),
        },
        channel,
        notify_url: req.notify_url,
        fingerprint,
        time_expire_unix: req.time_expire.map(|t| t.unix_timestamp()),
        magic: Magic::for_amount(req.amount.total),
        trades: vec![Trade {
            mchid: req.sp_mchid,
            sub_mchid: req.sub_mchid,
            out_trade_no: req.out_trade_no,
            sub_appid: req.sub_appid,
            description: req.description,
            attach: req.attach,
            amount_fen: req.amount.total,
            profit_sharing: settle.profit_sharing.unwrap_or(false),
            subsidy_fen: settle.subsidy_amount,
            transaction_id: None,
            fee_fen: 0,
            refund_started: false,
        }],
    };
    Ok(draft)
}

pub(super) async fn combine_query(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(combine_out_trade_no): WxPath<String>,
) -> Result<Json<CombineTransaction>, ApiError> {
    let profile = state.timing();
    state.store().transact(caller.tenant(), |tx| {
        let id = tx.area::<Payments>().combine_id(&combine_out_trade_no).ok_or_else(not_exist)?;
        settle::on_query(tx, id, profile)?;
        tx.area::<Payments>().get(id).and_then(views::combine).map(Json).ok_or_else(not_exist)
    })
}

pub(super) async fn combine_close(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(combine_out_trade_no): WxPath<String>,
    WxJson(req): WxJson<CombineCloseRequest>,
) -> Result<StatusCode, ApiError> {
    let profile = state.timing();
    state.store().transact(caller.tenant(), |tx| {
        let id = tx.area::<Payments>().combine_id(&combine_out_trade_no).ok_or_else(not_exist)?;
        {
            let p = tx.area::<Payments>();
            let payment = p.get(id).ok_or_else(not_exist)?;
            if payment.appid() != req.combine_appid {
                return Err(ApiError::param_error("/combine_appid", Location::Body, "is not the combine_appid of the order")
                    .with_value(req.combine_appid.clone()));
            }
            let listed: BTreeSet<(&str, &str, &str)> =
                req.sub_orders.iter().map(|s| (s.mchid.as_str(), s.sub_mchid.as_str(), s.out_trade_no.as_str())).collect();
            let actual: BTreeSet<(&str, &str, &str)> = payment
                .trades
                .iter()
                .map(|t| (t.mchid.as_str(), t.sub_mchid.as_str(), t.out_trade_no.as_str()))
                .collect();
            if listed != actual || req.sub_orders.len() != payment.trades.len() {
                return Err(ApiError::param_error(
                    "/sub_orders",
                    Location::Body,
                    format!(
                        "must list every sub-order of the combined order exactly once ({} sub-orders; a partial close is not supported)",
                        payment.trades.len()
                    ),
                ));
            }
        }
        close(tx, id, profile)
    })
}

/// Closes payment `id`; one that `time_expire` already closed is closed, so that is a success.
pub(crate) fn close(
    tx: &mut Txn<'_>,
    id: PaymentId,
    profile: crate::policy::TimingProfile,
) -> Result<StatusCode, ApiError> {
    settle::catch_up(tx, id, profile)?;
    let expired =
        tx.area::<Payments>().get(id).is_some_and(|p| p.status == Status::Closed { expired: true });
    if !expired {
        settle::apply(tx, id, Event::Close, profile)?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The partner payment of `sub_mchid` a query names, after checking `sp_mchid`.
fn partner_payment(
    caller: &Caller,
    p: &Payments,
    params: &PartnerQueryParams,
    found: Option<super::TradeRef>,
) -> Result<PaymentId, ApiError> {
    if params.sp_mchid != caller.mchid() {
        return Err(ApiError::param_error(
            "sp_mchid",
            Location::Query,
            format!("must be the merchant that signed the request ({})", caller.mchid()),
        )
        .with_value(params.sp_mchid.clone()));
    }
    let r = found.ok_or_else(not_exist)?;
    match p.trade(r) {
        Some((payment, trade)) if !payment.is_combine() && trade.sub_mchid == params.sub_mchid => {
            Ok(r.payment)
        }
        _ => Err(not_exist()),
    }
}

fn partner_query(
    caller: &Caller,
    state: &MockState,
    params: &PartnerQueryParams,
    find: impl FnOnce(&Payments) -> Option<super::TradeRef>,
) -> Result<Json<PartnerTransaction>, ApiError> {
    let profile = state.timing();
    state.store().transact(caller.tenant(), |tx| {
        let id = {
            let p = tx.area::<Payments>();
            let found = find(p);
            partner_payment(caller, p, params, found)?
        };
        settle::on_query(tx, id, profile)?;
        tx.area::<Payments>().get(id).and_then(views::partner).map(Json).ok_or_else(not_exist)
    })
}

pub(super) async fn partner_query_by_id(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(transaction_id): WxPath<String>,
    WxQuery(params): WxQuery<PartnerQueryParams>,
) -> Result<Json<PartnerTransaction>, ApiError> {
    partner_query(&caller, &state, &params, |p| {
        p.trade_by_transaction_id(&transaction_id)
            .and(views::trade_in_transaction_id(&transaction_id))
    })
}

pub(super) async fn partner_query_by_out_trade_no(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(out_trade_no): WxPath<String>,
    WxQuery(params): WxQuery<PartnerQueryParams>,
) -> Result<Json<PartnerTransaction>, ApiError> {
    let key = super::trade_key(&params.sub_mchid, &out_trade_no);
    partner_query(&caller, &state, &params, |p| p.by_trade.get(&*key).copied())
}

pub(super) async fn partner_close(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(out_trade_no): WxPath<String>,
    WxJson(req): WxJson<PartnerCloseRequest>,
) -> Result<StatusCode, ApiError> {
    if req.sp_mchid != caller.mchid() {
        return Err(ApiError::param_error(
            "/sp_mchid",
            Location::Body,
            format!("must be the merchant that signed the request ({})", caller.mchid()),
        )
        .with_value(req.sp_mchid));
    }
    let profile = state.timing();
    let params = PartnerQueryParams { sp_mchid: req.sp_mchid, sub_mchid: req.sub_mchid };
    let key = super::trade_key(&params.sub_mchid, &out_trade_no);
    state.store().transact(caller.tenant(), |tx| {
        let id = {
            let p = tx.area::<Payments>();
            let found = p.by_trade.get(&*key).copied();
            partner_payment(&caller, p, &params, found)?
        };
        close(tx, id, profile)
    })
}
