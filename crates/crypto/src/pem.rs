//! PEM decoding with label checks and the DER structure checks shared by every backend
//! (PKCS#1 → PKCS#8 wrapping, algorithm identifiers), so backends only ever see RSA keys.

use pkcs8::der::asn1::UintRef;
use pkcs8::der::{Decode, Encode, Reader, SliceReader};
use pkcs8::spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};
use pkcs8::{ObjectIdentifier, PrivateKeyInfoRef};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// rsaEncryption (1.2.840.113549.1.1.1).
pub(crate) const RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// The largest PEM input accepted, 64 KiB. A 2048-bit key or certificate is under 2 KiB and a
/// 4096-bit one under 4 KiB; anything this large is refused before it is scanned.
pub const MAX_PEM_BYTES: usize = 64 * 1024;

/// A decoded PEM block.
pub(crate) struct Block {
    pub(crate) label: String,
    pub(crate) der: Zeroizing<Vec<u8>>,
}

/// Decodes every PEM block in `input`, in order.
pub(crate) fn decode_all(input: &[u8]) -> Result<Vec<Block>> {
    if input.len() > MAX_PEM_BYTES {
        return Err(Error::InputTooLarge {
            what: "PEM input",
            len: input.len(),
            max: MAX_PEM_BYTES,
        });
    }
    let blocks = pem::parse_many(input).map_err(|e| Error::NotPem(e.to_string()))?;
    if blocks.is_empty() {
        return Err(Error::NotPem("no -----BEGIN …----- block found".into()));
    }
    Ok(blocks
        .into_iter()
        .map(|b| Block { label: b.tag().to_owned(), der: Zeroizing::new(b.into_contents()) })
        .collect())
}

/// Decodes the single PEM block in `input` (the first one if there are several).
pub(crate) fn decode_one(input: &[u8]) -> Result<Block> {
    let mut blocks = decode_all(input)?;
    Ok(blocks.swap_remove(0))
}

fn algorithm_name(oid: &ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.2.840.10045.2.1" => "EC (1.2.840.10045.2.1)".into(),
        "1.3.101.112" => "Ed25519 (1.3.101.112)".into(),
        "1.2.840.10040.4.1" => "DSA (1.2.840.10040.4.1)".into(),
        "1.2.156.10197.1.301" => "SM2 (1.2.156.10197.1.301)".into(),
        other => other.to_owned(),
    }
}

/// Checks that PKCS#8 DER holds an RSA key and returns its modulus length in bits.
///
/// The size is read here, before any backend sees the key, so that a small key is always
/// [`Error::KeyTooSmall`]: aws-lc refuses keys under 2048 bits itself, with its own error.
pub(crate) fn check_pkcs8_rsa(der: &[u8]) -> Result<usize> {
    let malformed = |e: pkcs8::der::Error| Error::Malformed {
        what: "PKCS#8 private key",
        reason: e.to_string(),
    };
    let info = PrivateKeyInfoRef::from_der(der).map_err(malformed)?;
    if info.algorithm.oid != RSA_ENCRYPTION {
        return Err(Error::NotRsa(algorithm_name(&info.algorithm.oid)));
    }
    // RSAPrivateKey ::= SEQUENCE { version INTEGER, modulus INTEGER, … }
    let modulus = SliceReader::new(info.private_key.as_bytes())
        .and_then(|mut r| {
            r.sequence(|r| {
                let _version: UintRef<'_> = r.decode()?;
                let modulus: UintRef<'_> = r.decode()?;
                r.read_slice(r.remaining_len())?;
                Ok(modulus)
            })
        })
        .map_err(malformed)?;
    Ok(bit_length(modulus.as_bytes()))
}

/// The bit length of a big-endian unsigned integer without leading zero bytes.
fn bit_length(be: &[u8]) -> usize {
    match be.first() {
        None => 0,
        Some(first) => (be.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
    }
}

/// Wraps a PKCS#1 `RSAPrivateKey` in a PKCS#8 `PrivateKeyInfo`.
pub(crate) fn pkcs1_to_pkcs8(pkcs1: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let malformed = |e: pkcs8::der::Error| Error::Malformed {
        what: "PKCS#1 RSA private key",
        reason: e.to_string(),
    };
    // Check the outer structure is a SEQUENCE before wrapping it.
    pkcs8::der::asn1::AnyRef::from_der(pkcs1).map_err(malformed)?;
    let info = PrivateKeyInfoRef::new(
        AlgorithmIdentifierRef {
            oid: RSA_ENCRYPTION,
            parameters: Some(pkcs8::der::asn1::AnyRef::NULL),
        },
        pkcs8::der::asn1::OctetStringRef::new(pkcs1).map_err(malformed)?,
    );
    Ok(Zeroizing::new(info.to_der().map_err(malformed)?))
}

/// Checks that SPKI DER holds an RSA key and returns its modulus length in bits (read here
/// for the same reason as in [`check_pkcs8_rsa`]).
pub(crate) fn check_spki_rsa(der: &[u8]) -> Result<usize> {
    let malformed = |e: pkcs8::der::Error| Error::Malformed {
        what: "SubjectPublicKeyInfo",
        reason: e.to_string(),
    };
    let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(malformed)?;
    if spki.algorithm.oid != RSA_ENCRYPTION {
        return Err(Error::NotRsa(algorithm_name(&spki.algorithm.oid)));
    }
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    let modulus = SliceReader::new(spki.subject_public_key.raw_bytes())
        .and_then(|mut r| {
            r.sequence(|r| {
                let modulus: UintRef<'_> = r.decode()?;
                let _exponent: UintRef<'_> = r.decode()?;
                Ok(modulus)
            })
        })
        .map_err(malformed)?;
    Ok(bit_length(modulus.as_bytes()))
}
