//! # wechatpay-crypto
//!
//! Every cryptographic operation of WeChat Pay APIv3, byte-exact with the official SDKs, with
//! no I/O and no async runtime: usable alone by a gateway that only verifies callbacks.
//!
//! - [`MerchantSigner`]: the `Authorization: WECHATPAY2-SHA256-RSA2048 …` request header and
//!   the front-end `paySign` / APP `sign`;
//! - [`Verifier`]: response and callback signatures, against platform certificates and WeChat
//!   Pay public keys side by side, with the ±300 s window and `WECHATPAY/SIGNTEST/` probes;
//! - [`ApiV3Key`]: `AEAD_AES_256_GCM` for callback resources and `/v3/certificates`;
//! - [`EncryptionKey`] and [`PrivateKey::decrypt_field`]: RSA-OAEP sensitive fields;
//! - [`MediaMeta`]: the signed `meta` of media uploads.
//!
//! Two backends sit behind one [`Backend`] value: `aws-lc` (the default, aws-lc-rs) and
//! `rustcrypto` (pure Rust). See [`backend`].
//!
//! ```
//! use wechatpay_crypto::{Authorization, MerchantSigner, PrivateKey, PublicKey};
//! # let key_pem = include_str!("../../../fixtures/vectors/keys/apiclient_key.pem");
//! # let pub_pem = include_str!("../../../fixtures/vectors/keys/apiclient_pub.pem");
//! let key = PrivateKey::from_pem(key_pem)?;
//! let signer = MerchantSigner::new("1900000100", "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B", key)?;
//! let auth = signer.authorize("GET", "/v3/certificates", b"")?;
//! let header = auth.to_header_value();
//! assert!(header.starts_with("WECHATPAY2-SHA256-RSA2048 mchid=\"1900000100\""));
//!
//! // The server side parses the header in any parameter order and checks the signature.
//! let parsed = Authorization::parse(&header)?;
//! let message = wechatpay_crypto::message::request_message(
//!     "GET", "/v3/certificates", &parsed.timestamp, &parsed.nonce_str, b"");
//! let signature = wechatpay_crypto::base64::decode(&parsed.signature, "signature")?;
//! assert!(PublicKey::from_pem(pub_pem)?.verify(&message, &signature));
//! # Ok::<(), wechatpay_crypto::Error>(())
//! ```
#![forbid(unsafe_code)]
// Input from the network, files and callbacks must never panic (issue #10): no unwrap, expect,
// panic or unchecked indexing outside tests. A provably infallible case keeps a local
// `#[allow]` with a comment saying why.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

pub mod apiv3_key;
pub mod authorization;
pub mod backend;
pub mod base64;
pub mod certificate;
pub mod clock;
pub mod digest;
pub mod error;
pub mod frontend;
pub mod media;
pub mod message;
pub mod nonce;
mod pem;
pub mod private_key;
pub mod public_key;
pub mod sensitive;
pub mod serial;
pub mod signer;
pub mod verifier;

pub use apiv3_key::{ApiV3Key, AEAD_AES_256_GCM};
pub use authorization::Authorization;
pub use backend::Backend;
pub use certificate::Certificate;
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Error, Result};
pub use frontend::{AppPayParams, JsapiPayParams};
pub use media::MediaMeta;
pub use pem::MAX_PEM_BYTES;
pub use private_key::PrivateKey;
pub use public_key::{is_public_key_id, PublicKey, WechatPayPublicKey};
pub use sensitive::EncryptionKey;
pub use serial::SerialNo;
pub use signer::MerchantSigner;
pub use verifier::{SignatureHeaders, TrustedKey, Verifier, VerifySignature};
