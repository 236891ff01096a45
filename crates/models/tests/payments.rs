//! Payment (合单支付 / 普通支付) request and response types against real and realistic bodies.

#![cfg(feature = "payments")]

mod support;

use support::{query_round_trip, round_trip, signature_vector_body};
use wechatpay_models::amount::Currency;
use wechatpay_models::payments::*;
use wechatpay_models::sensitive::SensitiveFields;

// Proves the combined JSAPI order of signature vector S07 parses, keeps every member when
// written back, and is complete for the JSAPI channel.
#[test]
fn s07_combine_jsapi_body_round_trips() {
    let request: CombinePrepayRequest = round_trip(&signature_vector_body("S07"));
    assert_eq!(request.combine_out_trade_no, "P20150806125346");
    assert_eq!(request.sub_orders.len(), 2);
    let first = &request.sub_orders[0];
    assert_eq!(first.amount.total_amount, 10);
    assert_eq!(first.amount.currency, Currency::Cny);
    let settle = first.settle_info.as_ref().unwrap();
    assert_eq!(settle.profit_sharing, Some(false));
    assert_eq!(settle.subsidy_amount, Some(0));
    assert_eq!(request.combine_payer_info.as_ref().unwrap().openid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    assert_eq!(request.time_expire.unwrap().to_string(), "2025-01-01T12:00:00+08:00");
    assert_eq!(request.missing_for(PrepayChannel::Jsapi), None);
    // Without h5_info the same body is not a valid H5 request.
    assert_eq!(request.missing_for(PrepayChannel::H5), Some("/scene_info/h5_info"));
    assert!(CombinePrepayRequest::SENSITIVE_FIELDS.is_empty());
}

// Proves the partner JSAPI order of S05 (compact JSON) and S06 (python json.dumps style, \u
// escapes) parse to the same request, and S05 writes back unchanged.
#[test]
fn s05_s06_partner_jsapi_bodies_agree() {
    let compact: PartnerPrepayRequest = round_trip(&signature_vector_body("S05"));
    let escaped: PartnerPrepayRequest =
        serde_json::from_str(&signature_vector_body("S06")).unwrap();
    assert_eq!(compact, escaped);
    assert_eq!(compact.description, "Image形象店-深圳腾大-QQ公仔");
    assert_eq!(compact.amount.total, 100);
    assert_eq!(compact.amount.currency, Some(Currency::Cny));
    assert_eq!(
        compact.payer.as_ref().unwrap().sp_openid.as_deref(),
        Some("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
    );
    let store = compact.scene_info.as_ref().unwrap().store_info.as_ref().unwrap();
    assert_eq!(store.id, "0001");
    assert_eq!(compact.settle_info.unwrap().profit_sharing, Some(true));
}

// Proves a combined H5 request with h5_info round-trips and satisfies the H5 channel, while
// the JSAPI channel reports its missing payer.
#[test]
fn combine_h5_request_round_trips() {
    let text = r#"{"combine_appid":"wxd678efh567hg6787","combine_mchid":"1900000100",
        "combine_out_trade_no":"P20250101H5001",
        "scene_info":{"payer_client_ip":"203.0.113.7","h5_info":{"type":"Wap","app_name":"某某商城","app_url":"https://shop.example.com"}},
        "sub_orders":[{"mchid":"1900000100","attach":"a1","amount":{"total_amount":1999,"currency":"CNY"},
            "out_trade_no":"S20250101H5001","sub_mchid":"1900000109","description":"运动鞋",
            "settle_info":{"profit_sharing":true,"subsidy_amount":100},"goods_tag":"WXG","sub_appid":"wxd678efh567hg6999"}],
        "time_expire":"2025-01-01T12:30:00+08:00","notify_url":"https://shop.example.com/notify",
        "limit_pay":["no_credit"]}"#;
    let request: CombinePrepayRequest = round_trip(text);
    let h5 = request.scene_info.as_ref().unwrap().h5_info.as_ref().unwrap();
    assert_eq!(h5.r#type, "Wap");
    assert_eq!(request.limit_pay, Some(vec![LimitPay::NoCredit]));
    assert_eq!(request.missing_for(PrepayChannel::H5), None);
    assert_eq!(request.missing_for(PrepayChannel::Jsapi), Some("/combine_payer_info"));
    assert_eq!(request.missing_for(PrepayChannel::App), None);
    assert_eq!(request.missing_for(PrepayChannel::Native), None);
}

// Proves a partner Native request with goods detail round-trips, and the channel checks of the
// partner request mirror the combined ones.
#[test]
fn partner_native_request_round_trips() {
    let text = r#"{"sp_appid":"wx8888888888888888","sp_mchid":"1900000100","sub_mchid":"1900000109",
        "description":"扫码点餐","out_trade_no":"N20250101001","notify_url":"https://shop.example.com/notify",
        "support_fapiao":false,"amount":{"total":3600},
        "detail":{"cost_price":4000,"invoice_id":"R-1","goods_detail":[{"merchant_goods_id":"G1","goods_name":"牛肉面","quantity":2,"unit_price":1800}]},
        "scene_info":{"payer_client_ip":"198.51.100.2","device_id":"POS-7"}}"#;
    let request: PartnerPrepayRequest = round_trip(text);
    assert_eq!(request.amount.currency, None);
    let goods = &request.detail.as_ref().unwrap().goods_detail.as_ref().unwrap()[0];
    assert_eq!((goods.quantity, goods.unit_price), (2, 1800));
    assert_eq!(request.missing_for(PrepayChannel::Native), None);
    assert_eq!(request.missing_for(PrepayChannel::Jsapi), Some("/payer"));
    assert_eq!(request.missing_for(PrepayChannel::H5), Some("/scene_info/h5_info"));
    let channels: Vec<&str> = PrepayChannel::ALL.iter().map(|c| c.path_segment()).collect();
    assert_eq!(channels, ["jsapi", "app", "h5", "native"]);
}

// Proves the three prepay response shapes parse and are not interchangeable.
#[test]
fn prepay_responses_round_trip() {
    let prepay: PrepayResponse =
        round_trip(r#"{"prepay_id":"wx201410272009395522657a690389285100"}"#);
    assert_eq!(prepay.prepay_id, "wx201410272009395522657a690389285100");
    let h5: H5PrepayResponse = round_trip(
        r#"{"h5_url":"https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx2016121516420242444321ca0631331346&package=1405458241"}"#,
    );
    assert!(h5.h5_url.starts_with("https://wx.tenpay.com/"));
    let native: NativePrepayResponse =
        round_trip(r#"{"code_url":"weixin://wxpay/bizpayurl/up?pr=NwY5Mz9&groupid=00"}"#);
    assert!(native.code_url.starts_with("weixin://"));
    assert!(serde_json::from_str::<H5PrepayResponse>(r#"{"prepay_id":"x"}"#).is_err());
}

// Proves the close requests round-trip and carry no sensitive fields.
#[test]
fn close_requests_round_trip() {
    let combine: CombineCloseRequest = round_trip(
        r#"{"combine_appid":"wxd678efh567hg6787","sub_orders":[{"mchid":"1900000100","out_trade_no":"20150806125346","sub_mchid":"1900000109"},{"mchid":"1900000100","out_trade_no":"20150806125347","sub_mchid":"1900000110","sub_appid":"wxd678efh567hg6999"}]}"#,
    );
    assert_eq!(combine.sub_orders.len(), 2);
    let partner: PartnerCloseRequest =
        round_trip(r#"{"sp_mchid":"1900000100","sub_mchid":"1900000109"}"#);
    assert_eq!(partner.sub_mchid, "1900000109");
    assert!(CombineCloseRequest::SENSITIVE_FIELDS.is_empty());
    assert!(PartnerCloseRequest::SENSITIVE_FIELDS.is_empty());
}

// Proves the partner query parameters encode to the exact query string of signature vector S03.
#[test]
fn partner_query_params_encode_like_s03() {
    let params =
        PartnerQueryParams { sp_mchid: "1900000100".into(), sub_mchid: "1900000109".into() };
    assert_eq!(query_round_trip(&params), "sp_mchid=1900000100&sub_mchid=1900000109");
}
