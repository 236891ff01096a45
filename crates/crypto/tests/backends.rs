//! One test suite, every backend.
//!
//! The files in `suite/` are mounted once per enabled backend, each time with its own
//! `BACKEND` constant, so `aws-lc` and `rustcrypto` pass exactly the same vectors and
//! properties (rustls-test mounts its tests once per provider the same way). Run one backend
//! with `cargo test -p wechatpay-crypto` (aws-lc) or `--no-default-features --features
//! rustcrypto`, both with `--features rustcrypto`.
//!
//! `#[path = "."]` on each inline module makes the nested `#[path]`s resolve from this
//! directory instead of `tests/<module name>/`.

// Mounting the same files once per backend is the point of this file; with both backends on,
// clippy's duplicate_mod would flag exactly that.
#![allow(clippy::duplicate_mod)]

#[path = "suite/support.rs"]
mod support;

/// Message formats and header parsing use no backend; they run once.
#[path = "suite/formats.rs"]
mod formats;

#[cfg(feature = "aws-lc")]
#[path = "."]
mod aws_lc {
    use wechatpay_crypto::Backend;

    const BACKEND: Backend = wechatpay_crypto::backend::AWS_LC;

    #[path = "suite/aead.rs"]
    mod aead;
    #[path = "suite/keys.rs"]
    mod keys;
    #[path = "suite/oaep.rs"]
    mod oaep;
    #[path = "suite/properties.rs"]
    mod properties;
    #[path = "suite/signatures.rs"]
    mod signatures;
    #[path = "suite/verification.rs"]
    mod verification;
    #[path = "suite/wycheproof.rs"]
    mod wycheproof;
}

#[cfg(feature = "rustcrypto")]
#[path = "."]
mod rust_crypto {
    use wechatpay_crypto::Backend;

    const BACKEND: Backend = wechatpay_crypto::backend::RUST_CRYPTO;

    #[path = "suite/aead.rs"]
    mod aead;
    #[path = "suite/keys.rs"]
    mod keys;
    #[path = "suite/oaep.rs"]
    mod oaep;
    #[path = "suite/properties.rs"]
    mod properties;
    #[path = "suite/signatures.rs"]
    mod signatures;
    #[path = "suite/verification.rs"]
    mod verification;
    #[path = "suite/wycheproof.rs"]
    mod wycheproof;
}
