//! Media upload response type.

#![cfg(feature = "media")]

mod support;

use support::round_trip;
use wechatpay_models::media::MediaUploadResponse;

// Proves the upload response parses, keeps the MediaID verbatim, and rejects a body without it.
#[test]
fn upload_response_round_trips() {
    let response: MediaUploadResponse = round_trip(
        r#"{"media_id":"H1ihR9h1uVgQXuaIYvvb5gqLFkvPsJqyGrEmcgMJgG8fgcl5fW-2upCEOsAXL6aWnVfrCdPs0y_ShZWWmlPaD4-lq3Bj9jKv58R6r0eByyJSE0z4iMS0ahOABAvgaUAl0FGovaP4UqScTS7iF8GZyA"}"#,
    );
    assert!(response.media_id.starts_with("H1ihR9h1"));
    assert!(serde_json::from_str::<MediaUploadResponse>("{}").is_err());
}
