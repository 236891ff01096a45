//! Encrypted payloads inside otherwise plain responses.
//!
//! Callback resources and downloaded platform certificates arrive encrypted with
//! AES-256-GCM under the APIv3 key; the objects carrying them name the algorithm.

open_enum! {
    /// The algorithm of an encrypted payload (加密算法类型).
    pub enum AeadAlgorithm {
        /// AES-256-GCM with the APIv3 key; ciphertext is base64(ciphertext ‖ 16-byte tag) (AES-256-GCM).
        AeadAes256Gcm = "AEAD_AES_256_GCM",
    }
}
