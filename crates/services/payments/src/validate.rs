//! Client-side checks of prepay requests, run before anything is signed or sent.
//!
//! They catch what WeChat Pay would refuse with `PARAM_ERROR` anyway (lengths, the
//! `out_trade_no` alphabet, 1–50 sub-orders, positive amounts, channel-specific members), so a
//! mistake costs no round trip and no half-created order. Each failure is a
//! [`BuildError::Invalid`] whose `field` is the member's JSON pointer (`/sub_orders/3/amount/total_amount`),
//! the same form WeChat Pay uses in `detail.field`.
//!
//! Lengths are counted in characters (Unicode scalar values), as the reference states them;
//! WeChat Pay's own limit on multi-byte text may be stricter.

use std::collections::HashSet;

use wechatpay_models::payments::{
    CombinePrepayRequest, CombineSceneInfo, H5Info, PartnerPrepayRequest, PartnerSceneInfo,
    PrepayChannel,
};
use wechatpay_models::DateTime;
use wechatpay_transport::BuildError;

/// The fewest sub-orders of a combined order.
pub const MIN_SUB_ORDERS: usize = 1;
/// The most sub-orders of a combined order (合单支付 supports 1–50 sub-merchant orders).
pub const MAX_SUB_ORDERS: usize = 50;
/// Shortest `out_trade_no` / `combine_out_trade_no`.
pub const OUT_TRADE_NO_MIN_CHARS: usize = 6;
/// Longest `out_trade_no` / `combine_out_trade_no`.
pub const OUT_TRADE_NO_MAX_CHARS: usize = 32;

/// Checks a combined prepay request for `channel`.
///
/// # Errors
/// [`BuildError::Invalid`] naming the first offending member by JSON pointer.
pub fn combine_prepay(
    req: &CombinePrepayRequest,
    channel: PrepayChannel,
) -> Result<(), BuildError> {
    if let Some(field) = req.missing_for(channel) {
        return Err(BuildError::invalid(field, required_for(channel)));
    }
    text("/combine_appid", &req.combine_appid, 1, 32)?;
    text("/combine_mchid", &req.combine_mchid, 1, 32)?;
    out_trade_no("/combine_out_trade_no", &req.combine_out_trade_no)?;
    if let Some(scene) = &req.scene_info {
        combine_scene(scene)?;
    }
    let count = req.sub_orders.len();
    if !(MIN_SUB_ORDERS..=MAX_SUB_ORDERS).contains(&count) {
        return Err(BuildError::invalid(
            "/sub_orders",
            format!(
                "a combined order has {MIN_SUB_ORDERS} to {MAX_SUB_ORDERS} sub-orders, not {count}"
            ),
        ));
    }
    let mut seen = HashSet::with_capacity(count);
    let mut sum_fen: i64 = 0;
    for (i, sub) in req.sub_orders.iter().enumerate() {
        let at = |member: &str| format!("/sub_orders/{i}/{member}");
        text(&at("mchid"), &sub.mchid, 1, 32)?;
        text(&at("attach"), &sub.attach, 0, 128)?;
        positive(&at("amount/total_amount"), sub.amount.total_amount)?;
        text(&at("amount/currency"), sub.amount.currency.as_str(), 1, 8)?;
        out_trade_no(&at("out_trade_no"), &sub.out_trade_no)?;
        if !seen.insert(sub.out_trade_no.as_str()) {
            return Err(BuildError::invalid(
                at("out_trade_no"),
                format!(
                    "`{}` appears twice; each sub-order needs its own out_trade_no",
                    sub.out_trade_no
                ),
            ));
        }
        text(&at("sub_mchid"), &sub.sub_mchid, 1, 32)?;
        text(&at("description"), &sub.description, 1, 127)?;
        optional(&at("goods_tag"), sub.goods_tag.as_deref(), 32)?;
        optional(&at("sub_appid"), sub.sub_appid.as_deref(), 32)?;
        if let Some(subsidy_fen) = sub.settle_info.as_ref().and_then(|s| s.subsidy_amount) {
            if subsidy_fen < 0 {
                return Err(BuildError::invalid(
                    at("settle_info/subsidy_amount"),
                    "must not be negative (fen)",
                ));
            }
        }
        sum_fen = sum_fen.checked_add(sub.amount.total_amount).ok_or_else(|| {
            BuildError::invalid(
                "/sub_orders",
                "the sub-order amounts add up to more than an i64 holds",
            )
        })?;
    }
    if let Some(payer) = &req.combine_payer_info {
        text("/combine_payer_info/openid", &payer.openid, 1, 128)?;
        optional("/combine_payer_info/sub_openid", payer.sub_openid.as_deref(), 128)?;
    }
    times(req.time_start.as_ref(), req.time_expire.as_ref())?;
    notify_url("/notify_url", &req.notify_url)
}

/// Checks a partner-mode prepay request for `channel`.
///
/// # Errors
/// [`BuildError::Invalid`] naming the first offending member by JSON pointer.
pub fn partner_prepay(
    req: &PartnerPrepayRequest,
    channel: PrepayChannel,
) -> Result<(), BuildError> {
    if let Some(field) = req.missing_for(channel) {
        return Err(BuildError::invalid(field, required_for(channel)));
    }
    text("/sp_appid", &req.sp_appid, 1, 32)?;
    text("/sp_mchid", &req.sp_mchid, 1, 32)?;
    optional("/sub_appid", req.sub_appid.as_deref(), 32)?;
    text("/sub_mchid", &req.sub_mchid, 1, 32)?;
    text("/description", &req.description, 1, 127)?;
    out_trade_no("/out_trade_no", &req.out_trade_no)?;
    optional("/attach", req.attach.as_deref(), 128)?;
    optional("/goods_tag", req.goods_tag.as_deref(), 32)?;
    positive("/amount/total", req.amount.total)?;
    if let Some(currency) = &req.amount.currency {
        text("/amount/currency", currency.as_str(), 1, 16)?;
    }
    if let Some(payer) = &req.payer {
        match (&payer.sp_openid, &payer.sub_openid) {
            (Some(openid), None) => text("/payer/sp_openid", openid, 1, 128)?,
            (None, Some(openid)) => {
                text("/payer/sub_openid", openid, 1, 128)?;
                if req.sub_appid.is_none() {
                    return Err(BuildError::invalid(
                        "/sub_appid",
                        "required with payer.sub_openid: the openid belongs to the sub-merchant's appid",
                    ));
                }
            }
            _ => return Err(BuildError::invalid(
                "/payer",
                "give exactly one of sp_openid (under sp_appid) and sub_openid (under sub_appid)",
            )),
        }
    }
    if let Some(detail) = &req.detail {
        optional("/detail/invoice_id", detail.invoice_id.as_deref(), 32)?;
        for (i, goods) in detail.goods_detail.iter().flatten().enumerate() {
            let at = |member: &str| format!("/detail/goods_detail/{i}/{member}");
            text(&at("merchant_goods_id"), &goods.merchant_goods_id, 1, 32)?;
            optional(&at("wechatpay_goods_id"), goods.wechatpay_goods_id.as_deref(), 32)?;
            optional(&at("goods_name"), goods.goods_name.as_deref(), 256)?;
            positive(&at("quantity"), goods.quantity)?;
        }
    }
    if let Some(scene) = &req.scene_info {
        partner_scene(scene)?;
    }
    times(None, req.time_expire.as_ref())?;
    notify_url("/notify_url", &req.notify_url)
}

/// Whether `value` is a valid `out_trade_no`: 6–32 characters of `A-Z a-z 0-9 _ - | *`.
pub fn is_out_trade_no(value: &str) -> bool {
    (OUT_TRADE_NO_MIN_CHARS..=OUT_TRADE_NO_MAX_CHARS).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'|' | b'*'))
}

fn required_for(channel: PrepayChannel) -> String {
    format!("required by the {} channel", channel.path_segment())
}

fn combine_scene(scene: &CombineSceneInfo) -> Result<(), BuildError> {
    text("/scene_info/payer_client_ip", &scene.payer_client_ip, 1, 45)?;
    optional("/scene_info/device_id", scene.device_id.as_deref(), 16)?;
    if let Some(h5) = &scene.h5_info {
        h5_info(h5)?;
    }
    Ok(())
}

fn partner_scene(scene: &PartnerSceneInfo) -> Result<(), BuildError> {
    text("/scene_info/payer_client_ip", &scene.payer_client_ip, 1, 45)?;
    optional("/scene_info/device_id", scene.device_id.as_deref(), 32)?;
    if let Some(store) = &scene.store_info {
        text("/scene_info/store_info/id", &store.id, 1, 32)?;
        optional("/scene_info/store_info/name", store.name.as_deref(), 256)?;
        optional("/scene_info/store_info/area_code", store.area_code.as_deref(), 32)?;
        optional("/scene_info/store_info/address", store.address.as_deref(), 512)?;
    }
    if let Some(h5) = &scene.h5_info {
        h5_info(h5)?;
    }
    Ok(())
}

fn h5_info(h5: &H5Info) -> Result<(), BuildError> {
    text("/scene_info/h5_info/type", &h5.r#type, 1, 32)?;
    optional("/scene_info/h5_info/app_name", h5.app_name.as_deref(), 64)?;
    optional("/scene_info/h5_info/app_url", h5.app_url.as_deref(), 128)?;
    optional("/scene_info/h5_info/bundle_id", h5.bundle_id.as_deref(), 128)?;
    optional("/scene_info/h5_info/package_name", h5.package_name.as_deref(), 128)
}

fn text(field: &str, value: &str, min_chars: usize, max_chars: usize) -> Result<(), BuildError> {
    let chars = value.chars().count();
    if chars < min_chars {
        let reason = if min_chars == 1 {
            "must not be empty".to_owned()
        } else {
            format!("must have at least {min_chars} characters, has {chars}")
        };
        return Err(BuildError::invalid(field, reason));
    }
    if chars > max_chars {
        return Err(BuildError::invalid(
            field,
            format!("must have at most {max_chars} characters, has {chars}"),
        ));
    }
    Ok(())
}

fn optional(field: &str, value: Option<&str>, max_chars: usize) -> Result<(), BuildError> {
    value.map_or(Ok(()), |v| text(field, v, 0, max_chars))
}

fn positive(field: &str, amount: i64) -> Result<(), BuildError> {
    if amount <= 0 {
        return Err(BuildError::invalid(field, format!("must be at least 1, is {amount}")));
    }
    Ok(())
}

fn out_trade_no(field: &str, value: &str) -> Result<(), BuildError> {
    if is_out_trade_no(value) {
        return Ok(());
    }
    Err(BuildError::invalid(
        field,
        format!(
            "`{value}` is not {OUT_TRADE_NO_MIN_CHARS}–{OUT_TRADE_NO_MAX_CHARS} characters of A-Z a-z 0-9 _ - | *"
        ),
    ))
}

fn times(start: Option<&DateTime>, expire: Option<&DateTime>) -> Result<(), BuildError> {
    if let (Some(start), Some(expire)) = (start, expire) {
        if expire.unix_timestamp() <= start.unix_timestamp() {
            return Err(BuildError::invalid("/time_expire", "must be after time_start"));
        }
    }
    Ok(())
}

fn notify_url(field: &str, url: &str) -> Result<(), BuildError> {
    text(field, url, 1, 256)?;
    // WeChat Pay requires https in production; plain http is let through for local receivers
    // such as a test server behind the mock.
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(BuildError::invalid(field, "must be an absolute https:// URL"));
    }
    if url.contains('?') {
        return Err(BuildError::invalid(field, "must not carry a query string"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_requests::{combine_request, partner_request};

    fn field(e: BuildError) -> String {
        match e {
            BuildError::Invalid { field, .. } => field,
            other => panic!("unexpected {other:?}"),
        }
    }

    // Proves a well-formed combined request passes for every channel it is complete for, and
    // the channel-specific members are required exactly where the API requires them.
    #[test]
    fn combine_channel_members() {
        let mut req = combine_request(2);
        for channel in PrepayChannel::ALL {
            assert!(combine_prepay(&req, channel).is_ok(), "{channel:?}");
        }
        req.combine_payer_info = None;
        assert_eq!(
            field(combine_prepay(&req, PrepayChannel::Jsapi).unwrap_err()),
            "/combine_payer_info"
        );
        assert!(combine_prepay(&req, PrepayChannel::Native).is_ok());
        req.scene_info.as_mut().unwrap().h5_info = None;
        assert_eq!(
            field(combine_prepay(&req, PrepayChannel::H5).unwrap_err()),
            "/scene_info/h5_info"
        );
    }

    // Proves the sub-order count must be 1 to 50 inclusive.
    #[test]
    fn combine_sub_order_count() {
        assert!(combine_prepay(&combine_request(1), PrepayChannel::App).is_ok());
        assert!(combine_prepay(&combine_request(50), PrepayChannel::App).is_ok());
        assert_eq!(
            field(combine_prepay(&combine_request(51), PrepayChannel::App).unwrap_err()),
            "/sub_orders"
        );
        assert_eq!(
            field(combine_prepay(&combine_request(0), PrepayChannel::App).unwrap_err()),
            "/sub_orders"
        );
    }

    // Proves duplicate sub-order numbers, non-positive amounts, bad numbers, over-long text,
    // negative subsidies and bad notify URLs are each named by their JSON pointer.
    #[test]
    fn combine_member_rules() {
        let check = |f: &dyn Fn(&mut CombinePrepayRequest)| {
            let mut req = combine_request(3);
            f(&mut req);
            field(combine_prepay(&req, PrepayChannel::Jsapi).unwrap_err())
        };
        assert_eq!(
            check(&|r| r.sub_orders[2].out_trade_no = r.sub_orders[0].out_trade_no.clone()),
            "/sub_orders/2/out_trade_no"
        );
        assert_eq!(
            check(&|r| r.sub_orders[1].amount.total_amount = 0),
            "/sub_orders/1/amount/total_amount"
        );
        assert_eq!(
            check(&|r| r.sub_orders[1].amount.total_amount = -5),
            "/sub_orders/1/amount/total_amount"
        );
        assert_eq!(
            check(&|r| r.sub_orders[0].out_trade_no = "abc".into()),
            "/sub_orders/0/out_trade_no"
        );
        assert_eq!(
            check(&|r| r.sub_orders[0].out_trade_no = "T2026 0001".into()),
            "/sub_orders/0/out_trade_no"
        );
        assert_eq!(check(&|r| r.combine_out_trade_no = "C".repeat(33)), "/combine_out_trade_no");
        assert_eq!(
            check(&|r| r.sub_orders[0].description = "商".repeat(128)),
            "/sub_orders/0/description"
        );
        assert_eq!(
            check(&|r| r.sub_orders[0].description = String::new()),
            "/sub_orders/0/description"
        );
        assert_eq!(check(&|r| r.sub_orders[0].attach = "a".repeat(129)), "/sub_orders/0/attach");
        assert_eq!(
            check(&|r| r.sub_orders[0].settle_info.as_mut().unwrap().subsidy_amount = Some(-1)),
            "/sub_orders/0/settle_info/subsidy_amount"
        );
        assert_eq!(check(&|r| r.notify_url = "ftp://x/y".into()), "/notify_url");
        assert_eq!(check(&|r| r.notify_url = "https://x/y?a=1".into()), "/notify_url");
        assert_eq!(
            check(&|r| r.combine_payer_info.as_mut().unwrap().openid = "o".repeat(129)),
            "/combine_payer_info/openid"
        );
        assert_eq!(
            check(&|r| {
                r.sub_orders[0].amount.total_amount = i64::MAX;
                r.sub_orders[1].amount.total_amount = 1;
            }),
            "/sub_orders"
        );
        assert_eq!(
            check(&|r| r.time_expire = Some(DateTime::parse("2025-01-01T09:00:00+08:00").unwrap())),
            "/time_expire"
        );
        // Descriptions are counted in characters: 127 Chinese characters are fine.
        assert!(combine_prepay(
            &{
                let mut r = combine_request(1);
                r.sub_orders[0].description = "商".repeat(127);
                r
            },
            PrepayChannel::Jsapi
        )
        .is_ok());
    }

    // Proves partner requests need exactly one openid for JSAPI, sub_appid with sub_openid,
    // and positive amounts.
    #[test]
    fn partner_rules() {
        let req = partner_request();
        for channel in PrepayChannel::ALL {
            assert!(partner_prepay(&req, channel).is_ok(), "{channel:?}");
        }
        let check = |f: &dyn Fn(&mut PartnerPrepayRequest), channel| {
            let mut r = partner_request();
            f(&mut r);
            field(partner_prepay(&r, channel).unwrap_err())
        };
        assert_eq!(check(&|r| r.payer = None, PrepayChannel::Jsapi), "/payer");
        assert_eq!(
            check(
                &|r| r.payer.as_mut().unwrap().sub_openid = Some("o2".into()),
                PrepayChannel::Jsapi
            ),
            "/payer"
        );
        assert_eq!(
            check(
                &|r| {
                    let p = r.payer.as_mut().unwrap();
                    p.sub_openid = p.sp_openid.take();
                    r.sub_appid = None;
                },
                PrepayChannel::Jsapi
            ),
            "/sub_appid"
        );
        assert_eq!(check(&|r| r.amount.total = 0, PrepayChannel::Native), "/amount/total");
        assert_eq!(
            check(&|r| r.out_trade_no = "12345".into(), PrepayChannel::App),
            "/out_trade_no"
        );
        assert_eq!(check(&|r| r.scene_info = None, PrepayChannel::H5), "/scene_info/h5_info");
        assert_eq!(
            check(
                &|r| r.scene_info.as_mut().unwrap().payer_client_ip = String::new(),
                PrepayChannel::H5
            ),
            "/scene_info/payer_client_ip"
        );
    }

    // Proves the out_trade_no alphabet and length bounds.
    #[test]
    fn out_trade_no_alphabet() {
        for ok in ["123456", "A-b_c|d*", &"9".repeat(32)] {
            assert!(is_out_trade_no(ok), "{ok}");
        }
        for bad in ["12345", &"9".repeat(33), "abc def", "订单号123456", "abc/def", "abc.def"] {
            assert!(!is_out_trade_no(bad), "{bad}");
        }
    }
}
