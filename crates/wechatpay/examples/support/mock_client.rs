//! A `wechatpay::Client` on the credentials of a mock server started in-process, shared by
//! the small examples (`#[path = "support/mock_client.rs"] mod mock_client;`).

use std::sync::Arc;

use wechatpay::models::amount::Currency;
use wechatpay::payments::models::{
    CombinePrepayAmount, CombinePrepayRequest, CombinePrepaySubOrder, SettleInfo,
};
use wechatpay::{Client, KeyMode};
use wechatpay_mock::MockServer;

/// The client of the mock's built-in platform merchant, signing on the mock's virtual clock
/// (so moving that clock keeps timestamps within WeChat Pay's ±5 minutes).
pub(crate) fn client_for(mock: &MockServer) -> Result<Client, Box<dyn std::error::Error>> {
    let id = mock.identity();
    let key_pem = id.merchant_private_key_pem.as_deref().ok_or("the mock has no merchant key")?;
    Ok(Client::builder()
        .mchid(&id.mchid)
        .merchant_key_pem(key_pem, id.merchant_serial.as_str())
        .api_v3_key(id.api_v3_key()?)
        .key_mode(KeyMode::PlatformCertificates)
        .base_url(mock.base_url())
        .no_backup_base_url()
        .clock(Arc::new(mock.state().tenants().default_tenant().clock().clone()))
        .build()?)
}

/// A combined order (合单) `no` over one sub-order `{no}S01` of `total_fen` for `sub_mchid`,
/// without profit sharing, its callback to `notify_url`.
#[allow(dead_code)] // Used by the tests that include this file, not by every example.
pub(crate) fn one_seller_cart(
    no: &str,
    sub_mchid: &str,
    total_fen: i64,
    notify_url: &str,
) -> CombinePrepayRequest {
    CombinePrepayRequest {
        combine_appid: "wx8888888888888888".into(),
        combine_mchid: "1900000100".into(),
        combine_out_trade_no: no.into(),
        scene_info: None,
        sub_orders: vec![CombinePrepaySubOrder {
            mchid: "1900000100".into(),
            sub_mchid: sub_mchid.into(),
            out_trade_no: format!("{no}S01"),
            amount: CombinePrepayAmount { total_amount: total_fen, currency: Currency::Cny },
            description: "测试订单".into(),
            attach: String::new(),
            settle_info: Some(SettleInfo { profit_sharing: Some(false), subsidy_amount: None }),
            detail: None,
            goods_tag: None,
            sub_appid: None,
        }],
        combine_payer_info: None,
        time_start: None,
        time_expire: None,
        notify_url: notify_url.into(),
        limit_pay: None,
    }
}
