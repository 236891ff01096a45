//! Encrypted payloads inside otherwise plain responses.
//!
//! Callback resources and downloaded platform certificates arrive encrypted with
//! AES-256-GCM under the APIv3 key; the objects carrying them name the algorithm. Encrypted
//! fund-flow bill files are requested with an algorithm too (`algorithm` query parameter).

open_enum! {
    /// The algorithm of an encrypted payload (加密算法类型).
    pub enum AeadAlgorithm {
        /// AES-256-GCM; callbacks and certificates use the APIv3 key, bill files their own
        /// `encrypt_key`; ciphertext is base64(ciphertext ‖ 16-byte tag) (AES-256-GCM).
        AeadAes256Gcm = "AEAD_AES_256_GCM",
        /// SM4-GCM, Chinese national cipher; encrypted fund-flow bill files only (国密SM4-GCM).
        Sm4Gcm = "SM4_GCM",
    }
}
