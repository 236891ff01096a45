//! Single-thread throughput of every wechatpay-crypto operation on the request/response path,
//! once per backend. Each benchmark is one operation, so criterion's `elem/s` is ops/s.
//!
//! Run with `cargo bench -p wechatpay-benches --bench crypto`; results are discussed in
//! `docs/performance.md`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use wechatpay_benches::{Fixtures, BACKENDS, REQUEST_BODY, REQUEST_METHOD, REQUEST_URL};

fn crypto(c: &mut Criterion) {
    for backend in BACKENDS {
        let f = match Fixtures::load(backend) {
            Ok(f) => f,
            Err(e) => panic!("loading fixtures for {}: {e}", backend.name),
        };
        let mut group = c.benchmark_group(backend.name);
        group.throughput(Throughput::Elements(1));

        // RSA-2048 PKCS#1 v1.5 SHA-256 over a ~600-byte request message.
        group.bench_function("rsa2048_sign", |b| {
            b.iter(|| f.merchant_key.sign(black_box(&f.request_message)))
        });

        // What a client does per request: timestamp, nonce, message, signature, base64, header.
        group.bench_function("authorization_header", |b| {
            b.iter(|| {
                f.signer
                    .authorize(REQUEST_METHOD, REQUEST_URL, black_box(REQUEST_BODY.as_bytes()))
                    .map(|auth| auth.to_header_value())
            })
        });

        // The bare RSA-2048 PKCS#1 v1.5 SHA-256 verification of a response (diagnostic: the
        // difference to `verify_response` is the verifier's own work).
        group.bench_function("rsa2048_verify", |b| {
            b.iter(|| {
                f.platform_public_key
                    .verify(black_box(&f.response_message), black_box(&f.response_signature))
            })
        });

        // What a client does per response: checks, key lookup, base64, message, RSA verify.
        group.bench_function("verify_response", |b| {
            let headers = f.response.headers();
            b.iter(|| {
                f.verifier.verify(
                    black_box(&headers),
                    black_box(&f.response.body),
                    f.response.verify_at,
                )
            })
        });

        // What a callback handler does after verifying: base64 and AES-256-GCM over 1 KiB.
        group.bench_function("aes_gcm_decrypt_1k", |b| {
            let r = &f.callback;
            b.iter(|| f.api_v3_key.decrypt(&r.nonce, &r.associated_data, black_box(&r.ciphertext)))
        });

        // A sensitive request field encrypted to the platform certificate.
        group.bench_function("oaep_encrypt", |b| {
            b.iter(|| {
                f.platform_public_key.encrypt_oaep(black_box(f.sensitive_plaintext.as_bytes()))
            })
        });

        // A sensitive response field decrypted with the merchant key.
        group.bench_function("oaep_decrypt", |b| {
            b.iter(|| f.merchant_key.decrypt_oaep(black_box(&f.sensitive_ciphertext)))
        });

        group.finish();
    }
}

fn main() {
    // RSA private-key operations take about a millisecond; 30 samples keep a full run short
    // while leaving criterion enough points for its regression. Command-line flags
    // (`--warm-up-time`, `--measurement-time`, a filter, …) override these defaults.
    let mut criterion = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .configure_from_args();
    crypto(&mut criterion);
    criterion.final_summary();
}
