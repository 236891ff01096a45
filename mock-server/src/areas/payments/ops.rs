//! Operations on the payments area inside a store transaction, shared by the API handlers and
//! the admin API: creating (or finding again) a payment, finding one by any of its numbers,
//! and the payer's moves.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::http::StatusCode;
use serde::Deserialize;
use wechatpay_models::payments::PrepayChannel;

use super::limits;
use super::machine::Event;
use super::magic::Magic;
use super::{
    settle, trade_key, views, Kind, OrganizationTypeCode, Payment, PaymentId, Payments, Status,
    Trade, TradeRef, MAX_TRADES,
};
use crate::areas::oauth::OAuth;
use crate::areas::settlement::Settlements;
use crate::error::{ApiError, Location};
use crate::policy::{Pending, TimingProfile};
use crate::store::Txn;

/// A payment to create, as a prepay request describes it (checked by [`super::rules`]).
#[derive(Clone, Debug)]
pub(crate) struct Draft {
    pub(crate) kind: Kind,
    pub(crate) channel: PrepayChannel,
    pub(crate) notify_url: String,
    pub(crate) fingerprint: u128,
    pub(crate) time_expire_unix: Option<i64>,
    pub(crate) magic: Option<Magic>,
    pub(crate) trades: Vec<Trade>,
}

/// What a prepay comes to.
#[derive(Debug)]
pub(crate) enum Prepay {
    /// The payment exists (new, or the same request again): its `prepay_id`.
    Ready(String),
    /// Magic amount 1.05: answer this error, keeping the note that it was answered once.
    FailOnce(ApiError),
}

fn out_trade_no_used(field: String, issue: &str) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "OUT_TRADE_NO_USED", "商户订单号重复").with_detail(
        wechatpay_models::error::ErrorDetail {
            field: Some(field),
            issue: Some(issue.to_owned()),
            location: Some(Location::Body.as_str().to_owned()),
            ..Default::default()
        },
    )
}

/// Creates the payment `draft` describes, or answers the existing one for the same request.
///
/// # Errors
/// `403 NO_AUTH` (a sub-merchant not onboarded under this platform), `500 OPENID_MISMATCH`,
/// `403 OUT_TRADE_NO_USED`, `400 ORDER_CLOSED`, `403 RULE_LIMIT` (collection limit), the magic
/// amounts' errors, `429 FREQUENCY_LIMITED` when the tenant is full.
pub(crate) fn prepay(
    tx: &mut Txn<'_>,
    draft: Draft,
    profile: TimingProfile,
) -> Result<Prepay, ApiError> {
    let now = tx.now_unix();
    for (i, t) in draft.trades.iter().enumerate() {
        if !tx.is_sub_merchant(&t.sub_mchid) {
            let field = if matches!(draft.kind, Kind::Combine { .. }) {
                format!("/sub_orders/{i}/sub_mchid")
            } else {
                "/sub_mchid".to_owned()
            };
            return Err(ApiError::no_auth("商户无权限: 二级商户未入驻本平台或未完成入驻")
                .with_detail(wechatpay_models::error::ErrorDetail {
                    field: Some(field),
                    value: Some(t.sub_mchid.clone().into()),
                    issue: Some(format!(
                        "{} is not a sub-merchant of platform {} that finished onboarding",
                        t.sub_mchid,
                        tx.tenant().mchid()
                    )),
                    location: Some(Location::Body.as_str().to_owned()),
                    ..Default::default()
                }));
        }
    }
    openids_match(tx, &draft)?;

    let existing = {
        let p = tx.area::<Payments>();
        match &draft.kind {
            Kind::Combine { combine_out_trade_no, .. } => p.combine_id(combine_out_trade_no),
            Kind::Partner { .. } => draft
                .trades
                .first()
                .and_then(|t| p.trade_ref(&t.sub_mchid, &t.out_trade_no))
                .map(|r| r.payment),
        }
    };
    if let Some(id) = existing {
        settle::catch_up(tx, id, profile)?;
        let p = tx.area::<Payments>();
        let payment = p
            .payments
            .get(&id)
            .ok_or_else(|| ApiError::system_error("an index names no payment"))?;
        let field = match draft.kind {
            Kind::Combine { .. } => "/combine_out_trade_no",
            Kind::Partner { .. } => "/out_trade_no",
        };
        if payment.is_combine() != matches!(draft.kind, Kind::Combine { .. }) {
            return Err(out_trade_no_used(
                field.into(),
                "the number belongs to another kind of order",
            ));
        }
        return match &payment.status {
            Status::Closed { .. } => Err(ApiError::new(StatusCode::BAD_REQUEST, "ORDER_CLOSED", "订单已关闭")),
            Status::Success { .. } => Err(out_trade_no_used(field.into(), "the order is paid already")),
            _ if payment.fingerprint != draft.fingerprint => Err(out_trade_no_used(
                field.into(),
                "an order with this number exists with other parameters (or another channel); send the same request or use a new number",
            )),
            _ => Ok(Prepay::Ready(payment.prepay_id.clone())),
        };
    }

    {
        let p = tx.area::<Payments>();
        for (i, t) in draft.trades.iter().enumerate() {
            if p.trade_ref(&t.sub_mchid, &t.out_trade_no).is_some() {
                let field = match draft.kind {
                    Kind::Combine { .. } => format!("/sub_orders/{i}/out_trade_no"),
                    Kind::Partner { .. } => "/out_trade_no".to_owned(),
                };
                return Err(out_trade_no_used(
                    field,
                    "sub-merchant already has an order with this out_trade_no",
                ));
            }
        }
        if p.by_trade.len().saturating_add(draft.trades.len()) > MAX_TRADES {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "FREQUENCY_LIMITED",
                format!("the mock holds {MAX_TRADES} orders for this platform; reset the tenant"),
            ));
        }
    }
    if let Some(magic) = draft.magic {
        if let Some(e) = magic.prepay_error() {
            return Err(e);
        }
        if magic == Magic::SystemErrorOnce
            && tx.area_mut::<Payments>().failed_once.insert(draft.fingerprint).is_none()
        {
            return Ok(Prepay::FailOnce(Magic::once_error()));
        }
    }
    check_limits(tx, &draft.trades, profile)?;

    let p = tx.area_mut::<Payments>();
    let id = p.next_seq();
    let prepay_id = views::prepay_id(now, id);
    for (index, t) in draft.trades.iter().enumerate() {
        p.by_trade
            .insert(trade_key(&t.sub_mchid, &t.out_trade_no), TradeRef { payment: id, index });
    }
    if let Kind::Combine { combine_out_trade_no, .. } = &draft.kind {
        p.by_combine.insert(Arc::from(combine_out_trade_no.as_str()), id);
    }
    let magic = draft.magic.filter(|m| m.acts_on_order());
    p.payments.insert(
        id,
        Arc::new(Payment {
            id,
            kind: draft.kind,
            channel: draft.channel,
            notify_url: draft.notify_url,
            fingerprint: draft.fingerprint,
            prepay_id: prepay_id.clone(),
            created_unix: now,
            time_expire_unix: draft.time_expire_unix,
            status: Status::NotPay,
            pending: Pending::new(now),
            magic,
            trades: draft.trades,
        }),
    );
    Ok(Prepay::Ready(prepay_id))
}

/// A prepay that would take a sub-merchant's collections today over its limit is refused.
fn check_limits(
    tx: &mut Txn<'_>,
    trades: &[Trade],
    profile: TimingProfile,
) -> Result<(), ApiError> {
    let now = tx.now_unix();
    let mut per_sub: BTreeMap<String, i64> = BTreeMap::new();
    for t in trades {
        let sum = per_sub.entry(t.sub_mchid.clone()).or_default();
        *sum = sum.saturating_add(t.amount_fen);
    }
    for (sub_mchid, amount_fen) in per_sub {
        let kind = organization_type(tx, &sub_mchid, profile);
        let tally = tx.area::<Payments>().tallies.get(&sub_mchid).copied().unwrap_or_default();
        limits::check(&sub_mchid, &kind.0, tally, now, amount_fen, false)?;
    }
    Ok(())
}

/// The subject type of `sub_mchid`: set through the admin API; else the one it was onboarded
/// with (the settlement area keeps it for sub-merchants onboarded through an application);
/// else the area's default (seeded sub-merchants).
pub(crate) fn organization_type(
    tx: &mut Txn<'_>,
    sub_mchid: &str,
    profile: TimingProfile,
) -> OrganizationTypeCode {
    if let Some(code) = tx.area::<Payments>().subjects.get(sub_mchid) {
        return code.clone();
    }
    let now = tx.now_unix();
    // `refresh` is the settlement area's only accessor; it also applies what became due there,
    // exactly as a settlement query would.
    let onboarded =
        tx.area_mut::<Settlements>().refresh(sub_mchid, now, profile).organization_type.clone();
    match onboarded {
        Some(t) => OrganizationTypeCode(t.as_str().to_owned()),
        None => tx.area::<Payments>().settings.default_organization_type.clone(),
    }
}

/// An openid the mock issued (OAuth area) must be used under the appid it was issued for.
fn openids_match(tx: &mut Txn<'_>, draft: &Draft) -> Result<(), ApiError> {
    let pairs: Vec<(&str, Option<&str>, Option<&str>)> = match &draft.kind {
        Kind::Partner { sp_appid, sub_appid, sp_openid, sub_openid, .. } => vec![
            ("/payer/sp_openid", Some(sp_appid.as_str()), sp_openid.as_deref()),
            ("/payer/sub_openid", sub_appid.as_deref(), sub_openid.as_deref()),
        ],
        Kind::Combine { combine_appid, openid, .. } => {
            vec![("/combine_payer_info/openid", Some(combine_appid.as_str()), openid.as_deref())]
        }
    };
    let oauth = tx.area::<OAuth>();
    for (field, appid, openid) in pairs {
        let (Some(appid), Some(openid)) = (appid, openid) else { continue };
        if let Some(issued_for) = oauth.appid_of(openid) {
            if issued_for != appid {
                return Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "OPENID_MISMATCH", "openid和appid不匹配")
                    .with_detail(wechatpay_models::error::ErrorDetail {
                        field: Some(field.to_owned()),
                        issue: Some(format!("this openid belongs to appid {issued_for}, the order is paid under {appid}")),
                        location: Some(Location::Body.as_str().to_owned()),
                        ..Default::default()
                    }));
            }
        }
    }
    Ok(())
}

/// How the admin API names a payment: any one of its numbers.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrderRef {
    /// The tenant (the first one when absent).
    pub(crate) mchid: Option<String>,
    pub(crate) combine_out_trade_no: Option<String>,
    /// With `out_trade_no`.
    pub(crate) sub_mchid: Option<String>,
    pub(crate) out_trade_no: Option<String>,
    pub(crate) transaction_id: Option<String>,
    pub(crate) prepay_id: Option<String>,
    /// An `h5_url` or `code_url` this mock handed out.
    pub(crate) url: Option<String>,
}

impl OrderRef {
    /// The payment named, in `p`.
    ///
    /// # Errors
    /// `400 PARAM_ERROR` when no number is given; `404 ORDER_NOT_EXIST`.
    pub(crate) fn find(&self, p: &Payments) -> Result<PaymentId, ApiError> {
        let found = if let Some(no) = &self.combine_out_trade_no {
            p.combine_id(no)
        } else if let (Some(sub), Some(no)) = (&self.sub_mchid, &self.out_trade_no) {
            p.trade_by_out_trade_no(sub, no).map(|(payment, _)| payment.id)
        } else if let Some(id) = &self.transaction_id {
            p.trade_by_transaction_id(id).map(|(payment, _)| payment.id)
        } else if let Some(id) =
            self.prepay_id.as_deref().or_else(|| self.url.as_deref().and_then(views::prepay_id_in))
        {
            p.payment_by_prepay_id(id).map(|payment| payment.id)
        } else {
            return Err(ApiError::param_error(
                "/",
                Location::Body,
                "name the order: combine_out_trade_no, sub_mchid + out_trade_no, transaction_id, prepay_id or url",
            ));
        };
        found.ok_or_else(|| ApiError::not_found("ORDER_NOT_EXIST", "订单不存在"))
    }
}

/// A payer's move through the admin API: brings the payment up to date (expiry), then applies
/// `event`.
///
/// # Errors
/// As [`settle::apply`].
pub(crate) fn act(
    tx: &mut Txn<'_>,
    id: PaymentId,
    event: Event,
    profile: TimingProfile,
) -> Result<(), ApiError> {
    settle::catch_up(tx, id, profile)?;
    settle::apply(tx, id, event, profile)
}

/// The payment as the admin API shows it.
pub(crate) fn admin_view(payment: &Payment) -> serde_json::Value {
    let (kind, order) = match (views::partner(payment), views::combine(payment)) {
        (Some(p), _) => ("partner", serde_json::to_value(p).unwrap_or_default()),
        (None, Some(c)) => ("combine", serde_json::to_value(c).unwrap_or_default()),
        (None, None) => ("unknown", serde_json::Value::Null),
    };
    serde_json::json!({
        "payment_id": payment.id,
        "kind": kind,
        "channel": payment.channel.path_segment(),
        "trade_state": payment.status.trade_state().as_str(),
        "trade_state_desc": payment.status.desc(),
        "prepay_id": payment.prepay_id,
        "notify_url": payment.notify_url,
        "created_unix": payment.created_unix,
        "time_expire_unix": payment.time_expire_unix,
        "total_fen": payment.total_fen(),
        "fees_fen": payment.trades.iter().map(|t| t.fee_fen).sum::<i64>(),
        "order": order,
    })
}
