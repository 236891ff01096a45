//! RSA-OAEP (SHA-1, MGF1-SHA-1) sensitive fields against `fixtures/vectors/rsa_oaep_vectors.json`.
//! OAEP is randomised, so ciphertexts are decrypted and plaintexts compared.

use wechatpay_crypto::{EncryptionKey, Error, Verifier};

use super::BACKEND;
use crate::support::{
    arr, certificate, full_verifier, merchant_key, private_key, s, vector_json,
    wechatpay_public_key,
};

#[test]
fn client_side_ciphertexts_decrypt_with_the_platform_and_public_key_private_halves() {
    // Proves that what clients (python-cryptography, wechatpayv3) encrypt to the platform
    // certificate and to the WeChat Pay public key decrypts, with the matching private key, to
    // the plaintext, the 214-byte maximum included.
    let vectors = vector_json("rsa_oaep_vectors.json");
    let mut checked = 0;
    for group in ["to_platform_certificate", "to_wechatpay_public_key"] {
        for case in arr(&vectors, group) {
            let id = s(case, "id");
            let key = private_key(s(case, "decrypt_with"), BACKEND);
            let plaintext = key.decrypt_field(s(case, "ciphertext")).unwrap();
            assert_eq!(plaintext.as_str(), s(case, "plaintext"), "{id}");
            checked += 1;
        }
    }
    assert_eq!(checked, 20);
}

#[test]
fn encryption_key_announces_the_serial_the_vectors_expect() {
    // Proves that the key chosen to encrypt sensitive fields carries the Wechatpay-Serial the
    // vectors give: the platform certificate serial in certificate mode, the public key id as
    // soon as a WeChat Pay public key is trusted, and that each encrypts to its own key.
    let vectors = vector_json("rsa_oaep_vectors.json");
    let now = 1_735_700_000;

    let mut cert_mode = Verifier::new();
    cert_mode.add_certificate(certificate("keys/wechatpay_platform_cert.pem", BACKEND));
    let cert_key = cert_mode.encryption_key(now).unwrap();
    let pub_key = full_verifier(BACKEND).encryption_key(now).unwrap();

    for (group, key, decrypt_with) in [
        ("to_platform_certificate", &cert_key, "keys/wechatpay_platform_key.pem"),
        ("to_wechatpay_public_key", &pub_key, "keys/pub_key_private.pem"),
    ] {
        let cases = arr(&vectors, group);
        assert_eq!(cases.len(), 10, "{group}");
        for case in cases {
            assert_eq!(
                key.serial().as_str(),
                s(case, "wechatpay_serial_header"),
                "{}",
                s(case, "id")
            );
        }
        let field = key.encrypt("张三").unwrap();
        assert_eq!(
            private_key(decrypt_with, BACKEND).decrypt_field(&field).unwrap().as_str(),
            "张三",
            "{group}"
        );
    }
    assert_eq!(
        Verifier::new().encryption_key(now).map(|k| k.serial().clone()),
        Err(Error::NoEncryptionKey)
    );
}

#[test]
fn server_side_ciphertexts_decrypt_with_the_merchant_key() {
    // Proves that what WeChat Pay returns encrypted to the merchant (python-cryptography, the
    // axios plugin and node-v3 ciphertexts) decrypts with apiclient_key.pem.
    let vectors = vector_json("rsa_oaep_vectors.json");
    let key = merchant_key(BACKEND);
    let mut checked = 0;
    for case in arr(&vectors, "to_merchant_key") {
        let id = s(case, "id");
        assert_eq!(
            key.decrypt_field(s(case, "ciphertext")).unwrap().as_str(),
            s(case, "plaintext"),
            "{id}"
        );
        checked += 1;
    }
    assert_eq!(checked, 15);
}

#[test]
fn wrong_padding_wrong_key_and_wrong_length_fail() {
    // Proves that PKCS#1 v1.5 and OAEP-SHA-256 ciphertexts, a ciphertext for another key and
    // truncated or extended ciphertexts all fail with OaepDecryption.
    let vectors = vector_json("rsa_oaep_vectors.json");
    let merchant = merchant_key(BACKEND);
    let mut checked = 0;
    for case in arr(&vectors, "negative") {
        let id = s(case, "id");
        assert_eq!(s(case, "expected"), "decrypt_failure");
        let key = private_key(s(case, "decrypt_with"), BACKEND);
        assert_eq!(
            key.decrypt_field(s(case, "ciphertext")).map(|p| p.len()),
            Err(Error::OaepDecryption),
            "{id}"
        );
        checked += 1;
    }
    assert_eq!(checked, 2);

    let for_merchant = s(&arr(&vectors, "to_merchant_key")[0], "ciphertext");
    let platform = private_key("keys/wechatpay_platform_key.pem", BACKEND);
    assert_eq!(platform.decrypt_field(for_merchant).map(|p| p.len()), Err(Error::OaepDecryption));

    let raw = wechatpay_crypto::base64::decode(for_merchant, "ciphertext").unwrap();
    for bad in [&raw[..255], &[raw.as_slice(), &[0]].concat()[..], &[][..]] {
        assert_eq!(
            merchant.decrypt_oaep(bad).map(|p| p.len()),
            Err(Error::OaepDecryption),
            "{} bytes",
            bad.len()
        );
    }
    assert!(matches!(merchant.decrypt_field("***"), Err(Error::Base64 { .. })));
}

#[test]
fn encryption_round_trips_up_to_214_bytes_and_refuses_215() {
    // Proves encrypt -> decrypt is the identity for sizes up to RSA-2048's 214-byte OAEP-SHA-1
    // maximum, that 215 bytes is OaepPlaintextTooLong, and that encryption is randomised.
    let merchant = merchant_key(BACKEND);
    let public = merchant.public_key().unwrap();
    for len in [0, 1, 100, 214] {
        let plaintext = vec![b'x'; len];
        let ciphertext = public.encrypt_oaep(&plaintext).unwrap();
        assert_eq!(ciphertext.len(), 256);
        assert_eq!(
            merchant.decrypt_oaep(&ciphertext).unwrap().as_slice(),
            plaintext.as_slice(),
            "{len}"
        );
    }
    assert_eq!(
        public.encrypt_oaep(&[b'x'; 215]),
        Err(Error::OaepPlaintextTooLong { len: 215, max: 214 })
    );
    let key = EncryptionKey::from_public_key(&wechatpay_public_key(BACKEND));
    assert_eq!(
        key.encrypt(&"x".repeat(215)),
        Err(Error::OaepPlaintextTooLong { len: 215, max: 214 })
    );
    assert_ne!(key.encrypt("13900000000").unwrap(), key.encrypt("13900000000").unwrap());
}
