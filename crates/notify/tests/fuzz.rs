//! Property tests: no header value or body, signed or not, makes the parser panic, and every
//! refusal comes with a failure reply.

mod common;

use common::{callback, parser_at, Callback};
use http::{HeaderName, HeaderValue};
use proptest::prelude::*;
use wechatpay_notify::NotifyParser;

const NOW: i64 = 1_735_699_000;
const HEADERS: [&str; 6] = [
    "Wechatpay-Timestamp",
    "Wechatpay-Nonce",
    "Wechatpay-Serial",
    "Wechatpay-Signature",
    "Wechatpay-Signature-Type",
    "Request-ID",
];

fn parser() -> NotifyParser {
    parser_at(NOW)
}

/// Parses and checks the outcome is consistent: an error always has a 4xx/5xx reply.
fn check(parser: &NotifyParser, cb: &Callback) {
    if let Err(e) = parser.parse(&cb.headers, &cb.body) {
        let reply = e.reply();
        assert!(reply.status().is_client_error() || reply.status().is_server_error());
        assert!(reply.body().starts_with(br#"{"code":"FAIL""#));
    }
    let _ = parser.parse_as::<serde_json::Value>(&cb.headers, &cb.body);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    // Proves arbitrary bytes in any one header (anything HeaderValue accepts) never panic.
    #[test]
    fn arbitrary_header_values(index in 0..HEADERS.len(), value in proptest::collection::vec(any::<u8>(), 0..1200)) {
        let mut cb = callback("N01");
        if let Ok(value) = HeaderValue::from_bytes(&value) {
            cb.headers.insert(HeaderName::from_bytes(HEADERS[index].as_bytes()).unwrap(), value);
            check(&parser(), &cb);
        }
    }

    // Proves arbitrary unsigned bodies never panic (they stop at the signature).
    #[test]
    fn arbitrary_bodies(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut cb = callback("N01");
        cb.body = body;
        check(&parser(), &cb);
    }

    // Proves arbitrary bodies that *are* correctly signed never panic either, so the envelope,
    // decryption and decoding steps see hostile input too.
    #[test]
    fn arbitrary_signed_bodies(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut cb = callback("N01");
        cb.body = body;
        cb.resign();
        let parsed = parser().parse(&cb.headers, &cb.body);
        prop_assert!(!matches!(parsed, Err(wechatpay_notify::Error::Signature(_))));
    }

    // Proves signed envelopes with any resource member values (strings of any content in
    // nonce, ciphertext, associated_data, event_type) never panic.
    #[test]
    fn arbitrary_signed_resources(
        nonce in ".{0,20}",
        ciphertext in "[A-Za-z0-9+/=]{0,64}|.{0,64}",
        associated_data in proptest::option::of(".{0,16}"),
        event_type in "[A-Z.]{0,24}",
    ) {
        let mut cb = callback("N01");
        let mut envelope = cb.envelope();
        envelope["event_type"] = event_type.into();
        envelope["resource"]["nonce"] = nonce.into();
        envelope["resource"]["ciphertext"] = ciphertext.into();
        envelope["resource"]["associated_data"] = associated_data.into();
        cb.set_envelope(&envelope);
        let err = parser().parse(&cb.headers, &cb.body).unwrap_err();
        prop_assert!(matches!(err, wechatpay_notify::Error::Decrypt(_)), "{:?}", err);
    }
}
