//! Request signing (S01–S24), front-end re-signing (F01–F05) and the media upload signature,
//! byte for byte against `fixtures/vectors/`.

use serde_json::Value;
use wechatpay_crypto::message::request_message;
use wechatpay_crypto::{Authorization, MediaMeta, SerialNo};

use super::BACKEND;
use crate::support::{arr, merchant_public_key, merchant_signer, s, vector_bytes, vector_json};

#[test]
fn request_signatures_match_s01_to_s24() {
    // Proves that for every request vector the signed message, the raw PKCS#1 v1.5 signature
    // (deterministic, so comparable) and the whole Authorization header are the reference bytes,
    // and that the merchant public key accepts the signature.
    let vectors = vector_json("signature_vectors.json");
    let signer = merchant_signer(BACKEND);
    assert_eq!(signer.mchid(), s(&vectors, "mchid"));
    assert_eq!(signer.serial().as_str(), s(&vectors, "serial_no"));
    let public = merchant_public_key(BACKEND);

    let mut checked = 0;
    for case in arr(&vectors, "cases") {
        let id = s(case, "id");
        let (method, url, nonce, body) =
            (s(case, "method"), s(case, "url"), s(case, "nonce"), s(case, "body"));
        let timestamp = s(case, "timestamp");

        let message = request_message(method, url, timestamp, nonce, body.as_bytes());
        assert_eq!(message, s(case, "message").as_bytes(), "{id}: message");
        let signature = signer.key().sign_base64(&message).unwrap();
        assert_eq!(signature, s(case, "signature"), "{id}: signature");

        let auth = signer
            .authorize_at(method, url, body.as_bytes(), timestamp.parse().unwrap(), nonce)
            .unwrap();
        assert_eq!(auth.to_header_value(), s(case, "authorization"), "{id}: header");

        let raw = wechatpay_crypto::base64::decode(&signature, "signature").unwrap();
        assert_eq!(raw.len(), 256, "{id}: RSA-2048 signatures are 256 bytes");
        assert!(public.verify(&message, &raw), "{id}: own signature does not verify");
        checked += 1;
    }
    assert_eq!(checked, 24);
}

/// Parses the reference header and every library's variant; all must give the same fields.
/// The serial is compared as a [`SerialNo`], ignoring case: node-v3 prints it in lower case.
/// A library the vector marks as disagreeing (`agreement: false`) must differ in the signature
/// only. Returns how many variants agreed.
fn assert_library_headers_parse_alike(
    reference: &str,
    by_library: &Value,
    agreement: Option<&Value>,
    id: &str,
) -> usize {
    let expected = Authorization::parse(reference).unwrap();
    let variants = by_library.as_object().expect("authorization_by_library is an object");
    let mut agreed = 0;
    for (library, header) in variants {
        let parsed = Authorization::parse(header.as_str().unwrap())
            .unwrap_or_else(|e| panic!("{id}: {library}'s header does not parse: {e}"));
        assert_eq!(
            SerialNo::new(&*parsed.serial_no),
            SerialNo::new(&*expected.serial_no),
            "{id}: {library}"
        );
        let normalised = Authorization { serial_no: expected.serial_no.clone(), ..parsed };
        let agrees =
            agreement.is_none_or(|a| a[library.as_str()].as_bool().expect("agreement flag"));
        if agrees {
            assert_eq!(normalised, expected, "{id}: {library}'s header parses to other fields");
            agreed += 1;
        } else {
            assert_ne!(
                normalised.signature, expected.signature,
                "{id}: {library} is marked as disagreeing"
            );
            let signature_only =
                Authorization { signature: expected.signature.clone(), ..normalised };
            assert_eq!(
                signature_only, expected,
                "{id}: {library} differs in more than the signature"
            );
        }
    }
    agreed
}

#[test]
fn authorization_headers_of_every_library_parse_to_the_same_fields() {
    // Proves that the parser takes the parameters in any order: the axios-plugin and node-v3
    // orders give exactly the fields of the official order, for every request vector.
    let vectors = vector_json("signature_vectors.json");
    let signer = merchant_signer(BACKEND);
    let mut parsed = 0;
    for case in arr(&vectors, "cases") {
        let id = s(case, "id");
        let reference = s(case, "authorization");
        parsed += assert_library_headers_parse_alike(
            reference,
            &case["authorization_by_library"],
            Some(&case["agreement"]),
            id,
        );
        let auth = Authorization::parse(reference).unwrap();
        assert_eq!(auth.mchid, signer.mchid(), "{id}");
        assert_eq!(auth.serial_no, signer.serial().as_str(), "{id}");
        assert_eq!(auth.signature, s(case, "signature"), "{id}");
        assert_eq!(auth.to_header_value(), reference, "{id}: parse then format is the identity");
    }
    // Every library agrees on every case but S20, where node-v3 drops the empty body's newline.
    assert_eq!(parsed, 24 * 3 - 1);
}

#[test]
fn node_v3_s20_signature_covers_the_message_without_the_body_newline() {
    // Proves the vectors' note on S20: node-v3's divergent signature is a valid signature over
    // the reference message minus its final newline, which WeChat Pay would reject, while ours
    // covers the reference message.
    let vectors = vector_json("signature_vectors.json");
    let case = arr(&vectors, "cases").iter().find(|c| s(c, "id") == "S20").unwrap();
    let node =
        Authorization::parse(s(&case["authorization_by_library"], "wechatpay-node-v3")).unwrap();
    let node_signature = wechatpay_crypto::base64::decode(&node.signature, "signature").unwrap();
    let message = s(case, "message").as_bytes();
    let public = merchant_public_key(BACKEND);
    assert!(public.verify(&message[..message.len() - 1], &node_signature));
    assert!(!public.verify(message, &node_signature));
}

#[test]
fn front_end_parameters_match_f01_to_f05() {
    // Proves that JSAPI / mini-program and APP invoke parameters, signature included, are
    // exactly the `client_params` object the reference libraries hand to the front end.
    let vectors = vector_json("frontend_sign_vectors.json");
    let signer = merchant_signer(BACKEND);
    let mut checked = 0;
    for case in arr(&vectors, "cases") {
        let id = s(case, "id");
        let fields: Vec<&str> =
            arr(case, "signed_fields").iter().map(|f| f.as_str().unwrap()).collect();
        let [app_id, timestamp, nonce, last] = fields[..] else {
            panic!("{id}: four signed fields")
        };
        let expected = &case["client_params"];
        let actual = match s(case, "kind") {
            "jsapi" => {
                let prepay_id = last.strip_prefix("prepay_id=").expect("package is prepay_id=…");
                let params =
                    signer.jsapi_pay_params_at(app_id, prepay_id, timestamp, nonce).unwrap();
                assert_eq!(params.pay_sign, s(case, "signature"), "{id}");
                serde_json::to_value(params).unwrap()
            }
            "app" => {
                let partner_id = s(expected, "partnerid");
                let params =
                    signer.app_pay_params_at(app_id, partner_id, last, timestamp, nonce).unwrap();
                assert_eq!(params.sign, s(case, "signature"), "{id}");
                serde_json::to_value(params).unwrap()
            }
            other => panic!("{id}: unknown kind {other}"),
        };
        assert_eq!(&actual, expected, "{id}: client_params");
        let message = wechatpay_crypto::message::lines_message(&fields);
        assert_eq!(message, s(case, "message").as_bytes(), "{id}: message");
        checked += 1;
    }
    assert_eq!(checked, 5);
}

#[test]
fn media_upload_meta_and_authorization_match_the_vector() {
    // Proves that the meta JSON of sample.png is the exact string sent and signed, and that the
    // upload's Authorization (which signs only that string) is the reference header.
    let vector = vector_json("media_upload_vector.json");
    let content = vector_bytes(s(&vector, "file"));
    assert_eq!(content.len() as u64, vector["file_size"].as_u64().unwrap());

    let meta = MediaMeta::with_backend("sample.png", &content, BACKEND);
    assert_eq!(meta.sha256, s(&vector, "sha256"));
    let meta_json = meta.to_json();
    assert_eq!(meta_json, s(&vector, "meta_json"));

    let request = &vector["request"];
    let signer = merchant_signer(BACKEND);
    let auth = signer
        .authorize_at(
            s(request, "method"),
            s(request, "url"),
            meta_json.as_bytes(),
            s(request, "timestamp").parse().unwrap(),
            s(request, "nonce"),
        )
        .unwrap();
    assert_eq!(auth.signature, s(request, "signature"));
    assert_eq!(auth.to_header_value(), s(request, "authorization"));
    let parsed = assert_library_headers_parse_alike(
        s(request, "authorization"),
        &vector["authorization_by_library"],
        None,
        "media",
    );
    assert_eq!(parsed, 2, "wechatpayv3 and the axios plugin");
}
