//! The mock server's admin API (`/mock/admin/…`) request decoding: the first input byte
//! picks an endpoint (tenants, reset, clock, journal, ledger, callbacks, faults, onboarding
//! actions, payments, settlement money, withdrawals); the rest is the JSON body of a
//! POST / PUT or the query string of a GET / DELETE. Sent through the real router.
//!
//! Holds: no panic; no `5xx`; errors carry WeChat Pay's `{"code","message"}` body.
#![no_main]

use axum::body::Body;
use http::Request;
use libfuzzer_sys::fuzz_target;
use wechatpay_fuzz::mock;

/// (method, path under the admin prefix). GET / DELETE take the input as query string.
const ENDPOINTS: &[(&str, &str)] = &[
    ("GET", "/tenants"),
    ("POST", "/reset"),
    ("GET", "/clock"),
    ("POST", "/clock/advance"),
    ("GET", "/journal"),
    ("DELETE", "/journal"),
    ("GET", "/ledger/balances"),
    ("GET", "/ledger/entries"),
    ("GET", "/ledger/check"),
    ("POST", "/ledger/deposit"),
    ("GET", "/callbacks"),
    ("POST", "/callbacks"),
    ("GET", "/callbacks/1"),
    ("POST", "/callbacks/1/redeliver"),
    ("GET", "/faults"),
    ("POST", "/faults"),
    ("DELETE", "/faults"),
    ("DELETE", "/faults/1"),
    ("GET", "/applyments"),
    ("GET", "/applyments/2000002124775691"),
    ("POST", "/applyments/2000002124775691/approve"),
    ("POST", "/applyments/2000002124775691/reject"),
    ("GET", "/media"),
    ("GET", "/settlement/1900000109"),
    ("POST", "/settlement/1900000109/payment"),
    ("POST", "/settlement/1900000109/verify-result"),
    ("POST", "/settlement/1900000109/applications/APP20250101000001/audit"),
    ("POST", "/payments/pay"),
    ("POST", "/payments/fail"),
    ("POST", "/payments/user-paying"),
    ("POST", "/payments/close"),
    ("GET", "/payments/order"),
    ("GET", "/payments/orders"),
    ("GET", "/payments/sub-merchants/1900000109"),
    ("PUT", "/payments/sub-merchants/1900000109"),
    ("GET", "/payments/settings"),
    ("PUT", "/payments/settings"),
    ("POST", "/oauth/codes"),
    ("GET", "/settlement/settings"),
    ("PUT", "/settlement/settings"),
    ("GET", "/settlement/orders/4200000985202103031441826014"),
    ("POST", "/settlement/sweep"),
    ("GET", "/settlement/check"),
    ("POST", "/refunds/50000000382019052709732678859/success"),
    ("GET", "/withdrawals/W20250101000001"),
    ("POST", "/withdrawals/W20250101000001/success"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, input)) = data.split_first() else { return };
    let (method, path) = ENDPOINTS[usize::from(pick) % ENDPOINTS.len()];
    let m = mock::get();
    let prefix = wechatpay_mock::ADMIN_PREFIX;
    let (target, body) = if method == "GET" || method == "DELETE" {
        let q = mock::query(input);
        (
            if q.is_empty() { format!("{prefix}{path}") } else { format!("{prefix}{path}?{q}") },
            Vec::new(),
        )
    } else {
        (format!("{prefix}{path}"), input.to_vec())
    };
    let request = Request::builder()
        .method(method)
        .uri(&target)
        .header("content-type", "application/json")
        .body(Body::from(body))
        .expect("valid request");
    let answer = m.send(request);
    assert!(
        !answer.status.is_server_error(),
        "{method} {path}: {} {}",
        answer.status,
        String::from_utf8_lossy(&answer.body)
    );
    mock::assert_error_body(&answer);
});
