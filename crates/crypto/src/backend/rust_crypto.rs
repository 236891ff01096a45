//! The pure-Rust backend: RustCrypto's `rsa`, `aes-gcm`, `sha2` and `sha1`, for targets
//! without a C toolchain.
//!
//! # Side channels, and why `aws-lc` stays the default
//!
//! [RUSTSEC-2023-0071] (the Marvin attack, 2023) reports that the private-key operation of
//! `rsa` leaks its timing enough for a network attacker to decrypt or sign with the victim's key.
//! Every release up to and including 0.9.10 and the 0.10.0 release candidates is affected; the
//! advisory was last seen (September 2026) with no patched version. This backend needs `rsa`
//! 0.10.0 (November 2026), the release that answers it: constant-time modular exponentiation
//! on `crypto-bigint` instead of `num-bigint-dig`, private operations hardened after
//! `draft-irtf-cfrg-rsa-guidance` and checked by a constant-time harness, blinding on by
//! default, and implicit rejection for PKCS#1 v1.5 decryption. The crate's README now reads
//! "previously vulnerable" and asks users to move to 0.10. Until the advisory database lists
//! 0.10.0 as patched, `cargo audit` / `cargo deny` may still flag it; check the version it names
//! before silencing it.
//!
//! On top of that, this backend never runs an unblinded private operation: signing and OAEP
//! decryption go through `sign_with_rng` / `decrypt_blinded` with the operating system's
//! CSPRNG (getrandom's `SysRng`), so a timing difference that survived in the exponentiation
//! would be measured on a random value, not on the attacker's input. WeChat Pay's OAEP is also
//! a poor oracle: the merchant decrypts fields WeChat Pay sent, over TLS, not ciphertexts an
//! attacker chooses.
//!
//! `aws-lc` is still the default. Its RSA descends from BoringSSL and has had years of
//! constant-time hardening in production (rustls already depends on it), while `rsa` 0.10's
//! constant-time rewrite is recent: its README says the code "has diverged significantly"
//! since its last audit. aws-lc is also several times faster at RSA signing, which every API
//! request does. Pick this backend for targets without a C toolchain.
//!
//! [RUSTSEC-2023-0071]: https://rustsec.org/advisories/RUSTSEC-2023-0071.html

// The OS CSPRNG comes from getrandom as re-exported by crypto-common (enabled through aes-gcm's
// default `getrandom` feature), the same one `rsa` and `aes-gcm` use, so no direct dependency.
use aes_gcm::aead::common::getrandom::{self, SysRng};
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::Oaep;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{
    Aead, Backend, DigestAlgorithm, DigestContext, DigestProvider, RsaPrivateKey, RsaProvider,
    RsaPublicKey, SecureRandom,
};
use crate::error::{Error, Result};

/// The pure-Rust backend (`rsa` 0.10 + `aes-gcm` + `sha2` + `sha1`).
///
/// Needs `rsa` 0.10, the release with the constant-time rework that answers RUSTSEC-2023-0071
/// (the Marvin attack); RSA private operations are always blinded with the OS CSPRNG. `aws-lc`
/// stays the default: its RSA has the longer hardening record and signs several times faster.
pub const RUST_CRYPTO: Backend = Backend {
    name: "rustcrypto",
    rsa: &RustCrypto,
    aead: &RustCrypto,
    random: &RustCrypto,
    digest: &RustCrypto,
};

#[derive(Debug)]
struct RustCrypto;

/// OAEP with SHA-1 has `2 * 20 + 2` bytes of overhead (two hashes, a marker and a zero byte).
const OAEP_SHA1_OVERHEAD: usize = 2 * 20 + 2;

/// `rsa::PrivateKey` zeroizes its components on drop and redacts them in `Debug`.
struct PrivateKey(rsa::PrivateKey);

struct PublicKey(rsa::PublicKey);

fn malformed(what: &'static str, reason: impl ToString) -> Error {
    Error::Malformed { what, reason: reason.to_string() }
}

/// The modulus length in bits, exactly (the modulus is public, so variable time is fine).
fn modulus_bits(key: &impl PublicKeyParts) -> usize {
    usize::try_from(key.n().bit_width_vartime()).unwrap_or(usize::MAX)
}

impl RsaProvider for RustCrypto {
    fn private_key_from_pkcs8(&self, der: &[u8]) -> Result<Box<dyn RsaPrivateKey>> {
        // `from_pkcs8_der` also validates the key (primes, exponents) and precomputes the CRT
        // values, so a corrupt key fails here and not at the first signature.
        let key = rsa::PrivateKey::from_pkcs8_der(der)
            .map_err(|e| malformed("PKCS#8 RSA private key", e))?;
        Ok(Box::new(PrivateKey(key)))
    }

    fn public_key_from_spki(&self, der: &[u8]) -> Result<Box<dyn RsaPublicKey>> {
        let key = rsa::PublicKey::from_public_key_der(der)
            .map_err(|e| malformed("RSA SubjectPublicKeyInfo", e))?;
        Ok(Box::new(PublicKey(key)))
    }
}

impl RsaPrivateKey for PrivateKey {
    fn modulus_bits(&self) -> usize {
        modulus_bits(&self.0)
    }

    fn sign_pkcs1_sha256(&self, message: &[u8]) -> Result<Vec<u8>> {
        // The RNG only blinds the private operation: PKCS#1 v1.5 signatures stay deterministic,
        // so the output is byte for byte the official SDKs' and aws-lc's.
        let signature = self
            .0
            .pkcs1v15_sign_with_rng::<Sha256, _>(&mut SysRng, message)
            .map_err(|_| Error::Backend("RSA signing failed"))?;
        left_pad(signature, self.0.size())
    }

    fn decrypt_oaep_sha1(&self, ciphertext: &[u8], label: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        if ciphertext.len() != self.0.size() {
            return Err(Error::OaepDecryption);
        }
        let padding = if label.is_empty() {
            Oaep::<Sha1>::new()
        } else {
            Oaep::<Sha1>::new_with_label(label)
        };
        // Every failure is the same error: telling padding failures apart is what OAEP
        // oracles feed on.
        self.0
            .decrypt_blinded(&mut SysRng, padding, ciphertext)
            .map(Zeroizing::new)
            .map_err(|_| Error::OaepDecryption)
    }

    fn public_key_spki(&self) -> Result<Vec<u8>> {
        self.0
            .as_public_key()
            .to_public_key_der()
            .map(|der| der.into_vec())
            .map_err(|_| Error::Backend("encoding the public key failed"))
    }
}

/// Signatures are exactly as long as the modulus; the leading zero bytes of a small value must
/// be kept.
fn left_pad(value: Vec<u8>, len: usize) -> Result<Vec<u8>> {
    match len.checked_sub(value.len()) {
        Some(0) => Ok(value),
        Some(missing) => {
            let mut padded = vec![0; missing];
            padded.extend_from_slice(&value);
            Ok(padded)
        }
        None => Err(Error::Backend("RSA output longer than the modulus")),
    }
}

impl RsaPublicKey for PublicKey {
    fn modulus_bits(&self) -> usize {
        modulus_bits(&self.0)
    }

    fn verify_pkcs1_sha256(&self, message: &[u8], signature: &[u8]) -> bool {
        // A signature must be exactly k bytes (RFC 8017 §8.2.2 step 1); checking it here keeps
        // that rule independent of how `rsa` decodes shorter or longer inputs.
        signature.len() == self.0.size()
            && self.0.pkcs1v15_verify::<Sha256>(message, signature).is_ok()
    }

    fn encrypt_oaep_sha1(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        let max = self.0.size().saturating_sub(OAEP_SHA1_OVERHEAD);
        if plaintext.len() > max {
            return Err(Error::OaepPlaintextTooLong { len: plaintext.len(), max });
        }
        let ciphertext = self
            .0
            .oaep_encrypt_with_rng::<Sha1, _>(&mut SysRng, plaintext)
            .map_err(|_| Error::Backend("RSA-OAEP encryption failed"))?;
        left_pad(ciphertext, self.0.size())
    }
}

/// The GCM tag length.
const TAG_LEN: usize = 16;

impl Aead for RustCrypto {
    fn seal(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>> {
        let cipher = Aes256Gcm::new(key.into());
        let mut out = Vec::with_capacity(plaintext.len() + TAG_LEN);
        out.extend_from_slice(plaintext);
        let tag = cipher
            .encrypt_inout_detached(&Nonce::from(*nonce), aad, out.as_mut_slice().into())
            .map_err(|_| Error::Backend("AES-256-GCM encryption failed"))?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    fn open(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        ciphertext_and_tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        let split =
            ciphertext_and_tag.len().checked_sub(TAG_LEN).ok_or(Error::AeadAuthentication)?;
        let (ciphertext, tag) = ciphertext_and_tag.split_at(split);
        let tag = Tag::try_from(tag).map_err(|_| Error::AeadAuthentication)?;
        let cipher = Aes256Gcm::new(key.into());
        let mut out = Zeroizing::new(ciphertext.to_vec());
        cipher
            .decrypt_inout_detached(&Nonce::from(*nonce), aad, out.as_mut_slice().into(), &tag)
            .map_err(|_| Error::AeadAuthentication)?;
        Ok(out)
    }
}

impl SecureRandom for RustCrypto {
    fn fill(&self, dest: &mut [u8]) -> Result<()> {
        getrandom::fill(dest).map_err(|_| Error::Backend("system random generator failed"))
    }
}

enum Context {
    Sha1(Sha1),
    Sha256(Sha256),
}

impl DigestContext for Context {
    fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha1(h) => h.update(data),
            Self::Sha256(h) => h.update(data),
        }
    }

    fn finish(self: Box<Self>) -> Vec<u8> {
        match *self {
            Self::Sha1(h) => h.finalize().to_vec(),
            Self::Sha256(h) => h.finalize().to_vec(),
        }
    }
}

impl DigestProvider for RustCrypto {
    fn new_context(&self, algorithm: DigestAlgorithm) -> Box<dyn DigestContext> {
        Box::new(match algorithm {
            DigestAlgorithm::Sha1 => Context::Sha1(Sha1::new()),
            DigestAlgorithm::Sha256 => Context::Sha256(Sha256::new()),
        })
    }
}
