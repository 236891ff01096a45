//! The aws-lc-rs backend: AWS-LC's constant-time, assembly-optimised RSA and AES-GCM.

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use aws_lc_rs::digest;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::{SecureRandom as _, SystemRandom};
use aws_lc_rs::rsa::{
    KeyPair, OaepPrivateDecryptingKey, OaepPublicEncryptingKey, PrivateDecryptingKey,
    PublicEncryptingKey, OAEP_SHA1_MGF1SHA1,
};
use aws_lc_rs::signature::{self, KeyPair as _, ParsedPublicKey, RSA_PKCS1_SHA256};
use zeroize::Zeroizing;

use super::{
    Aead, Backend, DigestAlgorithm, DigestContext, DigestProvider, RsaPrivateKey, RsaProvider,
    RsaPublicKey, SecureRandom,
};
use crate::error::{Error, Result};

/// The aws-lc-rs backend.
pub const AWS_LC: Backend =
    Backend { name: "aws-lc", rsa: &AwsLc, aead: &AwsLc, random: &AwsLc, digest: &AwsLc };

#[derive(Debug)]
struct AwsLc;

struct PrivateKey {
    signing: KeyPair,
    decrypting: OaepPrivateDecryptingKey,
    rng: SystemRandom,
}

struct PublicKey {
    verifying: ParsedPublicKey,
    encrypting: OaepPublicEncryptingKey,
    bits: usize,
}

fn malformed(what: &'static str, reason: impl ToString) -> Error {
    Error::Malformed { what, reason: reason.to_string() }
}

impl RsaProvider for AwsLc {
    fn private_key_from_pkcs8(&self, der: &[u8]) -> Result<Box<dyn RsaPrivateKey>> {
        let signing =
            KeyPair::from_pkcs8(der).map_err(|e| malformed("PKCS#8 RSA private key", e))?;
        let decrypting = PrivateDecryptingKey::from_pkcs8(der)
            .map_err(|e| malformed("PKCS#8 RSA private key", e))?;
        let decrypting = OaepPrivateDecryptingKey::new(decrypting)
            .map_err(|_| Error::Backend("OAEP private key"))?;
        Ok(Box::new(PrivateKey { signing, decrypting, rng: SystemRandom::new() }))
    }

    fn public_key_from_spki(&self, der: &[u8]) -> Result<Box<dyn RsaPublicKey>> {
        let encrypting = PublicEncryptingKey::from_der(der)
            .map_err(|e| malformed("RSA SubjectPublicKeyInfo", e))?;
        let bits = encrypting.key_size_bits();
        let encrypting = OaepPublicEncryptingKey::new(encrypting)
            .map_err(|_| Error::Backend("OAEP public key"))?;
        let verifying = ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, der)
            .map_err(|e| malformed("RSA SubjectPublicKeyInfo", e))?;
        Ok(Box::new(PublicKey { verifying, encrypting, bits }))
    }
}

impl RsaPrivateKey for PrivateKey {
    fn modulus_bits(&self) -> usize {
        self.signing.public_modulus_len() * 8
    }

    fn sign_pkcs1_sha256(&self, message: &[u8]) -> Result<Vec<u8>> {
        let mut signature = vec![0; self.signing.public_modulus_len()];
        self.signing
            .sign(&RSA_PKCS1_SHA256, &self.rng, message, &mut signature)
            .map_err(|_| Error::Backend("RSA signing failed"))?;
        Ok(signature)
    }

    fn decrypt_oaep_sha1(&self, ciphertext: &[u8], label: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        if ciphertext.len() != self.decrypting.key_size_bytes() {
            return Err(Error::OaepDecryption);
        }
        let mut out = Zeroizing::new(vec![0; self.decrypting.min_output_size()]);
        let label = if label.is_empty() { None } else { Some(label) };
        let len = self
            .decrypting
            .decrypt(&OAEP_SHA1_MGF1SHA1, ciphertext, &mut out, label)
            .map_err(|_| Error::OaepDecryption)?
            .len();
        out.truncate(len);
        Ok(out)
    }

    fn public_key_spki(&self) -> Result<Vec<u8>> {
        let public = self.signing.public_key();
        public
            .as_der()
            .map(|der| der.as_ref().to_vec())
            .map_err(|_| Error::Backend("encoding the public key failed"))
    }
}

impl RsaPublicKey for PublicKey {
    fn modulus_bits(&self) -> usize {
        self.bits
    }

    fn verify_pkcs1_sha256(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verifying.verify_sig(message, signature).is_ok()
    }

    fn encrypt_oaep_sha1(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        let max = self.encrypting.max_plaintext_size(&OAEP_SHA1_MGF1SHA1);
        if plaintext.len() > max {
            return Err(Error::OaepPlaintextTooLong { len: plaintext.len(), max });
        }
        let mut out = vec![0; self.encrypting.ciphertext_size()];
        let len = self
            .encrypting
            .encrypt(&OAEP_SHA1_MGF1SHA1, plaintext, &mut out, None)
            .map_err(|_| Error::Backend("RSA-OAEP encryption failed"))?
            .len();
        out.truncate(len);
        Ok(out)
    }
}

fn gcm_key(key: &[u8; 32]) -> Result<LessSafeKey> {
    UnboundKey::new(&AES_256_GCM, key)
        .map(LessSafeKey::new)
        .map_err(|_| Error::Backend("AES-256-GCM key setup failed"))
}

impl Aead for AwsLc {
    fn seal(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>> {
        let mut in_out = plaintext.to_vec();
        gcm_key(key)?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(*nonce),
                Aad::from(aad),
                &mut in_out,
            )
            .map_err(|_| Error::Backend("AES-256-GCM encryption failed"))?;
        Ok(in_out)
    }

    fn open(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        ciphertext_and_tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        let mut in_out = Zeroizing::new(ciphertext_and_tag.to_vec());
        let len = gcm_key(key)?
            .open_in_place(Nonce::assume_unique_for_key(*nonce), Aad::from(aad), &mut in_out)
            .map_err(|_| Error::AeadAuthentication)?
            .len();
        in_out.truncate(len);
        Ok(in_out)
    }
}

impl SecureRandom for AwsLc {
    fn fill(&self, dest: &mut [u8]) -> Result<()> {
        SystemRandom::new().fill(dest).map_err(|_| Error::Backend("system random generator failed"))
    }
}

struct Context(digest::Context);

impl DigestContext for Context {
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    fn finish(self: Box<Self>) -> Vec<u8> {
        self.0.finish().as_ref().to_vec()
    }
}

impl DigestProvider for AwsLc {
    fn new_context(&self, algorithm: DigestAlgorithm) -> Box<dyn DigestContext> {
        let algorithm = match algorithm {
            DigestAlgorithm::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            DigestAlgorithm::Sha256 => &digest::SHA256,
        };
        Box::new(Context(digest::Context::new(algorithm)))
    }
}
