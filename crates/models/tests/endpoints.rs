//! Every endpoint of fixtures/api/endpoints.json against the model types.
//!
//! The table below names, per endpoint id, the request body, response body and query-string
//! types. From each endpoint's schema the tests build example documents (every member; only
//! required scalars; only required members) and check that the types read and write them
//! unchanged: a misspelt, missing or extra member, a wrongly optional or wrongly required
//! member, or a wrong JSON type fails. They also check the sensitive-field lists.

// The table covers every area, so it needs every feature.
#![cfg(all(
    feature = "applyment",
    feature = "media",
    feature = "settlement",
    feature = "payments",
    feature = "refund",
    feature = "profitsharing",
    feature = "subsidy",
    feature = "fund",
    feature = "withdraw",
    feature = "bill"
))]

mod support;

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use wechatpay_models::sensitive::SensitiveFields;

use wechatpay_models::applyment::*;
use wechatpay_models::bill::*;
use wechatpay_models::certificate::*;
use wechatpay_models::fund::*;
use wechatpay_models::media::*;
use wechatpay_models::payments::*;
use wechatpay_models::profitsharing::*;
use wechatpay_models::refund::*;
use wechatpay_models::settlement::*;
use wechatpay_models::subsidy::*;
use wechatpay_models::withdraw::*;

/// A JSON body type: its name, its sensitive members, and a parse-then-serialize check.
struct Body {
    name: &'static str,
    sensitive: &'static [&'static str],
    reserialize: fn(&Value) -> Result<Value, String>,
}

/// Query-string name/value pairs.
type Pairs = Vec<(String, String)>;

/// Decodes name/value pairs into a query type and encodes it back.
type Reencode = fn(&[(String, String)]) -> Result<Pairs, String>;

/// A query-string type: its name and a decode-then-encode check over name/value pairs.
struct Query {
    name: &'static str,
    reencode: Reencode,
}

struct Row {
    id: &'static str,
    request: Option<Body>,
    response: Option<Body>,
    query: Option<Query>,
}

fn reserialize<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let parsed: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&parsed).map_err(|e| e.to_string())
}

fn request<T: DeserializeOwned + Serialize + SensitiveFields>() -> Option<Body> {
    Some(Body {
        name: std::any::type_name::<T>(),
        sensitive: T::SENSITIVE_FIELDS,
        reserialize: reserialize::<T>,
    })
}

fn response<T: DeserializeOwned + Serialize>() -> Option<Body> {
    Some(Body { name: std::any::type_name::<T>(), sensitive: &[], reserialize: reserialize::<T> })
}

fn reencode<T: DeserializeOwned + Serialize>(pairs: &[(String, String)]) -> Result<Pairs, String> {
    let text = serde_urlencoded::to_string(pairs).map_err(|e| e.to_string())?;
    let parsed: T = serde_urlencoded::from_str(&text).map_err(|e| e.to_string())?;
    let back = serde_urlencoded::to_string(&parsed).map_err(|e| e.to_string())?;
    serde_urlencoded::from_str(&back).map_err(|e| e.to_string())
}

fn query<T: DeserializeOwned + Serialize>() -> Option<Query> {
    Some(Query { name: std::any::type_name::<T>(), reencode: reencode::<T> })
}

fn row(
    id: &'static str,
    request: Option<Body>,
    response: Option<Body>,
    query: Option<Query>,
) -> Row {
    Row { id, request, response, query }
}

/// Endpoint id → request body, response body, query string. `None` where the endpoint has
/// none: GET requests, 204 responses, the multipart media upload (its JSON part is
/// `wechatpay_crypto::MediaMeta`) and the bill file download (raw bytes).
fn table() -> Vec<Row> {
    vec![
        row(
            "applyment.submit",
            request::<SubmitApplymentRequest>(),
            response::<SubmitApplymentResponse>(),
            None,
        ),
        row("applyment.query_by_id", None, response::<Applyment>(), None),
        row("applyment.query_by_out_request_no", None, response::<Applyment>(), None),
        row("media.image_upload", None, response::<MediaUploadResponse>(), None),
        row("media.video_upload", None, response::<MediaUploadResponse>(), None),
        row("settlement.query", None, response::<SettlementAccount>(), None),
        row(
            "settlement.modify",
            request::<ModifySettlementRequest>(),
            response::<ModifySettlementResponse>(),
            None,
        ),
        row(
            "settlement.application_query",
            None,
            response::<SettlementApplication>(),
            query::<SettlementApplicationParams>(),
        ),
        row(
            "combine.prepay_jsapi",
            request::<CombinePrepayRequest>(),
            response::<PrepayResponse>(),
            None,
        ),
        row(
            "combine.prepay_app",
            request::<CombinePrepayRequest>(),
            response::<PrepayResponse>(),
            None,
        ),
        row(
            "combine.prepay_h5",
            request::<CombinePrepayRequest>(),
            response::<H5PrepayResponse>(),
            None,
        ),
        row(
            "combine.prepay_native",
            request::<CombinePrepayRequest>(),
            response::<NativePrepayResponse>(),
            None,
        ),
        row("combine.query", None, response::<CombineTransaction>(), None),
        row("combine.close", request::<CombineCloseRequest>(), None, None),
        row(
            "partner.prepay_jsapi",
            request::<PartnerPrepayRequest>(),
            response::<PrepayResponse>(),
            None,
        ),
        row(
            "partner.prepay_app",
            request::<PartnerPrepayRequest>(),
            response::<PrepayResponse>(),
            None,
        ),
        row(
            "partner.prepay_h5",
            request::<PartnerPrepayRequest>(),
            response::<H5PrepayResponse>(),
            None,
        ),
        row(
            "partner.prepay_native",
            request::<PartnerPrepayRequest>(),
            response::<NativePrepayResponse>(),
            None,
        ),
        row(
            "partner.query_by_id",
            None,
            response::<PartnerTransaction>(),
            query::<PartnerQueryParams>(),
        ),
        row(
            "partner.query_by_out_trade_no",
            None,
            response::<PartnerTransaction>(),
            query::<PartnerQueryParams>(),
        ),
        row("partner.close", request::<PartnerCloseRequest>(), None, None),
        row(
            "refund.apply",
            request::<RefundApplyRequest>(),
            response::<RefundApplyResponse>(),
            None,
        ),
        row("refund.query_by_id", None, response::<Refund>(), query::<RefundQueryParams>()),
        row(
            "refund.query_by_out_refund_no",
            None,
            response::<Refund>(),
            query::<RefundQueryParams>(),
        ),
        row(
            "refund.return_advance",
            request::<ReturnAdvanceRequest>(),
            response::<ReturnAdvance>(),
            None,
        ),
        row(
            "refund.return_advance_query",
            None,
            response::<ReturnAdvance>(),
            query::<RefundQueryParams>(),
        ),
        row(
            "refund.apply_abnormal",
            request::<AbnormalRefundRequest>(),
            response::<Refund>(),
            None,
        ),
        row(
            "profitsharing.create_order",
            request::<CreateOrderRequest>(),
            response::<ProfitSharingOrder>(),
            None,
        ),
        row(
            "profitsharing.query_order",
            None,
            response::<ProfitSharingOrder>(),
            query::<ProfitSharingOrderParams>(),
        ),
        row(
            "profitsharing.create_return",
            request::<CreateReturnOrderRequest>(),
            response::<ReturnOrder>(),
            None,
        ),
        row(
            "profitsharing.query_return",
            None,
            response::<ReturnOrder>(),
            query::<ReturnOrderParams>(),
        ),
        row(
            "profitsharing.finish_order",
            request::<FinishOrderRequest>(),
            response::<FinishOrderResponse>(),
            None,
        ),
        row("profitsharing.query_amounts", None, response::<UnsplitAmount>(), None),
        row(
            "profitsharing.add_receiver",
            request::<AddReceiverRequest>(),
            response::<ReceiverResponse>(),
            None,
        ),
        row(
            "profitsharing.delete_receiver",
            request::<DeleteReceiverRequest>(),
            response::<ReceiverResponse>(),
            None,
        ),
        row(
            "profitsharing.create_after_sales",
            request::<CreateAfterSalesOrderRequest>(),
            response::<CreateAfterSalesOrderResponse>(),
            None,
        ),
        row(
            "profitsharing.query_after_sales",
            None,
            response::<AfterSalesOrder>(),
            query::<AfterSalesOrderParams>(),
        ),
        row(
            "subsidy.create",
            request::<CreateSubsidyRequest>(),
            response::<CreateSubsidyResponse>(),
            None,
        ),
        row(
            "subsidy.return",
            request::<ReturnSubsidyRequest>(),
            response::<ReturnSubsidyResponse>(),
            None,
        ),
        row(
            "subsidy.cancel",
            request::<CancelSubsidyRequest>(),
            response::<CancelSubsidyResponse>(),
            None,
        ),
        row(
            "fund.sub_balance",
            None,
            response::<SubMerchantBalance>(),
            query::<SubBalanceParams>(),
        ),
        row(
            "fund.sub_enddaybalance",
            None,
            response::<SubMerchantBalance>(),
            query::<SubDayEndBalanceParams>(),
        ),
        row("fund.platform_balance", None, response::<PlatformBalance>(), None),
        row(
            "fund.platform_dayendbalance",
            None,
            response::<PlatformBalance>(),
            query::<DayEndBalanceParams>(),
        ),
        row(
            "withdraw.sub_create",
            request::<SubWithdrawRequest>(),
            response::<SubWithdrawResponse>(),
            None,
        ),
        row(
            "withdraw.sub_query_by_id",
            None,
            response::<SubWithdraw>(),
            query::<SubWithdrawParams>(),
        ),
        row(
            "withdraw.sub_query_by_out_request_no",
            None,
            response::<SubWithdraw>(),
            query::<SubWithdrawParams>(),
        ),
        row(
            "withdraw.platform_create",
            request::<PlatformWithdrawRequest>(),
            response::<PlatformWithdrawResponse>(),
            None,
        ),
        row("withdraw.platform_query_by_id", None, response::<PlatformWithdraw>(), None),
        row(
            "withdraw.platform_query_by_out_request_no",
            None,
            response::<PlatformWithdraw>(),
            None,
        ),
        row(
            "withdraw.abnormal_bill",
            None,
            response::<BillDownloadUrl>(),
            query::<WithdrawBillParams>(),
        ),
        row("bill.tradebill", None, response::<BillDownloadUrl>(), query::<TradeBillParams>()),
        row(
            "bill.fundflowbill",
            None,
            response::<BillDownloadUrl>(),
            query::<FundFlowBillParams>(),
        ),
        row(
            "bill.ecommerce_fundflowbill",
            None,
            response::<EncryptedBillList>(),
            query::<EcommerceFundFlowBillParams>(),
        ),
        row(
            "bill.sub_merchant_fundflowbill",
            None,
            response::<EncryptedBillList>(),
            query::<SubMerchantFundFlowBillParams>(),
        ),
        row("bill.download", None, None, query::<BillDownloadParams>()),
        row(
            "certificate.list",
            None,
            response::<CertificateList>(),
            query::<CertificateListParams>(),
        ),
    ]
}

/// Schema members that are required in endpoints.json but optional in the models, with why.
/// The test checks that each still parses when absent, so the list cannot go stale.
const OPTIONAL_ON_PURPOSE: &[(&str, &str)] = &[
    // One request type serves the four channels; `missing_for` checks the channel's needs.
    (
        "combine.prepay_jsapi request /combine_payer_info",
        "JSAPI-only member of the shared CombinePrepayRequest",
    ),
    (
        "combine.prepay_h5 request /scene_info",
        "required for H5 only; optional for the other channels",
    ),
    (
        "combine.prepay_h5 request /scene_info/h5_info",
        "H5-only member of the shared CombineSceneInfo",
    ),
    ("partner.prepay_jsapi request /payer", "JSAPI-only member of the shared PartnerPrepayRequest"),
    (
        "partner.prepay_h5 request /scene_info",
        "required for H5 only; optional for the other channels",
    ),
    (
        "partner.prepay_h5 request /scene_info/h5_info",
        "H5-only member of the shared PartnerSceneInfo",
    ),
    // Refund serves the two queries, where these are optional, and the abnormal refund.
    (
        "refund.apply_abnormal response /amount/discount_refund",
        "optional in the refund queries that share Refund",
    ),
    (
        "refund.apply_abnormal response /amount/currency",
        "optional in the refund queries that share Refund",
    ),
];

/// How much of a schema an example holds.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Fill {
    /// Every member.
    Full,
    /// Every object and array member, but scalars only when required.
    Lean,
    /// Required members only.
    Minimal,
}

fn scalar_example(schema: &Value) -> Value {
    if let Some(first) = schema["enum"].as_array().and_then(|values| values.first()) {
        return first.clone();
    }
    match (schema["type"].as_str(), schema["format"].as_str()) {
        (Some("string"), Some("date-time")) => Value::from("2025-01-02T03:04:05+08:00"),
        (Some("string"), Some("date")) => Value::from("2025-01-02"),
        (Some("string"), _) => Value::from("s"),
        (Some("integer"), _) => Value::from(7),
        (Some("boolean"), _) => Value::from(true),
        other => panic!("no example for {other:?}"),
    }
}

/// An example document for `schema`.
fn example(schema: &Value, fill: Fill) -> Value {
    match schema["type"].as_str() {
        Some("object") => {
            let required: BTreeSet<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut members = Map::new();
            if let Some(properties) = schema["properties"].as_object() {
                for (name, member) in properties {
                    let is_container = matches!(member["type"].as_str(), Some("object" | "array"));
                    let keep = match fill {
                        Fill::Full => true,
                        Fill::Lean => is_container || required.contains(name.as_str()),
                        Fill::Minimal => required.contains(name.as_str()),
                    };
                    if keep {
                        members.insert(name.clone(), example(member, fill));
                    }
                }
            }
            Value::Object(members)
        }
        Some("array") => Value::Array(vec![example(&schema["items"], fill)]),
        _ => scalar_example(schema),
    }
}

/// JSON pointers of every required member in `schema` (array items as index 0).
fn required_pointers(schema: &Value, prefix: &str, out: &mut Vec<String>) {
    match schema["type"].as_str() {
        Some("object") => {
            let required: BTreeSet<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(properties) = schema["properties"].as_object() {
                for (name, member) in properties {
                    let pointer = format!("{prefix}/{name}");
                    if required.contains(name.as_str()) {
                        out.push(pointer.clone());
                    }
                    required_pointers(member, &pointer, out);
                }
            }
        }
        Some("array") => required_pointers(&schema["items"], &format!("{prefix}/0"), out),
        _ => {}
    }
}

/// `value` without the member at `pointer`.
fn without(value: &Value, pointer: &str) -> Value {
    let mut copy = value.clone();
    let (parent, last) = pointer.rsplit_once('/').expect("pointer has a slash");
    if let Some(Value::Object(members)) = copy.pointer_mut(parent) {
        members.remove(last);
    }
    copy
}

/// endpoints.json writes `a.b` and `list[].c`; the models write `/a/b` and `/list/*/c`.
fn pointer_of(dotted: &str) -> String {
    dotted
        .split('.')
        .map(|part| match part.strip_suffix("[]") {
            Some(array) => format!("/{array}/*"),
            None => format!("/{part}"),
        })
        .collect()
}

fn is_json_body(endpoint: &Value) -> bool {
    endpoint["request_content_type"] == "application/json"
        && endpoint["request_schema"]["properties"].as_object().is_some_and(|p| !p.is_empty())
}

fn has_response_body(endpoint: &Value) -> bool {
    endpoint["response_schema"]["properties"].as_object().is_some_and(|p| !p.is_empty())
}

fn query_params(endpoint: &Value) -> Vec<Value> {
    endpoint["query_params"].as_array().cloned().unwrap_or_default()
}

// Proves the table has exactly one row per endpoint id in endpoints.json, no more, no less.
#[test]
fn table_covers_every_endpoint() {
    let fixture: BTreeSet<String> =
        support::endpoints().iter().map(|e| e["id"].as_str().expect("id").to_owned()).collect();
    let rows = table();
    let ours: BTreeSet<String> = rows.iter().map(|r| r.id.to_owned()).collect();
    assert_eq!(rows.len(), ours.len(), "an id appears twice in the table");
    let missing: Vec<_> = fixture.difference(&ours).collect();
    let unknown: Vec<_> = ours.difference(&fixture).collect();
    assert!(missing.is_empty(), "endpoints without types: {missing:?}");
    assert!(unknown.is_empty(), "rows for endpoints that do not exist: {unknown:?}");
    assert_eq!(fixture.len(), 57);
    for r in &rows {
        println!(
            "| `{}` | {} | {} | {} |",
            r.id,
            r.request.as_ref().map_or("–", |b| b.name),
            r.response.as_ref().map_or("–", |b| b.name),
            r.query.as_ref().map_or("–", |q| q.name),
        );
    }
}

// Proves each row has a request type exactly when the endpoint takes a JSON body, a response
// type exactly when it answers with one, and a query type exactly when it has query params.
#[test]
fn table_shapes_match_the_reference() {
    for r in table() {
        let endpoint = support::endpoint(r.id);
        assert_eq!(r.request.is_some(), is_json_body(&endpoint), "{} request", r.id);
        assert_eq!(r.response.is_some(), has_response_body(&endpoint), "{} response", r.id);
        assert_eq!(r.query.is_some(), !query_params(&endpoint).is_empty(), "{} query", r.id);
    }
}

// Proves every request type lists exactly the sensitive fields endpoints.json gives its endpoint.
#[test]
fn sensitive_fields_match_the_reference() {
    for r in table() {
        let endpoint = support::endpoint(r.id);
        let want: Vec<String> = endpoint["sensitive_fields"]
            .as_array()
            .map(|list| list.iter().map(|f| pointer_of(f.as_str().expect("string"))).collect())
            .unwrap_or_default();
        let got: Vec<String> = r
            .request
            .as_ref()
            .map(|b| b.sensitive.iter().map(|s| (*s).to_owned()).collect())
            .unwrap_or_default();
        assert_eq!(got, want, "{}", r.id);
    }
}

fn check_examples(id: &str, what: &str, body: &Body, schema: &Value) {
    for fill in [Fill::Full, Fill::Lean, Fill::Minimal] {
        let doc = example(schema, fill);
        match (body.reserialize)(&doc) {
            Ok(back) => assert_eq!(back, doc, "{id} {what} {fill:?}: written differently"),
            Err(e) => panic!("{id} {what} {fill:?} does not parse: {e}\n{doc:#}"),
        }
    }
    let full = example(schema, Fill::Full);
    let mut pointers = Vec::new();
    required_pointers(schema, "", &mut pointers);
    for pointer in pointers {
        let on_purpose =
            OPTIONAL_ON_PURPOSE.iter().any(|(key, _)| *key == format!("{id} {what} {pointer}"));
        let parsed = (body.reserialize)(&without(&full, &pointer));
        if on_purpose {
            assert!(parsed.is_ok(), "{id} {what} {pointer} is listed as optional on purpose");
        } else {
            assert!(parsed.is_err(), "{id} {what} {pointer} is required but parses when absent");
        }
    }
}

// Proves each request and response type reads and writes its schema's examples unchanged and
// rejects a document missing a required member.
#[test]
fn bodies_match_their_schemas() {
    for r in table() {
        let endpoint = support::endpoint(r.id);
        if let Some(body) = &r.request {
            check_examples(r.id, "request", body, &endpoint["request_schema"]);
        }
        if let Some(body) = &r.response {
            check_examples(r.id, "response", body, &endpoint["response_schema"]);
        }
    }
}

fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

// Proves each query type decodes and re-encodes every parameter of its endpoint, and rejects a
// query string missing a required parameter.
#[test]
fn queries_match_their_parameters() {
    for r in table() {
        let Some(q) = &r.query else { continue };
        let params = query_params(&support::endpoint(r.id));
        let pair = |p: &Value| -> (String, String) {
            let value = match scalar_example(p) {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (p["name"].as_str().expect("name").to_owned(), value)
        };
        let all: Vec<(String, String)> = params.iter().map(pair).collect();
        let required: Vec<(String, String)> =
            params.iter().filter(|p| p["required"] == true).map(pair).collect();
        for pairs in [&all, &required] {
            let back = (q.reencode)(pairs)
                .unwrap_or_else(|e| panic!("{} query {pairs:?} does not decode: {e}", r.id));
            assert_eq!(sorted(back), sorted(pairs.clone()), "{} query", r.id);
        }
        for missing in &required {
            let fewer: Vec<_> = all.iter().filter(|p| *p != missing).cloned().collect();
            assert!(
                (q.reencode)(&fewer).is_err(),
                "{} query decodes without required {}",
                r.id,
                missing.0
            );
        }
    }
}
