//! Helpers shared by the integration tests: fixtures and round-trip checks.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// fixtures/api/endpoints.json.
pub(crate) const ENDPOINTS: &str = include_str!("../../../../fixtures/api/endpoints.json");

/// fixtures/vectors/signature_vectors.json.
pub(crate) const SIGNATURE_VECTORS: &str =
    include_str!("../../../../fixtures/vectors/signature_vectors.json");

/// Every endpoint object of endpoints.json.
pub(crate) fn endpoints() -> Vec<Value> {
    let root: Value = serde_json::from_str(ENDPOINTS).expect("endpoints.json is JSON");
    root["endpoints"].as_array().expect("endpoints is an array").clone()
}

/// The endpoint with the given id.
pub(crate) fn endpoint(id: &str) -> Value {
    endpoints()
        .into_iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("endpoint {id} exists"))
}

/// The `body` of a signature vector case.
pub(crate) fn signature_vector_body(id: &str) -> String {
    let root: Value = serde_json::from_str(SIGNATURE_VECTORS).expect("vectors are JSON");
    root["cases"]
        .as_array()
        .expect("cases is an array")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("case {id} exists"))["body"]
        .as_str()
        .expect("body is a string")
        .to_owned()
}

/// Parses `text` as `T` and checks that serializing gives back the same JSON value
/// (member order aside: WeChat Pay's order is not significant).
pub(crate) fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> T {
    let parsed: T = serde_json::from_str(text).expect("parses");
    let original: Value = serde_json::from_str(text).expect("is JSON");
    assert_eq!(serde_json::to_value(&parsed).expect("serializes"), original);
    parsed
}

/// Encodes `params` as a query string, decodes it back, and checks both directions agree.
pub(crate) fn query_round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    params: &T,
) -> String {
    let query = serde_urlencoded::to_string(params).expect("encodes");
    let back: T = serde_urlencoded::from_str(&query).expect("decodes");
    assert_eq!(&back, params);
    query
}
