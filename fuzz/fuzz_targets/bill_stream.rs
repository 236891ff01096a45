//! The bill download decoding path of wechatpay-bill: `BillSink` (streaming gunzip of
//! multi-member gzip, SHA-1 of the decompressed bytes) with `check_hash`, and the encrypted
//! bill files: `decrypt_file` (AES-256-GCM, raw or base64 text) and `file_key` (RSA-OAEP
//! `encrypt_key` with the merchant key).
//!
//! Input: first byte picks the mode, the second the chunk size the bytes arrive in:
//! - 0: attacker bytes as a gzip download;
//! - 1: attacker bytes as a plain download;
//! - 2: attacker plaintext, gzip-compressed here (split into two members at a point the
//!   input chooses) and streamed through the sink;
//! - 3: attacker bytes as an encrypted file (first 12 bytes the nonce) with a known key;
//! - 4: attacker plaintext sealed here with a known key, as raw bytes and as base64 text;
//! - 5: attacker text as `encrypt_key`.
//!
//! Holds: no panic; a compressed file comes out byte for byte with the plain digest and
//! length; sealed files decrypt to their plaintext; only a genuine ciphertext decrypts, the same
//! under both backends.
#![no_main]

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;
use libfuzzer_sys::fuzz_target;
use wechatpay_bill::{check_hash, decrypt_file, file_key, BillSink, Digested};
use wechatpay_crypto::Backend;

const KEY: [u8; 32] = *b"0123456789abcdef0123456789ABCDEF";
const NONCE: &str = "A1b2C3d4E5f6";

fn stream(bytes: &[u8], gzip: bool, chunk: usize) -> Result<Digested<Vec<u8>>, ()> {
    let mut sink = BillSink::new(Vec::new(), gzip, 1);
    for part in bytes.chunks(chunk) {
        if let Err(e) = sink.write(part) {
            let _ = e.to_string();
            return Err(());
        }
    }
    sink.finish().map_err(|e| {
        let _ = e.to_string();
    })
}

fuzz_target!(|data: &[u8]| {
    let [mode, size, input @ ..] = data else { return };
    let chunk = usize::from(*size).max(1) * 16;
    match mode % 6 {
        0 | 1 => {
            if let Ok(d) = stream(input, *mode % 6 == 0, chunk) {
                let hex = d.sha1_hex.clone();
                assert_eq!(d.bytes, d.inner.len() as u64);
                check_hash(&d, &hex.to_uppercase(), 1).expect("own digest matches");
                assert!(check_hash(&d, "not a digest", 1).is_err());
            }
        }
        2 => {
            let cut = usize::from(*size).min(input.len());
            let mut gz = Vec::new();
            for member in [&input[..cut], &input[cut..]] {
                let mut e = GzEncoder::new(Vec::new(), Compression::fast());
                e.write_all(member).unwrap();
                gz.extend_from_slice(&e.finish().unwrap());
            }
            let plain = stream(input, false, chunk).expect("plain never fails");
            let unzipped = stream(&gz, true, chunk).expect("own gzip decodes");
            assert_eq!(unzipped.inner, input);
            assert_eq!(unzipped.sha1_hex, plain.sha1_hex);
            assert_eq!(unzipped.bytes, input.len() as u64);
            check_hash(&unzipped, &plain.sha1_hex, 1).unwrap();
        }
        3 => {
            let nonce = String::from_utf8_lossy(input.get(..12).unwrap_or(input));
            let file = input.get(12..).unwrap_or_default();
            let a = decrypt_file(Backend::default(), &KEY, &nonce, file, 1);
            let b = decrypt_file(wechatpay_crypto::backend::RUST_CRYPTO, &KEY, &nonce, file, 1);
            match (a, b) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.as_slice(), b.as_slice(), "backends decrypt differently");
                    // Only the genuine ciphertext authenticates: sealing the plaintext again
                    // gives the file (raw, or the base64 text of it).
                    let n: &[u8; 12] = nonce.as_bytes().try_into().expect("12-byte nonce");
                    let sealed = Backend::default().aead.seal(&KEY, n, b"", &a).unwrap();
                    let text = std::str::from_utf8(file).map(str::trim).unwrap_or_default();
                    assert!(
                        sealed == file
                            || wechatpay_crypto::base64::decode(text, "file").ok() == Some(sealed),
                        "a forged file decrypted"
                    );
                }
                (Err(_), Err(_)) => {}
                (a, b) => panic!("backends disagree: {} {}", a.is_ok(), b.is_ok()),
            }
        }
        4 => {
            let nonce: &[u8; 12] = NONCE.as_bytes().try_into().unwrap();
            let sealed = Backend::default().aead.seal(&KEY, nonce, b"", input).unwrap();
            for backend in [Backend::default(), wechatpay_crypto::backend::RUST_CRYPTO] {
                let plain = decrypt_file(backend, &KEY, NONCE, &sealed, 1).unwrap();
                assert_eq!(plain.as_slice(), input);
                let text = wechatpay_crypto::base64::encode(&sealed);
                let plain = decrypt_file(backend, &KEY, NONCE, text.as_bytes(), 1).unwrap();
                assert_eq!(plain.as_slice(), input);
            }
        }
        _ => {
            let text = String::from_utf8_lossy(input);
            if let Err(e) = file_key(wechatpay_fuzz::merchant_key(), &text, 1) {
                let _ = e.to_string();
            }
        }
    }
});
