//! An export file protected by a passphrase.
//!
//! A full export can carry the keys of shared documents (so a restore
//! reconnects to partners), and then whoever holds the file can read and
//! write them. Sealed, the file is the export's JSON encrypted with
//! XChaCha20-Poly1305 under a key stretched from the passphrase by Argon2id
//! (OWASP's settings: 19 MiB, 2 passes), with the salt, nonce and cost in
//! the clear beside it. Randomness comes in from the adapter; a file's cost
//! is checked before any work, so a hostile file cannot make a browser
//! hash for minutes.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Marks a sealed export.
pub const SEALED_FORMAT: &str = "confidant-export-sealed/1";

/// How hard the passphrase is stretched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfCost {
    pub memory_kib: u32,
    pub passes: u32,
}

impl KdfCost {
    /// OWASP's recommendation for Argon2id.
    pub const DEFAULT: KdfCost = KdfCost { memory_kib: 19 * 1024, passes: 2 };
    /// The most a file may ask for (a phone must still open it).
    const MAX: KdfCost = KdfCost { memory_kib: 32 * 1024, passes: 4 };
}

/// The largest sealed file opened (encoded).
pub const MAX_SEALED_BYTES: usize = 256 * 1024 * 1024;

#[derive(Serialize, Deserialize)]
struct SealedFile {
    format: String,
    kdf: String,
    cost: KdfCost,
    salt: String,
    nonce: String,
    ciphertext: String,
}

/// Why a sealed export does not open. Messages are for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the passphrase does not open this file; check it and try again")]
    WrongPassphrase,
    #[error("this protected export is damaged or was not made by Confidant")]
    Damaged,
    #[error("this file asks for more work to open than Confidant allows; it was refused")]
    TooCostly,
    #[error("choose a passphrase of at least 8 characters")]
    WeakPassphrase,
}

/// Whether `text` is a sealed export (read before anything else).
pub fn is_sealed(text: &str) -> bool {
    text.len() <= MAX_SEALED_BYTES && serde_json::from_str::<serde_json::Value>(text).ok().and_then(|v| v.get("format")?.as_str().map(|f| f == SEALED_FORMAT)).unwrap_or(false)
}

fn key(passphrase: &str, salt: &[u8], cost: KdfCost) -> Result<Zeroizing<[u8; 32]>, SealError> {
    let params = argon2::Params::new(cost.memory_kib, cost.passes, 1, Some(32)).map_err(|_| SealError::Damaged)?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon.hash_password_into(passphrase.as_bytes(), salt, &mut *key).map_err(|_| SealError::Damaged)?;
    Ok(key)
}

/// Seal `plain` (an export's JSON) under `passphrase`.
pub fn seal(plain: &str, passphrase: &str, salt: [u8; 16], nonce: [u8; 24], cost: KdfCost) -> Result<String, SealError> {
    if passphrase.chars().count() < 8 {
        return Err(SealError::WeakPassphrase);
    }
    let key = key(passphrase, &salt, cost)?;
    let ciphertext = XChaCha20Poly1305::new((&*key).into())
        .encrypt(XNonce::from_slice(&nonce), plain.as_bytes())
        .map_err(|_| SealError::Damaged)?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let file = SealedFile {
        format: SEALED_FORMAT.to_owned(),
        kdf: "argon2id".to_owned(),
        cost,
        salt: b64.encode(salt),
        nonce: b64.encode(nonce),
        ciphertext: b64.encode(ciphertext),
    };
    Ok(serde_json::to_string(&file).expect("a sealed file serializes"))
}

/// Open a sealed export with `passphrase`: the export's JSON.
pub fn open(text: &str, passphrase: &str) -> Result<Zeroizing<String>, SealError> {
    if text.len() > MAX_SEALED_BYTES {
        return Err(SealError::Damaged);
    }
    let file: SealedFile = serde_json::from_str(text).map_err(|_| SealError::Damaged)?;
    if file.format != SEALED_FORMAT || file.kdf != "argon2id" {
        return Err(SealError::Damaged);
    }
    if file.cost.memory_kib > KdfCost::MAX.memory_kib || file.cost.passes > KdfCost::MAX.passes {
        return Err(SealError::TooCostly);
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let salt = b64.decode(&file.salt).map_err(|_| SealError::Damaged)?;
    let nonce: [u8; 24] = b64.decode(&file.nonce).ok().and_then(|n| n.try_into().ok()).ok_or(SealError::Damaged)?;
    let ciphertext = b64.decode(&file.ciphertext).map_err(|_| SealError::Damaged)?;
    if salt.len() < 16 {
        return Err(SealError::Damaged);
    }
    let key = key(passphrase, &salt, file.cost)?;
    let plain = XChaCha20Poly1305::new((&*key).into())
        .decrypt(XNonce::from_slice(&nonce), ciphertext.as_slice())
        .map_err(|_| SealError::WrongPassphrase)?;
    String::from_utf8(plain).map(Zeroizing::new).map_err(|_| SealError::Damaged)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cheap for tests; the format is the same.
    const TEST_COST: KdfCost = KdfCost { memory_kib: 64, passes: 1 };

    #[test]
    fn a_sealed_export_opens_with_its_passphrase_only() {
        let plain = r#"{"format":"confidant-export/1","documents":[]}"#;
        let sealed = seal(plain, "correct horse", [7; 16], [9; 24], TEST_COST).unwrap();
        assert!(is_sealed(&sealed) && !is_sealed(plain));
        assert!(!sealed.contains("documents"), "nothing readable inside");
        assert_eq!(open(&sealed, "correct horse").unwrap().as_str(), plain);
        assert_eq!(open(&sealed, "wrong horse!").unwrap_err(), SealError::WrongPassphrase);
        assert_eq!(seal(plain, "short", [7; 16], [9; 24], TEST_COST).unwrap_err(), SealError::WeakPassphrase);
    }

    #[test]
    fn a_tampered_or_costly_file_is_refused_before_any_hashing_it_cannot_afford() {
        let sealed = seal("{}", "correct horse", [7; 16], [9; 24], TEST_COST).unwrap();
        let mut file: serde_json::Value = serde_json::from_str(&sealed).unwrap();
        file["cost"]["memory_kib"] = serde_json::json!(4 * 1024 * 1024);
        assert_eq!(open(&file.to_string(), "correct horse").unwrap_err(), SealError::TooCostly);
        let mut file: serde_json::Value = serde_json::from_str(&sealed).unwrap();
        file["ciphertext"] = serde_json::json!("AAAA");
        assert_eq!(open(&file.to_string(), "correct horse").unwrap_err(), SealError::WrongPassphrase);
        let mut file: serde_json::Value = serde_json::from_str(&sealed).unwrap();
        file["nonce"] = serde_json::json!("AAAA");
        assert_eq!(open(&file.to_string(), "correct horse").unwrap_err(), SealError::Damaged);
        assert_eq!(open("not json", "correct horse").unwrap_err(), SealError::Damaged);
    }

    #[test]
    fn the_default_cost_is_owasps() {
        assert_eq!(KdfCost::DEFAULT, KdfCost { memory_kib: 19456, passes: 2 });
    }
}
