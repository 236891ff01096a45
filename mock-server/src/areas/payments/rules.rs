//! The field rules a prepay must meet, checked before any state is looked at (the SDK checks
//! the same rules client-side; the mock checks them again for raw requests), and the
//! fingerprint that recognises the same request sent again.
//!
//! Everything answers `400 PARAM_ERROR` naming the member by JSON pointer, except an appid
//! the platform is not bound to (`400 APPID_MCHID_NOT_MATCH`).

use axum::http::StatusCode;
use serde::Serialize;
use wechatpay_crypto::digest::sha256_hex;
use wechatpay_models::payments::{
    CombinePrepayRequest, H5Info, PartnerPrepayRequest, PrepayChannel,
};
use wechatpay_models::DateTime;

use crate::callbacks::check_notify_url;
use crate::error::{ApiError, Location};
use crate::tenant::Tenant;

/// The fewest and most sub-orders of a combined order.
pub(crate) const SUB_ORDERS: std::ops::RangeInclusive<usize> = 1..=50;

fn param(field: impl Into<String>, issue: impl Into<String>) -> ApiError {
    ApiError::param_error(field, Location::Body, issue)
}

/// Checks a combined prepay for `channel`, from `tenant` at `now_unix`.
///
/// # Errors
/// `400 PARAM_ERROR` / `400 APPID_MCHID_NOT_MATCH`.
pub(crate) fn combine_prepay(
    req: &CombinePrepayRequest,
    channel: PrepayChannel,
    tenant: &Tenant,
    now_unix: i64,
) -> Result<(), ApiError> {
    if let Some(field) = req.missing_for(channel) {
        return Err(param(field, format!("required by the {} channel", channel.path_segment())));
    }
    text("/combine_appid", &req.combine_appid, 1, 32)?;
    appid("/combine_appid", &req.combine_appid, tenant)?;
    signer("/combine_mchid", &req.combine_mchid, tenant)?;
    out_trade_no("/combine_out_trade_no", &req.combine_out_trade_no)?;
    if let Some(scene) = &req.scene_info {
        text("/scene_info/payer_client_ip", &scene.payer_client_ip, 1, 45)?;
        optional("/scene_info/device_id", scene.device_id.as_deref(), 16)?;
        if let Some(h5) = &scene.h5_info {
            h5_info(h5)?;
        }
    }
    if !SUB_ORDERS.contains(&req.sub_orders.len()) {
        return Err(param(
            "/sub_orders",
            format!(
                "a combined order has 1 to 50 sub-orders, this one has {}",
                req.sub_orders.len()
            ),
        )
        .with_value(req.sub_orders.len()));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, sub) in req.sub_orders.iter().enumerate() {
        let at = |member: &str| format!("/sub_orders/{i}/{member}");
        signer(&at("mchid"), &sub.mchid, tenant)?;
        text(&at("attach"), &sub.attach, 0, 128)?;
        positive(&at("amount/total_amount"), sub.amount.total_amount)?;
        currency(&at("amount/currency"), sub.amount.currency.as_str())?;
        out_trade_no(&at("out_trade_no"), &sub.out_trade_no)?;
        if !seen.insert(sub.out_trade_no.as_str()) {
            return Err(param(at("out_trade_no"), "each sub-order needs its own out_trade_no")
                .with_value(sub.out_trade_no.clone()));
        }
        text(&at("sub_mchid"), &sub.sub_mchid, 1, 32)?;
        text(&at("description"), &sub.description, 1, 127)?;
        optional(&at("goods_tag"), sub.goods_tag.as_deref(), 32)?;
        if let Some(sub_appid) = &sub.sub_appid {
            text(&at("sub_appid"), sub_appid, 1, 32)?;
            appid(&at("sub_appid"), sub_appid, tenant)?;
        }
        if sub.settle_info.as_ref().and_then(|s| s.subsidy_amount).is_some_and(|fen| fen < 0) {
            return Err(param(at("settle_info/subsidy_amount"), "must not be negative"));
        }
    }
    let total =
        req.sub_orders.iter().try_fold(0i64, |sum, s| sum.checked_add(s.amount.total_amount));
    if total.is_none() {
        return Err(param("/sub_orders", "the amounts add up to more than an int64"));
    }
    if let Some(payer) = &req.combine_payer_info {
        text("/combine_payer_info/openid", &payer.openid, 1, 128)?;
        optional("/combine_payer_info/sub_openid", payer.sub_openid.as_deref(), 128)?;
    }
    times(req.time_start.as_ref(), req.time_expire.as_ref(), now_unix)?;
    notify_url(&req.notify_url)
}

/// Checks a partner prepay for `channel`, from `tenant` at `now_unix`.
///
/// # Errors
/// `400 PARAM_ERROR` / `400 APPID_MCHID_NOT_MATCH`.
pub(crate) fn partner_prepay(
    req: &PartnerPrepayRequest,
    channel: PrepayChannel,
    tenant: &Tenant,
    now_unix: i64,
) -> Result<(), ApiError> {
    if let Some(field) = req.missing_for(channel) {
        return Err(param(field, format!("required by the {} channel", channel.path_segment())));
    }
    text("/sp_appid", &req.sp_appid, 1, 32)?;
    appid("/sp_appid", &req.sp_appid, tenant)?;
    signer("/sp_mchid", &req.sp_mchid, tenant)?;
    if let Some(sub_appid) = &req.sub_appid {
        text("/sub_appid", sub_appid, 1, 32)?;
        appid("/sub_appid", sub_appid, tenant)?;
    }
    text("/sub_mchid", &req.sub_mchid, 1, 32)?;
    text("/description", &req.description, 1, 127)?;
    out_trade_no("/out_trade_no", &req.out_trade_no)?;
    optional("/attach", req.attach.as_deref(), 128)?;
    optional("/goods_tag", req.goods_tag.as_deref(), 32)?;
    positive("/amount/total", req.amount.total)?;
    if let Some(c) = &req.amount.currency {
        currency("/amount/currency", c.as_str())?;
    }
    if let Some(payer) = &req.payer {
        match (&payer.sp_openid, &payer.sub_openid) {
            (Some(openid), None) => text("/payer/sp_openid", openid, 1, 128)?,
            (None, Some(openid)) => {
                text("/payer/sub_openid", openid, 1, 128)?;
                if req.sub_appid.is_none() {
                    return Err(param("/sub_appid", "required with payer.sub_openid"));
                }
            }
            _ => return Err(param("/payer", "give exactly one of sp_openid and sub_openid")),
        }
    }
    if let Some(scene) = &req.scene_info {
        text("/scene_info/payer_client_ip", &scene.payer_client_ip, 1, 45)?;
        optional("/scene_info/device_id", scene.device_id.as_deref(), 32)?;
        if let Some(h5) = &scene.h5_info {
            h5_info(h5)?;
        }
    }
    if let Some(sub) = &req.settle_info {
        if sub.subsidy_amount.is_some_and(|fen| fen < 0) {
            return Err(param("/settle_info/subsidy_amount", "must not be negative"));
        }
    }
    times(None, req.time_expire.as_ref(), now_unix)?;
    notify_url(&req.notify_url)
}

/// A digest of the request as parsed (unknown members dropped, members in a fixed order) and
/// its channel: equal for the same request sent again.
pub(crate) fn fingerprint<T: Serialize>(req: &T, channel: PrepayChannel) -> u128 {
    let mut bytes = serde_json::to_vec(req).unwrap_or_default();
    bytes.extend_from_slice(channel.path_segment().as_bytes());
    let hex = sha256_hex(&bytes);
    hex.get(..32).and_then(|h| u128::from_str_radix(h, 16).ok()).unwrap_or_default()
}

/// Whether `value` is 6–32 characters of `A-Z a-z 0-9 _ - | *`.
pub(crate) fn is_out_trade_no(value: &str) -> bool {
    (6..=32).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'|' | b'*'))
}

fn out_trade_no(field: &str, value: &str) -> Result<(), ApiError> {
    if is_out_trade_no(value) {
        return Ok(());
    }
    Err(param(field, "must be 6 to 32 characters of A-Z a-z 0-9 _ - | *")
        .with_value(value.to_owned()))
}

fn text(field: &str, value: &str, min: usize, max: usize) -> Result<(), ApiError> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(param(field, format!("must have {min} to {max} characters, has {n}")));
    }
    Ok(())
}

fn optional(field: &str, value: Option<&str>, max: usize) -> Result<(), ApiError> {
    value.map_or(Ok(()), |v| text(field, v, 0, max))
}

fn positive(field: &str, fen: i64) -> Result<(), ApiError> {
    if fen < 1 {
        return Err(param(field, "must be at least 1 (fen)").with_value(fen));
    }
    Ok(())
}

fn currency(field: &str, code: &str) -> Result<(), ApiError> {
    if code != "CNY" {
        return Err(param(field, "平台收付通 settles in CNY only").with_value(code.to_owned()));
    }
    Ok(())
}

fn h5_info(h5: &H5Info) -> Result<(), ApiError> {
    text("/scene_info/h5_info/type", &h5.r#type, 1, 32)?;
    optional("/scene_info/h5_info/app_name", h5.app_name.as_deref(), 64)?;
    optional("/scene_info/h5_info/app_url", h5.app_url.as_deref(), 128)?;
    optional("/scene_info/h5_info/bundle_id", h5.bundle_id.as_deref(), 128)?;
    optional("/scene_info/h5_info/package_name", h5.package_name.as_deref(), 128)
}

/// The platform must name itself: requests are signed by, and act for, that merchant.
fn signer(field: &str, mchid: &str, tenant: &Tenant) -> Result<(), ApiError> {
    if mchid != tenant.mchid() {
        return Err(param(
            field,
            format!("must be the merchant that signed the request ({})", tenant.mchid()),
        )
        .with_value(mchid.to_owned()));
    }
    Ok(())
}

fn appid(field: &str, appid: &str, tenant: &Tenant) -> Result<(), ApiError> {
    if tenant.appids().iter().any(|a| a == appid) {
        return Ok(());
    }
    Err(ApiError::new(StatusCode::BAD_REQUEST, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")
        .with_detail(wechatpay_models::error::ErrorDetail {
            field: Some(field.to_owned()),
            value: Some(appid.into()),
            issue: Some(format!(
                "{appid} is not bound to merchant {} (bound: {})",
                tenant.mchid(),
                tenant.appids().join(", ")
            )),
            location: Some(Location::Body.as_str().to_owned()),
            ..Default::default()
        }))
}

fn times(
    start: Option<&DateTime>,
    expire: Option<&DateTime>,
    now_unix: i64,
) -> Result<(), ApiError> {
    if let Some(expire) = expire {
        if expire.unix_timestamp() <= now_unix {
            return Err(param("/time_expire", "is already past").with_value(expire.to_string()));
        }
        if start.is_some_and(|s| s.unix_timestamp() >= expire.unix_timestamp()) {
            return Err(param("/time_expire", "must be after time_start"));
        }
    }
    Ok(())
}

fn notify_url(url: &str) -> Result<(), ApiError> {
    check_notify_url(url).map_err(ApiError::from)?;
    if url.contains('?') {
        return Err(
            param("/notify_url", "must not carry a query string").with_value(url.to_owned())
        );
    }
    Ok(())
}
