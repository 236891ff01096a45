//! The API coverage contract. For every endpoint of the reference list
//! (`fixtures/api/endpoints.json`) that is in scope (not `extra`):
//!
//! - the SDK implements it: [`SDK`] names the operation (or method) behind it, and is
//!   compiled, so removing an operation breaks this test's build;
//! - docs/coverage.md has its row, with the facade call and the mock marked `yes`;
//! - the mock server routes it: a signed request through the facade's low-level builder is
//!   not answered by the mock's "no API at …" 404 or by a 405.

use std::any::{type_name, type_name_of_val};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::Value;
use wechatpay::transport::http::Method;
use wechatpay::{Client, Error, KeyMode, RetryPolicy};
use wechatpay_mock::MockServer;

const ENDPOINTS: &str = include_str!("../../../fixtures/api/endpoints.json");
const COVERAGE_MD: &str = include_str!("../../../docs/coverage.md");

/// Endpoint id → the operation type (or SDK function) that implements it.
fn sdk() -> BTreeMap<&'static str, &'static str> {
    use wechatpay::payments::channel::{App, Jsapi, Native, H5};
    use wechatpay::{
        applyment as ap, bill, fund, media, payments as pay, profitsharing as ps, refunds as rf,
    };
    BTreeMap::from([
        ("applyment.submit", type_name::<ap::SubmitApplyment<'static>>()),
        ("applyment.query_by_id", type_name::<ap::QueryApplymentById>()),
        (
            "applyment.query_by_out_request_no",
            type_name::<ap::QueryApplymentByOutRequestNo<'static>>(),
        ),
        ("media.image_upload", type_name::<media::UploadMedia>()),
        ("media.video_upload", type_name::<media::UploadMedia>()),
        ("settlement.query", type_name::<ap::QuerySettlement<'static>>()),
        ("settlement.modify", type_name::<ap::ModifySettlement<'static>>()),
        ("settlement.application_query", type_name::<ap::QuerySettlementApplication<'static>>()),
        ("combine.prepay_jsapi", type_name::<pay::combine::CombinePrepay<Jsapi>>()),
        ("combine.prepay_app", type_name::<pay::combine::CombinePrepay<App>>()),
        ("combine.prepay_h5", type_name::<pay::combine::CombinePrepay<H5>>()),
        ("combine.prepay_native", type_name::<pay::combine::CombinePrepay<Native>>()),
        ("combine.query", type_name::<pay::combine::QueryCombineOrder>()),
        ("combine.close", type_name::<pay::combine::CloseCombineOrder>()),
        ("partner.prepay_jsapi", type_name::<pay::partner::PartnerPrepay<Jsapi>>()),
        ("partner.prepay_app", type_name::<pay::partner::PartnerPrepay<App>>()),
        ("partner.prepay_h5", type_name::<pay::partner::PartnerPrepay<H5>>()),
        ("partner.prepay_native", type_name::<pay::partner::PartnerPrepay<Native>>()),
        ("partner.query_by_id", type_name::<pay::partner::QueryPartnerOrder>()),
        ("partner.query_by_out_trade_no", type_name::<pay::partner::QueryPartnerOrder>()),
        ("partner.close", type_name::<pay::partner::ClosePartnerOrder>()),
        ("refund.apply", type_name::<rf::ApplyRefund<'static>>()),
        ("refund.query_by_id", type_name::<rf::QueryRefundById<'static>>()),
        ("refund.query_by_out_refund_no", type_name::<rf::QueryRefundByOutRefundNo<'static>>()),
        ("refund.return_advance", type_name::<rf::ReturnAdvance<'static>>()),
        ("refund.return_advance_query", type_name::<rf::QueryReturnAdvance<'static>>()),
        ("profitsharing.create_order", type_name::<ps::CreateOrder<'static>>()),
        ("profitsharing.query_order", type_name::<ps::QueryOrder<'static>>()),
        ("profitsharing.create_return", type_name::<ps::CreateReturn<'static>>()),
        ("profitsharing.query_return", type_name::<ps::QueryReturn<'static>>()),
        ("profitsharing.finish_order", type_name::<ps::FinishOrder<'static>>()),
        ("profitsharing.query_amounts", type_name::<ps::QueryAmounts<'static>>()),
        ("profitsharing.add_receiver", type_name::<ps::AddReceiver<'static>>()),
        ("profitsharing.delete_receiver", type_name::<ps::DeleteReceiver<'static>>()),
        ("subsidy.create", type_name::<ps::CreateSubsidy<'static>>()),
        ("subsidy.return", type_name::<ps::ReturnSubsidy<'static>>()),
        ("subsidy.cancel", type_name::<ps::CancelSubsidy<'static>>()),
        ("fund.sub_balance", type_name::<fund::SubBalance<'static>>()),
        ("fund.sub_enddaybalance", type_name::<fund::SubDayEndBalance<'static>>()),
        ("fund.platform_balance", type_name::<fund::PlatformBalanceQuery>()),
        ("fund.platform_dayendbalance", type_name::<fund::PlatformDayEndBalance>()),
        ("withdraw.sub_create", type_name::<fund::CreateSubWithdraw<'static>>()),
        ("withdraw.sub_query_by_id", type_name::<fund::QuerySubWithdraw<'static>>()),
        ("withdraw.sub_query_by_out_request_no", type_name::<fund::QuerySubWithdraw<'static>>()),
        ("withdraw.platform_create", type_name::<fund::CreatePlatformWithdraw<'static>>()),
        ("withdraw.platform_query_by_id", type_name::<fund::QueryPlatformWithdraw<'static>>()),
        (
            "withdraw.platform_query_by_out_request_no",
            type_name::<fund::QueryPlatformWithdraw<'static>>(),
        ),
        ("bill.tradebill", type_name::<bill::ApplyTradeBill<'static>>()),
        ("bill.fundflowbill", type_name::<bill::ApplyFundFlowBill<'static>>()),
        ("bill.ecommerce_fundflowbill", type_name::<bill::ApplyEcommerceFundFlowBill<'static>>()),
        ("bill.download", type_name_of_val(&bill::download_to_path)),
        ("certificate.list", type_name_of_val(&wechatpay::Transport::refresh_certificates)),
    ])
}

/// An in-scope endpoint of the reference list.
struct Endpoint {
    id: String,
    method: String,
    path: String,
}

fn in_scope_endpoints() -> Vec<Endpoint> {
    let list: Value = serde_json::from_str(ENDPOINTS).unwrap();
    list["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["extra"].as_bool().unwrap_or(false))
        .map(|e| Endpoint {
            id: e["id"].as_str().unwrap().to_owned(),
            method: e["method"].as_str().unwrap().to_owned(),
            path: e["path"].as_str().unwrap().to_owned(),
        })
        .collect()
}

/// The rows of docs/coverage.md's table: id → (facade cell, mock cell).
fn coverage_rows() -> BTreeMap<String, (String, String)> {
    COVERAGE_MD
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> =
                line.trim().trim_matches('|').split(" | ").map(str::trim).collect();
            assert_eq!(cells.len(), 7, "a row of docs/coverage.md has 7 cells: {line}");
            let id = cells[0].split('`').nth(1).unwrap().to_owned();
            (id, (cells[4].to_owned(), cells[6].to_owned()))
        })
        .collect()
}

// Proves every in-scope endpoint has an SDK operation, and nothing in the table is stale.
#[test]
fn every_endpoint_has_an_sdk_operation() {
    let sdk = sdk();
    let ids: BTreeSet<String> = in_scope_endpoints().into_iter().map(|e| e.id).collect();
    let missing: Vec<&String> = ids.iter().filter(|id| !sdk.contains_key(id.as_str())).collect();
    assert!(missing.is_empty(), "endpoints without an SDK operation: {missing:?}");
    let stale: Vec<&&str> = sdk.keys().filter(|id| !ids.contains(**id)).collect();
    assert!(stale.is_empty(), "SDK table entries for endpoints not in scope: {stale:?}");
}

// Proves docs/coverage.md lists every in-scope endpoint with its facade call and a mock.
#[test]
fn coverage_md_lists_every_endpoint() {
    let rows = coverage_rows();
    for endpoint in in_scope_endpoints() {
        let (facade_cell, mock_cell) = rows
            .get(&endpoint.id)
            .unwrap_or_else(|| panic!("docs/coverage.md has no row for {}", endpoint.id));
        assert!(
            facade_cell.contains("`client."),
            "{}: no facade call in {facade_cell:?}",
            endpoint.id
        );
        assert!(mock_cell.starts_with("yes"), "{}: mock cell is {mock_cell:?}", endpoint.id);
    }
}

/// A value for a path parameter that the mock's router accepts in that segment.
fn sample(param: &str) -> &'static str {
    match param {
        "sub_mchid" => "1900000109",
        "account_type" => "BASIC",
        "bill_type" => "NO_SUCC",
        _ => "1234567890",
    }
}

fn fill(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').unwrap() + start;
        out.push_str(sample(&rest[start + 1..end]));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

// Proves the mock routes every in-scope endpoint: a signed request reaches a handler
// (any answer but the router's own 404 "no API at …" or a 405).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mock_routes_every_endpoint() {
    let mock = MockServer::start().await;
    let id = mock.identity();
    let client = Client::builder()
        .mchid(&id.mchid)
        .merchant_key_pem(
            id.merchant_private_key_pem.as_deref().unwrap(),
            id.merchant_serial.as_str(),
        )
        .api_v3_key(id.api_v3_key().unwrap())
        .key_mode(KeyMode::PlatformCertificates)
        .base_url(mock.base_url())
        .no_backup_base_url()
        .clock(Arc::new(mock.state().tenants().default_tenant().clock().clone()))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();

    let mut unrouted = Vec::new();
    for endpoint in in_scope_endpoints() {
        let method = Method::from_bytes(endpoint.method.as_bytes()).unwrap();
        let post = method == Method::POST;
        let mut request = client.transport().request(method, fill(&endpoint.path));
        if post {
            request = request.json_bytes(&b"{}"[..]);
        }
        let Err(error) = request.unsigned_response().send().await else { continue };
        if let Error::Api(api) = &error {
            let no_route = api
                .detail()
                .and_then(|d| d.issue.as_deref())
                .is_some_and(|issue| issue.starts_with("no API at"));
            if no_route || api.status().as_u16() == 405 {
                unrouted.push(format!("{} {} {}", endpoint.id, endpoint.method, endpoint.path));
            }
        }
    }
    assert!(unrouted.is_empty(), "the mock has no handler for:\n{}", unrouted.join("\n"));
}
