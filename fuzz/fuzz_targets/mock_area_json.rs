//! The mock server's request decoding per API area: the first input byte picks an endpoint
//! (every area: applyment, settlement, payments, combine payments, refunds, profit
//! sharing, subsidies, balances, withdrawals, bills, certificates, echo, media, OAuth); the
//! rest is the JSON body of a POST or the query string of a GET. The target signs the
//! request correctly (and announces the platform serial for sensitive fields), so every
//! input reaches the area's JSON / query extractor, its validation and its state machine
//! through the real router.
//!
//! Holds: no panic; no `5xx` (bad input is the caller's fault: a documented `4xx` with
//! WeChat Pay's error body); every `/v3/` answer is signed and verifies.
#![no_main]

use axum::body::Body;
use http::Request;
use libfuzzer_sys::fuzz_target;
use wechatpay_fuzz::mock;

/// (method, path). GET paths take the input as their query string.
const ENDPOINTS: &[(&str, &str)] = &[
    ("POST", "/v3/ecommerce/applyments/"),
    ("POST", "/v3/apply4sub/sub_merchants/1900000109/modify-settlement"),
    ("POST", "/v3/combine-transactions/jsapi"),
    ("POST", "/v3/combine-transactions/app"),
    ("POST", "/v3/combine-transactions/h5"),
    ("POST", "/v3/combine-transactions/native"),
    ("POST", "/v3/combine-transactions/out-trade-no/C20250101000001/close"),
    ("POST", "/v3/pay/partner/transactions/jsapi"),
    ("POST", "/v3/pay/partner/transactions/app"),
    ("POST", "/v3/pay/partner/transactions/h5"),
    ("POST", "/v3/pay/partner/transactions/native"),
    ("POST", "/v3/pay/partner/transactions/out-trade-no/O20250101000001/close"),
    ("POST", "/v3/ecommerce/refunds/apply"),
    ("POST", "/v3/ecommerce/refunds/50000000382019052709732678859/return-advance"),
    ("POST", "/v3/ecommerce/profitsharing/orders"),
    ("POST", "/v3/ecommerce/profitsharing/returnorders"),
    ("POST", "/v3/ecommerce/profitsharing/finish-order"),
    ("POST", "/v3/ecommerce/profitsharing/receivers/add"),
    ("POST", "/v3/ecommerce/profitsharing/receivers/delete"),
    ("POST", "/v3/ecommerce/subsidies/create"),
    ("POST", "/v3/ecommerce/subsidies/return"),
    ("POST", "/v3/ecommerce/subsidies/cancel"),
    ("POST", "/v3/ecommerce/fund/withdraw"),
    ("POST", "/v3/merchant/fund/withdraw"),
    ("POST", "/v3/security/echo"),
    ("POST", "/v3/merchant/media/upload"),
    ("GET", "/v3/ecommerce/fund/balance/1900000109"),
    ("GET", "/v3/ecommerce/fund/enddaybalance/1900000109"),
    ("GET", "/v3/merchant/fund/balance/BASIC"),
    ("GET", "/v3/merchant/fund/dayendbalance/BASIC"),
    ("GET", "/v3/ecommerce/refunds/id/50000000382019052709732678859"),
    ("GET", "/v3/ecommerce/refunds/out-refund-no/R20250101000001"),
    ("GET", "/v3/bill/tradebill"),
    ("GET", "/v3/bill/fundflowbill"),
    ("GET", "/v3/ecommerce/bill/fundflowbill"),
    ("GET", "/v3/bill/sub-merchant-fundflowbill"),
    ("GET", "/v3/billdownload/file"),
    ("GET", "/v3/pay/partner/transactions/id/4200000985202103031441826014"),
    ("GET", "/v3/pay/partner/transactions/out-trade-no/O20250101000001"),
    ("GET", "/v3/combine-transactions/out-trade-no/C20250101000001"),
    ("GET", "/v3/ecommerce/profitsharing/orders"),
    ("GET", "/v3/ecommerce/profitsharing/returnorders"),
    ("GET", "/v3/ecommerce/profitsharing/orders/4200000985202103031441826014/amounts"),
    ("GET", "/v3/ecommerce/applyments/out-request-no/APPLY20250101000001"),
    ("GET", "/v3/ecommerce/applyments/2000002124775691"),
    ("GET", "/v3/apply4sub/sub_merchants/1900000109/settlement"),
    ("GET", "/v3/apply4sub/sub_merchants/1900000109/application/APP20250101000001"),
    ("GET", "/v3/ecommerce/fund/withdraw/W20250101000001"),
    ("GET", "/v3/ecommerce/fund/withdraw/out-request-no/W20250101000001"),
    ("GET", "/v3/merchant/fund/withdraw/withdraw-id/W20250101000001"),
    ("GET", "/v3/merchant/fund/withdraw/out-request-no/W20250101000001"),
    ("GET", "/v3/certificates"),
    ("GET", "/sns/oauth2/access_token"),
    ("GET", "/sns/jscode2session"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, input)) = data.split_first() else { return };
    let (method, path) = ENDPOINTS[usize::from(pick) % ENDPOINTS.len()];
    let m = mock::get();
    let (target, body) = if method == "GET" {
        let q = mock::query(input);
        (if q.is_empty() { path.to_owned() } else { format!("{path}?{q}") }, Vec::new())
    } else {
        (path.to_owned(), input.to_vec())
    };
    let Some(auth) = m.authorization(method, &target, &body) else { return };
    let mut builder = Request::builder()
        .method(method)
        .uri(&target)
        .header("user-agent", "wechatpay-fuzz/1")
        .header("accept", "application/json")
        .header("authorization", auth)
        .header("wechatpay-serial", wechatpay_mock::identity::PLATFORM_CERT_SERIAL);
    if method == "POST" {
        builder = builder.header("content-type", "application/json");
    }
    let request = builder.body(Body::from(body)).expect("valid request");
    let answer = m.send(request);
    assert!(
        !answer.status.is_server_error(),
        "{method} {path}: {} {}",
        answer.status,
        String::from_utf8_lossy(&answer.body)
    );
    if path.starts_with("/v3/") {
        m.assert_api_answer(&answer);
    } else {
        mock::assert_error_body(&answer);
    }
});
