//! Key and certificate loading from PEM and DER: `PrivateKey::from_pem_with` /
//! `from_pkcs8_der_with` / `from_pkcs1_der_with`, `PublicKey::from_pem_with` /
//! `from_spki_der_with` / `from_spki_der_any_size`, `Certificate::from_pem_with` /
//! `from_der_with` and `WechatPayPublicKey::from_pem`, each through both backends
//! (aws-lc and rustcrypto).
//!
//! Input: first byte picks the loader, the rest is the PEM text or DER.
//!
//! Holds: no panic; what loads reports at least 2048 bits (the documented minimum, except
//! `from_spki_der_any_size`); a loaded certificate re-loads from its own PEM with the same
//! serial and validity; a loaded private key yields a public key of the same size; both
//! backends agree on the size of what both load.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechatpay_crypto::backend::{AWS_LC, RUST_CRYPTO};
use wechatpay_crypto::{Backend, Certificate, PrivateKey, PublicKey, WechatPayPublicKey};

const MIN_BITS: usize = 2048;

fn private(kind: u8, input: &[u8], backend: Backend) -> Option<usize> {
    let key = match kind {
        0 => PrivateKey::from_pem_with(input, backend),
        1 => PrivateKey::from_pkcs8_der_with(input, backend),
        _ => PrivateKey::from_pkcs1_der_with(input, backend),
    };
    let key = key.ok()?;
    assert!(key.bits() >= MIN_BITS);
    if let Ok(public) = key.public_key() {
        assert_eq!(public.bits(), key.bits());
    }
    let _ = format!("{key:?}");
    Some(key.bits())
}

fn public(kind: u8, input: &[u8], backend: Backend) -> Option<usize> {
    let key = match kind {
        3 => PublicKey::from_pem_with(input, backend),
        4 => PublicKey::from_spki_der_with(input, backend),
        _ => PublicKey::from_spki_der_any_size(input, backend),
    };
    let key = key.ok()?;
    if kind != 5 {
        assert!(key.bits() >= MIN_BITS);
    }
    // Verification of garbage with a hostile key must just say no.
    assert!(!key.verify(b"message", &[0u8; 7]));
    Some(key.bits())
}

fn certificate(kind: u8, input: &[u8], backend: Backend) -> Option<usize> {
    let cert = match kind {
        6 => Certificate::from_pem_with(input, backend),
        _ => Certificate::from_der_with(input, backend),
    };
    let cert = cert.ok()?;
    assert!(cert.public_key().bits() >= MIN_BITS);
    let again = Certificate::from_pem_with(cert.pem(), backend).expect("own PEM re-loads");
    assert_eq!(again.serial(), cert.serial());
    assert_eq!(again.not_before(), cert.not_before());
    assert_eq!(again.not_after(), cert.not_after());
    let _ = cert.is_valid_at(wechatpay_fuzz::NOW);
    let _ = cert.check_valid_at(i64::MIN);
    let _ = cert.check_valid_at(i64::MAX);
    Some(cert.public_key().bits())
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else { return };
    let kind = selector % 9;
    let run = |backend: Backend| match kind {
        0..=2 => private(kind, input, backend),
        3..=5 => public(kind, input, backend),
        6 | 7 => certificate(kind, input, backend),
        _ => {
            let key = WechatPayPublicKey::from_pem(wechatpay_fuzz::PUB_KEY_ID, input).ok()?;
            assert!(wechatpay_crypto::is_public_key_id(key.id().as_str()));
            Some(key.key().bits())
        }
    };
    let a = run(AWS_LC);
    let b = if kind == 8 { a } else { run(RUST_CRYPTO) };
    if let (Some(a), Some(b)) = (a, b) {
        assert_eq!(a, b, "backends disagree on the key size");
    }
});
