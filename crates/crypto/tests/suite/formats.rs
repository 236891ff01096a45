//! Signed-message formats and Authorization parsing. No backend is involved, so this file is
//! mounted once, not once per backend.

use proptest::prelude::*;
use wechatpay_crypto::message::{lines_message, request_message, response_message};
use wechatpay_crypto::{Authorization, Error};

const HEADER: &str = "WECHATPAY2-SHA256-RSA2048 mchid=\"1900000100\",nonce_str=\"N\",signature=\"c2ln\",timestamp=\"1735689600\",serial_no=\"3A2B\"";

#[test]
fn malformed_authorization_headers_say_what_is_wrong() {
    // Proves that the parser refuses another scheme, a missing, duplicated or unquoted
    // parameter and a missing separator, and ignores unknown parameters and extra spaces.
    let fields = Authorization::parse(HEADER).unwrap();
    assert_eq!(
        (
            fields.mchid.as_str(),
            fields.nonce_str.as_str(),
            fields.signature.as_str(),
            fields.timestamp.as_str(),
            fields.serial_no.as_str()
        ),
        ("1900000100", "N", "c2ln", "1735689600", "3A2B")
    );
    let spaced = "WECHATPAY2-SHA256-RSA2048  serial_no = \"3A2B\" , extra=\"x\", timestamp=\"1735689600\",signature=\"c2ln\",nonce_str=\"N\",mchid=\"1900000100\"  ";
    assert_eq!(Authorization::parse(spaced).unwrap(), fields);

    assert_eq!(
        Authorization::parse(&HEADER.replace("WECHATPAY2-SHA256-RSA2048", "Bearer")),
        Err(Error::UnsupportedSignatureType("Bearer".into()))
    );
    let malformed = |header: &str| {
        matches!(Authorization::parse(header), Err(Error::MalformedAuthorization(_)))
    };
    assert!(malformed("WECHATPAY2-SHA256-RSA2048"));
    assert!(malformed(""));
    assert!(malformed(&HEADER.replace(",serial_no=\"3A2B\"", "")));
    assert!(malformed(&format!("{HEADER},mchid=\"1\"")));
    assert!(malformed(&HEADER.replace("\"N\"", "N")));
    assert!(malformed(&HEADER.replace("\"N\"", "\"N")));
    assert!(malformed(&HEADER.replace(",signature", " signature")));
    assert!(malformed(&format!("{HEADER},{}", "x".repeat(5000))));
}

#[test]
fn messages_are_lines_each_ending_in_a_newline() {
    // Proves the exact byte layout of the three signed messages, empty body included (the
    // reference keeps the body's newline where wechatpay-node-v3 drops it, S20).
    assert_eq!(request_message("DELETE", "/v3/x", "1", "n", b""), b"DELETE\n/v3/x\n1\nn\n\n");
    assert_eq!(response_message("1", "n", b"{}"), b"1\nn\n{}\n");
    assert_eq!(lines_message(&["a", "b"]), b"a\nb\n");
    assert_eq!(lines_message(&[]), b"");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn parse_never_panics(header in "\\PC{0,300}") {
        // Proves that arbitrary text, however broken, gets a result and never a panic.
        let _ = Authorization::parse(&header);
    }

    #[test]
    fn parse_never_panics_on_near_misses(
        params in proptest::collection::vec(("[a-z_]{0,10}", "[ =\",a-zA-Z0-9]{0,12}"), 0..8),
    ) {
        // Proves the same for inputs close to a real header, which reach the deeper branches.
        let body: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = Authorization::parse(&format!("WECHATPAY2-SHA256-RSA2048 {}", body.join(",")));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn header_value_parses_back(
        mchid in "[0-9]{1,12}",
        nonce_str in "[0-9A-Za-z]{0,32}",
        signature in "[A-Za-z0-9+/=]{0,344}",
        timestamp in "[0-9]{1,10}",
        serial_no in "[0-9A-F]{0,40}|PUB_KEY_ID_[0-9]{1,28}",
    ) {
        // Proves that to_header_value then parse is the identity for any field values free of
        // quotes.
        let auth = Authorization { mchid, nonce_str, signature, timestamp, serial_no };
        prop_assert_eq!(Authorization::parse(&auth.to_header_value()), Ok(auth));
    }

    #[test]
    fn request_message_splits_back_into_its_parts(
        method in "[A-Z]{1,7}",
        url in "/[ -~]{0,60}",
        timestamp in "[0-9]{1,10}",
        nonce in "[0-9A-Za-z]{1,32}",
        body in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        // Proves that the request message is METHOD, URL, TIMESTAMP, NONCE and BODY, each
        // followed by one newline, for any body bytes (newlines included).
        let message = request_message(&method, &url, &timestamp, &nonce, &body);
        let head = [method.as_bytes(), url.as_bytes(), timestamp.as_bytes(), nonce.as_bytes()].join(&b'\n');
        prop_assert_eq!(message.len(), head.len() + body.len() + 2);
        prop_assert!(message.starts_with(&head));
        let rest = &message[head.len()..];
        prop_assert_eq!(rest[0], b'\n');
        prop_assert_eq!(&rest[1..rest.len() - 1], body.as_slice());
        prop_assert_eq!(rest[rest.len() - 1], b'\n');
        prop_assert_eq!(response_message(&timestamp, &nonce, &body), [&message[method.len() + url.len() + 2..]].concat());
    }
}
