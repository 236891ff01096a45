//! Encrypted bill files (the e-commerce fund-flow bill of all sub-merchants): each file has
//! its own AES-256 key, sent RSA-OAEP-encrypted to the merchant API certificate as
//! `encrypt_key`, and a 12-byte GCM `nonce`; the file is AES-256-GCM ciphertext with the
//! 16-byte tag appended and empty associated data.
//!
//! WeChat Pay's documents do not pin down two details, so both readings are accepted where
//! the cryptography itself tells them apart: the decrypted `encrypt_key` is taken as the 32
//! key bytes (or, if it is 44 characters, as their base64), and the downloaded file as raw
//! bytes (or, if that does not authenticate, as base64 text). A wrong reading cannot pass
//! the GCM tag, so trying the other one never accepts a forged file.

use wechatpay_crypto::{Backend, PrivateKey};
use zeroize::Zeroizing;

use crate::error::BillError;

/// The AES-256 key of one bill file, from its `encrypt_key`.
///
/// # Errors
/// [`BillError::FileKey`] when it does not decrypt with `merchant_key`,
/// [`BillError::FileKeyLength`] when it is not a 32-byte key.
pub fn file_key(
    merchant_key: &PrivateKey,
    encrypt_key: &str,
    sequence: i64,
) -> Result<Zeroizing<[u8; 32]>, BillError> {
    let fail = |source| BillError::FileKey { sequence, source };
    let raw = wechatpay_crypto::base64::decode(encrypt_key.trim(), "encrypt_key").map_err(fail)?;
    let plain = merchant_key.decrypt_oaep(&raw).map_err(fail)?;
    if let Ok(key) = <[u8; 32]>::try_from(plain.as_slice()) {
        return Ok(Zeroizing::new(key));
    }
    if plain.len() == 44 {
        let text = std::str::from_utf8(&plain).unwrap_or_default();
        if let Ok(decoded) = wechatpay_crypto::base64::decode(text, "encrypt_key") {
            let decoded = Zeroizing::new(decoded);
            if let Ok(key) = <[u8; 32]>::try_from(decoded.as_slice()) {
                return Ok(Zeroizing::new(key));
            }
        }
    }
    Err(BillError::FileKeyLength { sequence, len: plain.len() })
}

/// Decrypts one downloaded bill file.
///
/// # Errors
/// [`BillError::Nonce`] unless the nonce is 12 bytes, [`BillError::Decrypt`] when the file
/// does not authenticate (damaged, truncated, or another file's key).
pub fn decrypt_file(
    backend: Backend,
    key: &[u8; 32],
    nonce: &str,
    data: &[u8],
    sequence: i64,
) -> Result<Zeroizing<Vec<u8>>, BillError> {
    let nonce: &[u8; 12] =
        nonce.as_bytes().try_into().map_err(|_| BillError::Nonce { sequence, len: nonce.len() })?;
    let raw = backend.aead.open(key, nonce, b"", data);
    match raw {
        Err(wechatpay_crypto::Error::AeadAuthentication) => {
            let text = std::str::from_utf8(data).map(str::trim).unwrap_or_default();
            match wechatpay_crypto::base64::decode(text, "bill file") {
                Ok(decoded) if !text.is_empty() => backend.aead.open(key, nonce, b"", &decoded),
                _ => raw,
            }
        }
        other => other,
    }
    .map_err(|source| BillError::Decrypt { sequence, source })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const MERCHANT_KEY: &str = include_str!("../../../../fixtures/vectors/keys/apiclient_key.pem");
    const OTHER_KEY: &str =
        include_str!("../../../../fixtures/vectors/keys/wechatpay_platform_key.pem");

    /// What WeChat Pay would send for one encrypted file: (encrypt_key, nonce, file bytes).
    pub(crate) fn encrypt_for_merchant(
        merchant: &PrivateKey,
        aes_key: &[u8; 32],
        nonce: &str,
        plaintext: &[u8],
    ) -> (String, Vec<u8>) {
        let encrypt_key = merchant.public_key().unwrap().encrypt_oaep(aes_key).unwrap();
        let nonce: &[u8; 12] = nonce.as_bytes().try_into().unwrap();
        let sealed = Backend::default().aead.seal(aes_key, nonce, b"", plaintext).unwrap();
        (wechatpay_crypto::base64::encode(encrypt_key), sealed)
    }

    // Proves a file encrypted the documented way decrypts with the merchant key, as raw
    // bytes and as base64 text.
    #[test]
    fn round_trip() {
        let merchant = PrivateKey::from_pem(MERCHANT_KEY).unwrap();
        let aes_key = *b"0123456789abcdef0123456789ABCDEF";
        let (encrypt_key, file) = encrypt_for_merchant(
            &merchant,
            &aes_key,
            "A1b2C3d4E5f6",
            "记账时间,业务名称\n".as_bytes(),
        );
        let key = file_key(&merchant, &encrypt_key, 1).unwrap();
        assert_eq!(*key, aes_key);
        let plain = decrypt_file(merchant.backend(), &key, "A1b2C3d4E5f6", &file, 1).unwrap();
        assert_eq!(plain.as_slice(), "记账时间,业务名称\n".as_bytes());
        let as_text = wechatpay_crypto::base64::encode(&file);
        let plain =
            decrypt_file(merchant.backend(), &key, "A1b2C3d4E5f6", as_text.as_bytes(), 1).unwrap();
        assert_eq!(plain.as_slice(), "记账时间,业务名称\n".as_bytes());
    }

    // Proves a key given as base64 text of 32 bytes is accepted too.
    #[test]
    fn base64_file_key() {
        let merchant = PrivateKey::from_pem(MERCHANT_KEY).unwrap();
        let aes_key = [7u8; 32];
        let text = wechatpay_crypto::base64::encode(aes_key);
        let encrypt_key = wechatpay_crypto::base64::encode(
            merchant.public_key().unwrap().encrypt_oaep(text.as_bytes()).unwrap(),
        );
        assert_eq!(*file_key(&merchant, &encrypt_key, 1).unwrap(), aes_key);
    }

    // Proves the failures: another private key, a short key, a bad nonce, a tampered file.
    #[test]
    fn failures() {
        let merchant = PrivateKey::from_pem(MERCHANT_KEY).unwrap();
        let other = PrivateKey::from_pem(OTHER_KEY).unwrap();
        let aes_key = [1u8; 32];
        let (encrypt_key, mut file) =
            encrypt_for_merchant(&merchant, &aes_key, "NONCE0123456", b"a,b\n");
        assert!(matches!(
            file_key(&other, &encrypt_key, 4),
            Err(BillError::FileKey { sequence: 4, .. })
        ));
        let short = wechatpay_crypto::base64::encode(
            merchant.public_key().unwrap().encrypt_oaep(&[1u8; 16]).unwrap(),
        );
        assert!(matches!(
            file_key(&merchant, &short, 1),
            Err(BillError::FileKeyLength { len: 16, .. })
        ));
        assert!(matches!(
            decrypt_file(merchant.backend(), &aes_key, "short", &file, 1),
            Err(BillError::Nonce { len: 5, .. })
        ));
        if let Some(b) = file.first_mut() {
            *b ^= 1;
        }
        assert!(matches!(
            decrypt_file(merchant.backend(), &aes_key, "NONCE0123456", &file, 2),
            Err(BillError::Decrypt {
                sequence: 2,
                source: wechatpay_crypto::Error::AeadAuthentication
            })
        ));
    }
}
