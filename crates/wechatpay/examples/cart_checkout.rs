//! A shopping cart across two shops paid in one go (合单支付), against the mock in-process:
//! prepay for a mini program, hand it the re-signed `wx.requestPayment` parameters, play the
//! payer, and query the order.
//!
//! ```sh
//! cargo run --example cart_checkout
//! ```

#[path = "support/mock_client.rs"]
mod mock_client;

use serde_json::json;
use wechatpay::models::amount::Currency;
use wechatpay::payments::models::{
    CombinePrepayAmount, CombinePrepayPayer, CombinePrepayRequest, CombinePrepaySubOrder,
    SettleInfo,
};
use wechatpay::payments::TradeStateExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = wechatpay_mock::MockServer::start().await;
    let client = mock_client::client_for(&mock)?;

    let line = |no: &str, shop: &str, fen: i64, what: &str| CombinePrepaySubOrder {
        mchid: client.mchid().into(),
        sub_mchid: shop.into(),
        out_trade_no: no.into(),
        amount: CombinePrepayAmount { total_amount: fen, currency: Currency::Cny },
        description: what.into(),
        attach: String::new(),
        settle_info: Some(SettleInfo { profit_sharing: Some(true), subsidy_amount: None }),
        detail: None,
        goods_tag: None,
        sub_appid: None,
    };
    let cart = CombinePrepayRequest {
        combine_appid: "wx8888888888888888".into(),
        combine_mchid: client.mchid().into(),
        combine_out_trade_no: "P20260101000001".into(),
        scene_info: None,
        sub_orders: vec![
            line("P20260101000001S01", "1900000109", 8_800, "QQ公仔"),
            line("P20260101000001S02", "1900000110", 1_200, "贺卡"),
        ],
        // The payer's openid under combine_appid (wechatpay::oauth gets it from a login code).
        combine_payer_info: Some(CombinePrepayPayer {
            openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
            sub_openid: None,
        }),
        time_start: None,
        time_expire: None,
        notify_url: "https://shop.example.com/wechatpay/notify".into(),
        limit_pay: None,
    };
    let prepay = client.combine().prepay_jsapi(&cart).await?;

    // The front end's wx.requestPayment parameters, signed with the merchant key.
    let signer = mock.identity().merchant_signer()?;
    let params = prepay.invoke_params(&signer)?;
    println!(
        "wx.requestPayment: package={}, paySign of {} characters",
        params.package,
        params.pay_sign.len()
    );

    // The payer pays (in tests, the mock's admin API plays the payer).
    let pay = format!("{}{}/payments/pay", mock.base_url(), wechatpay_mock::ADMIN_PREFIX);
    let body = json!({ "combine_out_trade_no": cart.combine_out_trade_no }).to_string();
    let request = wechatpay::transport::http::Request::builder()
        .method("POST")
        .uri(pay)
        .header("content-type", "application/json")
        .body(bytes::Bytes::from(body))?;
    let answer = wechatpay::transport::HttpClient::send(
        &wechatpay::transport::HyperClient::new(std::time::Duration::from_secs(5))?,
        request,
    )
    .await?;
    println!("payer paid: {}", answer.status());

    let order = client.combine().query(&cart.combine_out_trade_no).await?;
    for sub in &order.sub_orders {
        println!(
            "{} of {}: {:?} (paid: {})",
            sub.out_trade_no,
            sub.sub_mchid,
            sub.trade_state,
            sub.trade_state.is_paid()
        );
    }
    Ok(())
}
