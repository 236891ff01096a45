//! Fixture loading shared by every suite file. Everything is read from the repository
//! (`fixtures/`, `tests/data/`), never from outside it; a missing or malformed fixture panics
//! with its name, which fails the test that asked for it.

use std::path::{Path, PathBuf};

use serde_json::Value;
use wechatpay_crypto::{
    Backend, Certificate, MerchantSigner, PrivateKey, PublicKey, Verifier, WechatPayPublicKey,
};

/// The repository root (the crate sits in `crates/crypto`).
pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file under `fixtures/vectors/`, as text.
pub(crate) fn vector_text(rel: &str) -> String {
    read_text(&repo_root().join("fixtures/vectors").join(rel))
}

/// A file under `fixtures/vectors/`, as bytes.
pub(crate) fn vector_bytes(rel: &str) -> Vec<u8> {
    let path = repo_root().join("fixtures/vectors").join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// A file under `crates/crypto/tests/data/`, as text.
pub(crate) fn test_data_text(rel: &str) -> String {
    read_text(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(rel))
}

fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn parse_json(text: &str, name: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("parsing {name}: {e}"))
}

/// A JSON file under `fixtures/vectors/`.
pub(crate) fn vector_json(name: &str) -> Value {
    parse_json(&vector_text(name), name)
}

/// A JSON file under `fixtures/wycheproof/`.
pub(crate) fn wycheproof_json(name: &str) -> Value {
    parse_json(&read_text(&repo_root().join("fixtures/wycheproof").join(name)), name)
}

/// `fixtures/vectors/test_identity.json`.
pub(crate) fn identity() -> Value {
    vector_json("test_identity.json")
}

/// A string field; panics naming the field if it is absent or not a string.
pub(crate) fn s<'a>(value: &'a Value, key: &str) -> &'a str {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("field `{key}` missing or not a string in {value}"))
}

/// An array field; panics naming the field if it is absent or not an array.
pub(crate) fn arr<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_else(|| panic!("field `{key}` missing or not an array"))
}

/// A string field holding a decimal integer (timestamps are strings in the vectors).
pub(crate) fn int(value: &Value, key: &str) -> i64 {
    s(value, key).parse().unwrap_or_else(|e| panic!("field `{key}` is not an integer: {e}"))
}

/// Lower-case or upper-case hex to bytes.
pub(crate) fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text).unwrap_or_else(|e| panic!("bad hex {text:?}: {e}"))
}

/// A private key from `fixtures/vectors/<rel>`.
pub(crate) fn private_key(rel: &str, backend: Backend) -> PrivateKey {
    PrivateKey::from_pem_with(vector_text(rel), backend)
        .unwrap_or_else(|e| panic!("loading {rel}: {e}"))
}

/// A public key from `fixtures/vectors/<rel>`.
pub(crate) fn public_key(rel: &str, backend: Backend) -> PublicKey {
    PublicKey::from_pem_with(vector_text(rel), backend)
        .unwrap_or_else(|e| panic!("loading {rel}: {e}"))
}

/// A certificate from `fixtures/vectors/<rel>`.
pub(crate) fn certificate(rel: &str, backend: Backend) -> Certificate {
    Certificate::from_pem_with(vector_text(rel), backend)
        .unwrap_or_else(|e| panic!("loading {rel}: {e}"))
}

/// The merchant API private key (`keys/apiclient_key.pem`).
pub(crate) fn merchant_key(backend: Backend) -> PrivateKey {
    private_key("keys/apiclient_key.pem", backend)
}

/// The merchant public key (`keys/apiclient_pub.pem`).
pub(crate) fn merchant_public_key(backend: Backend) -> PublicKey {
    public_key("keys/apiclient_pub.pem", backend)
}

/// The WeChat Pay public key with its id, as the vectors name it.
pub(crate) fn wechatpay_public_key(backend: Backend) -> WechatPayPublicKey {
    let id = s(&identity(), "wechatpay_public_key_id").to_owned();
    WechatPayPublicKey::new(id, public_key("keys/pub_key.pem", backend)).unwrap()
}

/// The merchant signer of the vectors: sp_mchid, the API certificate serial, the API key.
pub(crate) fn merchant_signer(backend: Backend) -> MerchantSigner {
    let id = identity();
    MerchantSigner::new(s(&id, "sp_mchid"), s(&id, "merchant_cert_serial"), merchant_key(backend))
        .unwrap()
}

/// A verifier trusting the keys of a `trusted_keys` map (serial or id → key file).
pub(crate) fn verifier_for(trusted_keys: &Value, backend: Backend) -> Verifier {
    let map = trusted_keys.as_object().expect("trusted_keys is an object");
    let mut verifier = Verifier::new();
    for (serial, file) in map {
        let file = file.as_str().expect("key file name");
        if wechatpay_crypto::is_public_key_id(serial) {
            let key = WechatPayPublicKey::new(serial.clone(), public_key(file, backend)).unwrap();
            verifier.add_public_key(key);
        } else {
            let cert = certificate(file, backend);
            assert_eq!(
                cert.serial().as_str(),
                serial,
                "{file} has another serial than trusted_keys says"
            );
            verifier.add_certificate(cert);
        }
    }
    verifier
}

/// A verifier trusting both the platform certificate and the WeChat Pay public key.
pub(crate) fn full_verifier(backend: Backend) -> Verifier {
    let mut verifier = Verifier::new();
    verifier.add_certificate(certificate("keys/wechatpay_platform_cert.pem", backend));
    verifier.add_public_key(wechatpay_public_key(backend));
    verifier
}
