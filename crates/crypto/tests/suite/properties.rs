//! Properties of the backend's primitives over generated inputs. RSA cases are few (32): each
//! costs milliseconds; AES-GCM cases are many.

use std::sync::OnceLock;

use proptest::prelude::*;
use wechatpay_crypto::{ApiV3Key, Authorization, Error, MerchantSigner, PrivateKey, PublicKey};

use super::BACKEND;
use crate::support::{merchant_public_key, merchant_signer};

fn signer() -> &'static MerchantSigner {
    static SIGNER: OnceLock<MerchantSigner> = OnceLock::new();
    SIGNER.get_or_init(|| merchant_signer(BACKEND))
}

fn key() -> &'static PrivateKey {
    signer().key()
}

fn public() -> &'static PublicKey {
    static PUBLIC: OnceLock<PublicKey> = OnceLock::new();
    PUBLIC.get_or_init(|| merchant_public_key(BACKEND))
}

/// A 12-character nonce as WeChat Pay writes them (the AES-GCM nonce is its ASCII bytes).
fn nonce() -> impl Strategy<Value = String> {
    "[0-9A-Za-z]{12}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn signatures_verify(message in proptest::collection::vec(any::<u8>(), 0..512)) {
        // Proves that what the merchant key signs, the merchant public key accepts.
        let signature = key().sign(&message).unwrap();
        prop_assert_eq!(signature.len(), 256);
        prop_assert!(public().verify(&message, &signature));
    }

    #[test]
    fn any_single_byte_change_breaks_a_signature(
        message in proptest::collection::vec(any::<u8>(), 1..256),
        position in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        // Proves that changing one byte of the message, or one byte of the signature, makes
        // verification fail.
        let signature = key().sign(&message).unwrap();
        let mut tampered_message = message.clone();
        let i = position.index(tampered_message.len());
        tampered_message[i] ^= flip;
        prop_assert!(!public().verify(&tampered_message, &signature));
        let mut tampered_signature = signature.clone();
        let j = position.index(tampered_signature.len());
        tampered_signature[j] ^= flip;
        prop_assert!(!public().verify(&message, &tampered_signature));
    }

    #[test]
    fn oaep_round_trips(plaintext in proptest::collection::vec(any::<u8>(), 0..=214)) {
        // Proves that OAEP encryption to the public key decrypts with the private key to the
        // same bytes, for every length up to the 214-byte maximum.
        let ciphertext = public().encrypt_oaep(&plaintext).unwrap();
        let decrypted = key().decrypt_oaep(&ciphertext).unwrap();
        prop_assert_eq!(decrypted.as_slice(), plaintext.as_slice());
    }

    #[test]
    fn signed_authorization_headers_parse_back(
        method in "(GET|POST|PUT|PATCH|DELETE)",
        url in "/v3/[a-z0-9/_-]{0,40}(\\?[a-z_]{1,8}=[A-Za-z0-9%]{0,16})?",
        body in "[ -~]{0,64}",
        timestamp in 0i64..4_102_444_800,
        nonce in "[0-9A-Z]{32}",
    ) {
        // Proves that a header the signer builds parses back to the same fields, and its
        // signature verifies over the request message rebuilt from the parsed fields.
        let auth = signer().authorize_at(&method, &url, body.as_bytes(), timestamp, &nonce).unwrap();
        let parsed = Authorization::parse(&auth.to_header_value()).unwrap();
        prop_assert_eq!(&parsed, &auth);
        let message = wechatpay_crypto::message::request_message(&method, &url, &parsed.timestamp, &parsed.nonce_str, body.as_bytes());
        let signature = wechatpay_crypto::base64::decode(&parsed.signature, "signature").unwrap();
        prop_assert!(public().verify(&message, &signature));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn aes_gcm_round_trips_and_detects_tampering(
        key_bytes in any::<[u8; 32]>(),
        nonce in nonce(),
        aad in "[ -~]{0,32}",
        plaintext in proptest::collection::vec(any::<u8>(), 0..300),
        position in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        // Proves that ApiV3Key encryption decrypts to the same bytes, that the ciphertext is the
        // plaintext plus a 16-byte tag, and that flipping any byte of it fails authentication.
        let key = ApiV3Key::with_backend(key_bytes, BACKEND).unwrap();
        let sealed = key.encrypt(&nonce, &aad, &plaintext).unwrap();
        let decrypted = key.decrypt(&nonce, &aad, &sealed).unwrap();
        prop_assert_eq!(decrypted.as_slice(), plaintext.as_slice());

        let mut raw = wechatpay_crypto::base64::decode(&sealed, "ciphertext").unwrap();
        prop_assert_eq!(raw.len(), plaintext.len() + 16);
        let i = position.index(raw.len());
        raw[i] ^= flip;
        let tampered = wechatpay_crypto::base64::encode(&raw);
        prop_assert_eq!(key.decrypt(&nonce, &aad, &tampered).map(|p| p.len()), Err(Error::AeadAuthentication));
    }
}
