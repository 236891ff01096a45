//! Shared fixtures for the wechatpay-crypto benchmarks.
//!
//! Everything a benchmark touches is loaded once, before timing starts, from the test vectors
//! in `fixtures/vectors/` (test-only keys; see the README there), with the backend under test.
//! [`Fixtures::load`] also runs every benchmarked operation once and checks its result, so a
//! benchmark can never end up timing an error path (a verifier that rejects early, a decryption
//! that fails on the tag) and report it as a fast success.
#![forbid(unsafe_code)]

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use wechatpay_crypto::backend::{Backend, AWS_LC, RUST_CRYPTO};
use wechatpay_crypto::message::{request_message, response_message};
use wechatpay_crypto::{
    ApiV3Key, Certificate, MerchantSigner, PrivateKey, PublicKey, SignatureHeaders, Verifier,
    WechatPayPublicKey,
};

/// Every backend wechatpay-crypto offers, the default (`aws-lc`) first.
pub const BACKENDS: [Backend; 2] = [AWS_LC, RUST_CRYPTO];

/// The request every signing benchmark signs: a partner JSAPI order, as a platform places it
/// for one of its sub-merchants. Its signed message is about 600 bytes, a typical size for
/// a WeChat Pay POST (order queries are shorter, applyments much longer).
pub const REQUEST_METHOD: &str = "POST";
/// The request-target of [`REQUEST_METHOD`]'s request.
pub const REQUEST_URL: &str = "/v3/pay/partner/transactions/jsapi";
/// The body of [`REQUEST_METHOD`]'s request, compact JSON with raw UTF-8 as the SDK sends it.
pub const REQUEST_BODY: &str = concat!(
    r#"{"sp_appid":"wx8888888888888888","sp_mchid":"1900000100","sub_appid":"wxd678efh567hg6999","#,
    r#""sub_mchid":"1900000109","description":"Image形象店-深圳腾大-QQ公仔","#,
    r#""out_trade_no":"1217752501201407033233368018","time_expire":"2025-06-08T10:34:56+08:00","#,
    r#""attach":"自定义数据说明","notify_url":"https://www.weixin.qq.com/wxpay/pay.php","#,
    r#""goods_tag":"WXG","settle_info":{"profit_sharing":true},"amount":{"total":100,"currency":"CNY"},"#,
    r#""payer":{"sub_openid":"oUpF8uMEb4qRXf22hE3X68TekukE"},"scene_info":{"payer_client_ip":"14.23.150.211"}}"#,
);

/// Size of the callback resource plaintext the AES-GCM benchmark decrypts.
pub const CALLBACK_PLAINTEXT_LEN: usize = 1024;

/// The AES-GCM nonce and associated data of the benchmarked callback resource (12 ASCII
/// bytes, and the `associated_data` WeChat Pay puts on payment callbacks).
const CALLBACK_NONCE: &str = "fdasflkja484";
const CALLBACK_ASSOCIATED_DATA: &str = "transaction";

/// The sensitive field the OAEP benchmarks encrypt and decrypt: an 18-character ID card
/// number, the kind of field an applyment carries.
const OAEP_VECTOR_ID: &str = "O-M03";

/// Why the fixtures could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// A fixture file could not be read.
    #[error("cannot read fixture {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A vector file is not valid JSON.
    #[error("fixture {path} is not JSON")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
    /// A vector file lacks a value the benchmarks need.
    #[error("fixture {file}: missing {what}")]
    Missing {
        /// The file, relative to `fixtures/vectors/`.
        file: &'static str,
        /// What was looked for.
        what: &'static str,
    },
    /// wechatpay-crypto refused a fixture or failed an operation.
    #[error("{what} failed with backend {backend}")]
    Crypto {
        /// The step.
        what: &'static str,
        /// The backend name.
        backend: &'static str,
        /// The crypto error.
        #[source]
        source: wechatpay_crypto::Error,
    },
    /// An operation succeeded but gave the wrong answer.
    #[error("{what} gave a wrong result with backend {backend}")]
    WrongResult {
        /// The step.
        what: &'static str,
        /// The backend name.
        backend: &'static str,
    },
}

/// A response as WeChat Pay signs it: the `Wechatpay-*` headers and the raw body.
#[derive(Debug, Clone)]
pub struct SignedResponse {
    /// `Wechatpay-Timestamp`.
    pub timestamp: String,
    /// `Wechatpay-Nonce`.
    pub nonce: String,
    /// `Wechatpay-Serial`.
    pub serial: String,
    /// `Wechatpay-Signature`, base64.
    pub signature: String,
    /// `Wechatpay-Signature-Type`.
    pub signature_type: String,
    /// The raw body bytes.
    pub body: Vec<u8>,
    /// A verifier clock (unix seconds) at which the response is fresh.
    pub verify_at: i64,
}

impl SignedResponse {
    /// The headers in the form [`Verifier::verify`] takes.
    pub fn headers(&self) -> SignatureHeaders<'_> {
        SignatureHeaders {
            timestamp: &self.timestamp,
            nonce: &self.nonce,
            serial: &self.serial,
            signature: &self.signature,
            signature_type: Some(&self.signature_type),
        }
    }
}

/// An encrypted callback `resource`: what [`ApiV3Key::decrypt`] takes.
#[derive(Debug, Clone)]
pub struct CallbackResource {
    /// `resource.nonce`.
    pub nonce: String,
    /// `resource.associated_data`.
    pub associated_data: String,
    /// `resource.ciphertext`, base64 of `ct || tag`.
    pub ciphertext: String,
}

/// Keys, a signer, a verifier and inputs for every benchmarked operation, all on one backend.
#[derive(Debug, Clone)]
pub struct Fixtures {
    /// The backend everything here was loaded with.
    pub backend: Backend,
    /// The merchant API private key (`apiclient_key.pem`).
    pub merchant_key: PrivateKey,
    /// A signer for the test merchant, with the system clock and random nonces, as in
    /// production.
    pub signer: MerchantSigner,
    /// The signed message of the benchmarked request (see [`REQUEST_BODY`]).
    pub request_message: Vec<u8>,
    /// A verifier trusting the platform certificate and the WeChat Pay public key.
    pub verifier: Verifier,
    /// A signed partner order query response (vector R01, 560-byte body).
    pub response: SignedResponse,
    /// The message WeChat Pay signed for [`Fixtures::response`] (`TIMESTAMP\nNONCE\nBODY\n`).
    pub response_message: Vec<u8>,
    /// The raw bytes of [`Fixtures::response`]'s signature.
    pub response_signature: Vec<u8>,
    /// The APIv3 key.
    pub api_v3_key: ApiV3Key,
    /// A 1 KiB callback resource encrypted with [`Fixtures::api_v3_key`].
    pub callback: CallbackResource,
    /// The platform certificate's public key, which sensitive request fields are encrypted to.
    pub platform_public_key: PublicKey,
    /// A sensitive field in clear.
    pub sensitive_plaintext: String,
    /// The same field OAEP-encrypted to the merchant key by python-cryptography (raw bytes).
    pub sensitive_ciphertext: Vec<u8>,
}

/// The repository's `fixtures/vectors/` directory.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/vectors")
}

fn read(relative: &str) -> Result<String, FixtureError> {
    let path = vectors_dir().join(relative);
    fs::read_to_string(&path).map_err(|source| FixtureError::Read { path, source })
}

fn read_json(relative: &'static str) -> Result<Value, FixtureError> {
    let text = read(relative)?;
    serde_json::from_str(&text)
        .map_err(|source| FixtureError::Json { path: vectors_dir().join(relative), source })
}

/// The string at `key` of `value`.
fn string(value: &Value, key: &'static str, file: &'static str) -> Result<String, FixtureError> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or(FixtureError::Missing { file, what: key })
}

/// The element of the array `list` of `doc` whose `id` is `id`.
fn case<'a>(
    doc: &'a Value,
    list: &'static str,
    id: &str,
    file: &'static str,
) -> Result<&'a Value, FixtureError> {
    doc.get(list)
        .and_then(Value::as_array)
        .and_then(|cases| cases.iter().find(|c| c.get("id").and_then(Value::as_str) == Some(id)))
        .ok_or(FixtureError::Missing { file, what: "benchmarked case" })
}

/// A callback resource plaintext of exactly `len` bytes: the combine-order callback of vector
/// N02, with its `attach` field lengthened (real callbacks carry such merchant data).
fn callback_plaintext(len: usize) -> Result<String, FixtureError> {
    const FILE: &str = "notify_vectors.json";
    let doc = read_json(FILE)?;
    let base = string(case(&doc, "cases", "N02", FILE)?, "plaintext", FILE)?;
    let rest = base
        .strip_prefix('{')
        .ok_or(FixtureError::Missing { file: FILE, what: "JSON object plaintext" })?;
    let frame = r#"{"attach":"","#.len() + rest.len();
    let pad = len
        .checked_sub(frame)
        .ok_or(FixtureError::Missing { file: FILE, what: "plaintext shorter than 1 KiB" })?;
    Ok(format!(r#"{{"attach":"{}",{rest}"#, "x".repeat(pad)))
}

impl Fixtures {
    /// Loads every fixture with `backend` and checks each benchmarked operation once.
    ///
    /// # Errors
    /// [`FixtureError`] naming the file or the step that failed.
    pub fn load(backend: Backend) -> Result<Self, FixtureError> {
        let name = backend.name;
        let crypto =
            |what: &'static str| move |source| FixtureError::Crypto { what, backend: name, source };
        let check = |ok: bool, what: &'static str| {
            if ok {
                Ok(())
            } else {
                Err(FixtureError::WrongResult { what, backend: name })
            }
        };

        let identity = read_json("test_identity.json")?;
        let mchid = string(&identity, "sp_mchid", "test_identity.json")?;
        let merchant_serial = string(&identity, "merchant_cert_serial", "test_identity.json")?;
        let public_key_id = string(&identity, "wechatpay_public_key_id", "test_identity.json")?;
        let api_v3_key = string(&identity, "apiv3_key", "test_identity.json")?;

        let merchant_key = PrivateKey::from_pem_with(read("keys/apiclient_key.pem")?, backend)
            .map_err(crypto("loading apiclient_key.pem"))?;
        let merchant_public = PublicKey::from_pem_with(read("keys/apiclient_pub.pem")?, backend)
            .map_err(crypto("loading apiclient_pub.pem"))?;
        let platform_cert =
            Certificate::from_pem_with(read("keys/wechatpay_platform_cert.pem")?, backend)
                .map_err(crypto("loading wechatpay_platform_cert.pem"))?;
        let wechatpay_public = PublicKey::from_pem_with(read("keys/pub_key.pem")?, backend)
            .map_err(crypto("loading pub_key.pem"))?;
        let wechatpay_public = WechatPayPublicKey::new(public_key_id, wechatpay_public)
            .map_err(crypto("pairing pub_key.pem with its id"))?;

        // Signing: the message is what `MerchantSigner::authorize` builds, with a fixed
        // timestamp and a 32-character nonce.
        let request_message = request_message(
            REQUEST_METHOD,
            REQUEST_URL,
            "1735689600",
            "cjOcGKOW6Dgg8xNXFii1Wh2vUe4jyaU1",
            REQUEST_BODY.as_bytes(),
        );
        let signature = merchant_key.sign(&request_message).map_err(crypto("RSA signing"))?;
        check(merchant_public.verify(&request_message, &signature), "RSA signing")?;
        let signer = MerchantSigner::new(mchid, merchant_serial, merchant_key.clone())
            .map_err(crypto("building the merchant signer"))?;
        let header = signer
            .authorize(REQUEST_METHOD, REQUEST_URL, REQUEST_BODY.as_bytes())
            .map_err(crypto("building the Authorization header"))?
            .to_header_value();
        check(
            header.starts_with("WECHATPAY2-SHA256-RSA2048 mchid="),
            "building the Authorization header",
        )?;

        // Verification: a platform-certificate-signed response, as most responses are.
        const RESPONSES: &str = "response_verification_vectors.json";
        let responses = read_json(RESPONSES)?;
        let r01 = case(&responses, "cases", "R01", RESPONSES)?;
        let response = SignedResponse {
            timestamp: string(r01, "timestamp", RESPONSES)?,
            nonce: string(r01, "nonce", RESPONSES)?,
            serial: string(r01, "serial", RESPONSES)?,
            signature: string(r01, "signature", RESPONSES)?,
            signature_type: string(r01, "signature_type", RESPONSES)?,
            body: string(r01, "body", RESPONSES)?.into_bytes(),
            verify_at: string(r01, "verify_at", RESPONSES)?.parse().map_err(|_| {
                FixtureError::Missing { file: RESPONSES, what: "numeric verify_at" }
            })?,
        };
        let mut verifier = Verifier::new();
        let platform_public_key = platform_cert.public_key().clone();
        verifier.add_certificate(platform_cert);
        verifier.add_public_key(wechatpay_public);
        verifier
            .verify(&response.headers(), &response.body, response.verify_at)
            .map_err(crypto("verifying response R01"))?;
        // The bare RSA verification inside `Verifier::verify`, to tell its cost from the
        // verifier's own work (checks, lookup, base64, message building).
        let response_message =
            response_message(&response.timestamp, &response.nonce, &response.body);
        let response_signature = wechatpay_crypto::base64::decode(&response.signature, "signature")
            .map_err(crypto("decoding the R01 signature"))?;
        check(
            platform_public_key.verify(&response_message, &response_signature),
            "RSA verification",
        )?;

        // AES-GCM: a 1 KiB resource, encrypted here because no vector has that size.
        let api_v3_key =
            ApiV3Key::with_backend(api_v3_key, backend).map_err(crypto("loading the APIv3 key"))?;
        let plaintext = callback_plaintext(CALLBACK_PLAINTEXT_LEN)?;
        let callback = CallbackResource {
            nonce: CALLBACK_NONCE.to_owned(),
            associated_data: CALLBACK_ASSOCIATED_DATA.to_owned(),
            ciphertext: api_v3_key
                .encrypt(CALLBACK_NONCE, CALLBACK_ASSOCIATED_DATA, plaintext.as_bytes())
                .map_err(crypto("AES-GCM encryption"))?,
        };
        let decrypted = api_v3_key
            .decrypt(&callback.nonce, &callback.associated_data, &callback.ciphertext)
            .map_err(crypto("AES-GCM decryption"))?;
        check(decrypted.as_slice() == plaintext.as_bytes(), "AES-GCM decryption")?;

        // OAEP: a third-party ciphertext to the merchant key, and the same field encrypted
        // to the platform certificate.
        const OAEP: &str = "rsa_oaep_vectors.json";
        let oaep = read_json(OAEP)?;
        let field = case(&oaep, "to_merchant_key", OAEP_VECTOR_ID, OAEP)?;
        let sensitive_plaintext = string(field, "plaintext", OAEP)?;
        let sensitive_ciphertext =
            wechatpay_crypto::base64::decode(&string(field, "ciphertext", OAEP)?, "ciphertext")
                .map_err(crypto("decoding the OAEP vector"))?;
        let decrypted =
            merchant_key.decrypt_oaep(&sensitive_ciphertext).map_err(crypto("OAEP decryption"))?;
        check(decrypted.as_slice() == sensitive_plaintext.as_bytes(), "OAEP decryption")?;
        let encrypted = platform_public_key
            .encrypt_oaep(sensitive_plaintext.as_bytes())
            .map_err(crypto("OAEP encryption"))?;
        check(encrypted.len() == 256, "OAEP encryption")?;

        Ok(Self {
            backend,
            merchant_key,
            signer,
            request_message,
            verifier,
            response,
            response_message,
            response_signature,
            api_v3_key,
            callback,
            platform_public_key,
            sensitive_plaintext,
            sensitive_ciphertext,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves that every backend loads the fixtures and that each benchmarked operation
    // succeeds with the right result on it, so no benchmark times an error path.
    #[test]
    fn fixtures_load_and_check_with_every_backend() {
        for backend in BACKENDS {
            let fixtures = Fixtures::load(backend).unwrap();
            assert_eq!(fixtures.backend.name, backend.name);
        }
    }

    // Proves the benchmarked request message has the advertised typical size (about 600 bytes),
    // so the figures in docs/performance.md describe what they claim to.
    #[test]
    fn request_message_is_about_600_bytes() {
        let fixtures = Fixtures::load(AWS_LC).unwrap();
        let len = fixtures.request_message.len();
        assert!((550..=700).contains(&len), "request message is {len} bytes");
    }

    // Proves the AES-GCM benchmark decrypts exactly 1 KiB of plaintext.
    #[test]
    fn callback_plaintext_is_one_kib_of_json() {
        let plaintext = callback_plaintext(CALLBACK_PLAINTEXT_LEN).unwrap();
        assert_eq!(plaintext.len(), 1024);
        let parsed: Value = serde_json::from_str(&plaintext).unwrap();
        assert!(parsed.get("sub_orders").is_some());
    }
}
