//! The input limits of wechatpay-crypto, each checked at the limit and one past it.

use wechatpay_crypto::verifier::{verify_with, MAX_SIGNATURE_BASE64_LEN};
use wechatpay_crypto::{Certificate, Error, PublicKey, SignatureHeaders, MAX_PEM_BYTES};

const CERT: &str = include_str!("../../../fixtures/vectors/keys/wechatpay_platform_cert.pem");
const PUB: &str = include_str!("../../../fixtures/vectors/keys/pub_key.pem");

fn headers(signature: &str) -> SignatureHeaders<'_> {
    SignatureHeaders {
        timestamp: "1735699000",
        nonce: "N",
        serial: "S",
        signature,
        signature_type: None,
    }
}

// Proves a signature of exactly 344 base64 characters (256 bytes, RSA-2048) is decoded and
// checked, and one character more is refused as an encoding error before decoding.
#[test]
fn signature_length_limit() {
    let key = PublicKey::from_pem(PUB).unwrap();
    let at_limit = "A".repeat(MAX_SIGNATURE_BASE64_LEN - 2) + "==";
    assert_eq!(at_limit.len(), 344);
    assert_eq!(verify_with(&key, &headers(&at_limit), b"body"), Err(Error::BadSignature));
    let over = "A".repeat(MAX_SIGNATURE_BASE64_LEN + 1);
    assert_eq!(verify_with(&key, &headers(&over), b"body"), Err(Error::SignatureEncoding));
}

// Proves a PEM input of exactly MAX_PEM_BYTES loads and one byte more is refused with
// InputTooLarge, for certificates and public keys alike.
#[test]
fn pem_size_limit() {
    for pem in [CERT, PUB] {
        let mut at_limit = pem.to_owned();
        at_limit.push_str(&"\n".repeat(MAX_PEM_BYTES - pem.len()));
        assert_eq!(at_limit.len(), MAX_PEM_BYTES);
        let over = format!("{at_limit}\n");
        if pem == CERT {
            Certificate::from_pem(&at_limit).unwrap();
            let err = Certificate::from_pem(&over).unwrap_err();
            assert_eq!(
                err,
                Error::InputTooLarge {
                    what: "PEM input",
                    len: MAX_PEM_BYTES + 1,
                    max: MAX_PEM_BYTES
                }
            );
        } else {
            PublicKey::from_pem(&at_limit).unwrap();
            assert!(matches!(PublicKey::from_pem(&over), Err(Error::InputTooLarge { .. })));
        }
    }
}
