//! Sensitive fields: RSA-OAEP (SHA-1) decryption of attacker bytes with the merchant key
//! (`PrivateKey::decrypt_oaep`, `PrivateKey::decrypt_field`) through both backends, and the
//! JSON pointer walker that finds the fields (`wechatpay_models::sensitive::visit_strings_mut`).
//!
//! Input: first byte picks the mode:
//! - 0: raw ciphertext bytes;
//! - 1: a base64 field value (as in a request or response body);
//! - 2: pointers, one per line, then an empty line, then a JSON body.
//!
//! Holds: no panic; both backends agree (both refuse, or both give the same plaintext);
//! the walker's concrete pointers resolve (`Value::pointer`) to the strings it visited; a
//! body whose fields were encrypted in place by the walker decrypts back to the original.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wechatpay_crypto::backend::{AWS_LC, RUST_CRYPTO};
use wechatpay_crypto::{PrivateKey, PublicKey};
use wechatpay_fuzz::pem::{MERCHANT_CERT, MERCHANT_KEY};
use wechatpay_models::sensitive::visit_strings_mut;

/// RSA private operations are ~1 ms: bound the work per input.
const MAX_VISITS: usize = 6;

fn keys() -> &'static (PrivateKey, PrivateKey, PublicKey) {
    static K: OnceLock<(PrivateKey, PrivateKey, PublicKey)> = OnceLock::new();
    K.get_or_init(|| {
        let cert = wechatpay_crypto::Certificate::from_pem(MERCHANT_CERT).unwrap();
        (
            PrivateKey::from_pem_with(MERCHANT_KEY, AWS_LC).unwrap(),
            PrivateKey::from_pem_with(MERCHANT_KEY, RUST_CRYPTO).unwrap(),
            cert.public_key().clone(),
        )
    })
}

fn agree<T: PartialEq + std::fmt::Debug, E>(a: Result<T, E>, b: Result<T, E>) {
    match (a, b) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "backends decrypt differently"),
        (Err(_), Err(_)) => {}
        (a, b) => panic!("backends disagree: aws-lc ok={} rustcrypto ok={}", a.is_ok(), b.is_ok()),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, input)) = data.split_first() else { return };
    let (aws, rust, public) = keys();
    match mode % 3 {
        0 => agree(
            aws.decrypt_oaep(input).map(|p| p.to_vec()),
            rust.decrypt_oaep(input).map(|p| p.to_vec()),
        ),
        1 => {
            let text = String::from_utf8_lossy(input);
            agree(
                aws.decrypt_field(&text).map(|p| p.to_string()),
                rust.decrypt_field(&text).map(|p| p.to_string()),
            );
        }
        _ => {
            let Some(split) = input.windows(2).position(|w| w == b"\n\n") else { return };
            let pointers_text = String::from_utf8_lossy(&input[..split]);
            let pointers: Vec<&str> = pointers_text.lines().take(16).collect();
            let Ok(original) = serde_json::from_slice::<serde_json::Value>(&input[split + 2..])
            else {
                return;
            };

            // Decrypting attacker values found by pointer: what the mock does with a request.
            let mut body = original.clone();
            let mut visits = 0;
            let _ = visit_strings_mut(&mut body, &pointers, |pointer, text| {
                visits += 1;
                if visits > MAX_VISITS {
                    return Err("enough");
                }
                let at = original.pointer(pointer).and_then(|v| v.as_str());
                assert_eq!(at, Some(text.as_str()), "walker pointer {pointer} does not resolve");
                // Decrypted but left in place, so a pointer visited twice still resolves.
                let _ = aws.decrypt_field(text);
                Ok(())
            });

            // Encrypt in place (what the SDK does before sending), then decrypt back.
            let mut sealed = original.clone();
            let mut visits = 0;
            let encrypted = visit_strings_mut(&mut sealed, &pointers, |_, text| {
                visits += 1;
                if visits > MAX_VISITS {
                    return Err("enough");
                }
                let c = public.encrypt_oaep(text.as_bytes()).map_err(|_| "too long")?;
                *text = wechatpay_crypto::base64::encode(c);
                Ok(())
            });
            if encrypted.is_ok() {
                visit_strings_mut(&mut sealed, &pointers, |pointer, text| {
                    let plain = aws
                        .decrypt_field(text)
                        .unwrap_or_else(|e| panic!("{pointer} does not decrypt: {e}"));
                    *text = plain.to_string();
                    Ok::<(), ()>(())
                })
                .unwrap();
                assert_eq!(sealed, original, "encrypt then decrypt in place is not the identity");
            }
        }
    }
});
