//! AEAD_AES_256_GCM (A01–A08) through `ApiV3Key`, and the backend's `Aead` on short input.

use wechatpay_crypto::{ApiV3Key, Error};

use super::BACKEND;
use crate::support::{arr, s, vector_json};

#[test]
fn aes_gcm_vectors_a01_to_a08() {
    // Proves that A01–A05 decrypt to their plaintext and encrypt back to the same ciphertext
    // byte for byte, and that A06–A08 (flipped tag, wrong AAD, wrong key) fail authentication.
    let vectors = vector_json("aes_gcm_vectors.json");
    let (mut ok, mut failures) = (0, 0);
    for case in arr(&vectors, "cases") {
        let id = s(case, "id");
        let key = ApiV3Key::with_backend(s(case, "key"), BACKEND).unwrap();
        let (nonce, aad, ciphertext) =
            (s(case, "nonce"), s(case, "associated_data"), s(case, "ciphertext"));
        match s(case, "expected") {
            "ok" => {
                let plaintext = s(case, "plaintext");
                assert_eq!(
                    key.decrypt_to_string(nonce, aad, ciphertext).unwrap(),
                    plaintext,
                    "{id}"
                );
                assert_eq!(
                    key.encrypt(nonce, aad, plaintext.as_bytes()).unwrap(),
                    ciphertext,
                    "{id}"
                );
                ok += 1;
            }
            "auth_failure" => {
                assert_eq!(
                    key.decrypt(nonce, aad, ciphertext),
                    Err(Error::AeadAuthentication),
                    "{id}"
                );
                failures += 1;
            }
            other => panic!("{id}: unknown expectation {other}"),
        }
    }
    assert_eq!((ok, failures), (5, 3));
}

#[test]
fn malformed_aes_gcm_inputs_are_errors() {
    // Proves that a wrong nonce length, a ciphertext shorter than the tag and bad base64 are
    // reported as such, and that the backend's `open` refuses short input without panicking.
    let key = ApiV3Key::with_backend("TestOnlyApiV3Key0123456789abcdef", BACKEND).unwrap();
    assert_eq!(key.decrypt("short", "", "AAAA"), Err(Error::AeadNonceLength { len: 5 }));
    assert_eq!(key.encrypt("0123456789abc", "", b"x"), Err(Error::AeadNonceLength { len: 13 }));
    let fifteen = wechatpay_crypto::base64::encode([0u8; 15]);
    assert_eq!(
        key.decrypt("0123456789ab", "", &fifteen),
        Err(Error::AeadCiphertextTooShort { len: 15 })
    );
    assert!(matches!(key.decrypt("0123456789ab", "", "%%%"), Err(Error::Base64 { .. })));

    for len in [0, 1, 15] {
        let short = vec![0u8; len];
        assert_eq!(
            BACKEND.aead.open(&[7; 32], &[1; 12], b"", &short).map(|p| p.to_vec()),
            Err(Error::AeadAuthentication),
            "{len} bytes"
        );
    }
}
