//! The origin an Android app presents: `android:apk-key-hash:` followed by the
//! base64url (RFC 4648 §5, no padding) of the SHA-256 fingerprint of the app's
//! signing certificate.
//!
//! Sources: Android Credential Manager, "Verify origin" (the origin of a native
//! app's `clientDataJSON`); web-auth/webauthn-framework#393 (unpadded base64url);
//! Yubico/java-webauthn-server#332 (a server that refuses the value when it is
//! not configured).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use std::fmt;

/// The prefix of every Android app origin.
pub const APK_KEY_HASH_PREFIX: &str = "android:apk-key-hash:";

/// The longest fingerprint text read, in bytes: 32 bytes as colon hex is 95;
/// anything longer is refused without being scanned.
pub const MAX_FINGERPRINT_CHARS: usize = 256;

/// Why a fingerprint is not a SHA-256 certificate fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FingerprintError {
    /// Nothing but white space.
    Empty,
    /// Longer than [`MAX_FINGERPRINT_CHARS`] bytes.
    TooLong(usize),
    /// A character that is not a hex digit or `:` (its 0-based character index).
    NotHex {
        /// Where, counted in characters.
        at: usize,
        /// The character.
        found: char,
    },
    /// Colons that do not separate pairs of hex digits (`F:D0`, `F0::D0`).
    BadSeparators,
    /// An odd number of hex digits.
    OddDigits(usize),
    /// 20 bytes: a SHA-1 fingerprint (keytool and Play Console show both).
    Sha1,
    /// A byte count other than 32 (or 20).
    WrongLength(usize),
}

impl fmt::Display for FingerprintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FingerprintError::Empty => f.write_str("the fingerprint is empty"),
            FingerprintError::TooLong(n) => write!(f, "the fingerprint is {n} bytes long; a SHA-256 fingerprint is 64 hex digits (95 characters with colons)"),
            FingerprintError::NotHex { at, found } => write!(f, "character {} (`{}`) is not a hex digit", at + 1, found.escape_debug()),
            FingerprintError::BadSeparators => f.write_str("colons must separate pairs of hex digits (`F0:D0:…`)"),
            FingerprintError::OddDigits(n) => write!(f, "{n} hex digits is not a whole number of bytes"),
            FingerprintError::Sha1 => f.write_str("this is a 20-byte SHA-1 fingerprint; Android origins and assetlinks.json use the 32-byte SHA-256 fingerprint of the signing certificate (`keytool -list -v` prints both; take the `SHA256:` line)"),
            FingerprintError::WrongLength(n) => write!(f, "the fingerprint is {n} bytes; a SHA-256 fingerprint is 32 bytes"),
        }
    }
}

impl std::error::Error for FingerprintError {}

/// Reads a SHA-256 certificate fingerprint: 32 bytes as colon-separated hex
/// (`F0:D0:46:…`, as keytool and `assetlinks.json` write it) or as plain hex,
/// either case, surrounding white space ignored.
///
/// ```
/// use rpscope_core::mobile::android_origin::{parse_fingerprint, FingerprintError};
/// let fp = parse_fingerprint("f0d046d0bd07d1152cf36516ff21ab115cd8d70093f3b44235a6ad7f115e29e1").unwrap();
/// assert_eq!(fp[0], 0xf0);
/// assert_eq!(parse_fingerprint("AA:BB"), Err(FingerprintError::WrongLength(2)));
/// ```
pub fn parse_fingerprint(text: &str) -> Result<[u8; 32], FingerprintError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FingerprintError::Empty);
    }
    if text.len() > MAX_FINGERPRINT_CHARS {
        return Err(FingerprintError::TooLong(text.len()));
    }
    if let Some((at, found)) = text
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_hexdigit() && *c != ':')
    {
        return Err(FingerprintError::NotHex { at, found });
    }
    let digits: Vec<u8> = if text.contains(':') {
        let mut digits = Vec::with_capacity(64);
        for pair in text.split(':') {
            if pair.len() != 2 {
                return Err(FingerprintError::BadSeparators);
            }
            digits.extend_from_slice(pair.as_bytes());
        }
        digits
    } else {
        text.as_bytes().to_vec()
    };
    if digits.len() % 2 != 0 {
        return Err(FingerprintError::OddDigits(digits.len()));
    }
    let bytes: Vec<u8> = digits
        .chunks_exact(2)
        .map(|pair| (hex_value(pair[0]) << 4) | hex_value(pair[1]))
        .collect();
    match <[u8; 32]>::try_from(bytes.as_slice()) {
        Ok(fp) => Ok(fp),
        Err(_) if bytes.len() == 20 => Err(FingerprintError::Sha1),
        Err(_) => Err(FingerprintError::WrongLength(bytes.len())),
    }
}

/// A checked hex digit's value (the caller has checked `is_ascii_hexdigit`).
fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        b'A'..=b'F' => digit - b'A' + 10,
        _ => 0,
    }
}

/// The origin an app signed with this certificate presents:
/// `android:apk-key-hash:<base64url, no padding>`.
///
/// ```
/// use rpscope_core::mobile::android_origin::apk_key_hash_origin;
/// assert_eq!(apk_key_hash_origin(&[0; 32]), "android:apk-key-hash:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
/// ```
pub fn apk_key_hash_origin(fingerprint: &[u8; 32]) -> String {
    format!(
        "{APK_KEY_HASH_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(fingerprint)
    )
}

/// [`parse_fingerprint`], then [`apk_key_hash_origin`].
///
/// ```
/// use rpscope_core::mobile::android_origin::android_origin;
/// let fp = "F0:D0:46:D0:BD:07:D1:15:2C:F3:65:16:FF:21:AB:11:5C:D8:D7:00:93:F3:B4:42:35:A6:AD:7F:11:5E:29:E1";
/// assert_eq!(android_origin(fp).unwrap(), "android:apk-key-hash:8NBG0L0H0RUs82UW_yGrEVzY1wCT87RCNaatfxFeKeE");
/// ```
pub fn android_origin(fingerprint: &str) -> Result<String, FingerprintError> {
    parse_fingerprint(fingerprint).map(|fp| apk_key_hash_origin(&fp))
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLON: &str = "F0:D0:46:D0:BD:07:D1:15:2C:F3:65:16:FF:21:AB:11:5C:D8:D7:00:93:F3:B4:42:35:A6:AD:7F:11:5E:29:E1";
    // Computed independently: Python's base64.urlsafe_b64encode of the same 32 bytes, `=` stripped.
    const ORIGIN: &str = "android:apk-key-hash:8NBG0L0H0RUs82UW_yGrEVzY1wCT87RCNaatfxFeKeE";

    #[test]
    fn colon_plain_and_case_agree() {
        let plain: String = COLON.chars().filter(|c| *c != ':').collect();
        for text in [
            COLON.to_string(),
            COLON.to_lowercase(),
            plain.clone(),
            plain.to_lowercase(),
            format!("  {COLON}\n"),
        ] {
            assert_eq!(android_origin(&text).as_deref(), Ok(ORIGIN), "{text}");
        }
    }

    #[test]
    fn bad_fingerprints_say_why() {
        let sha1 = "DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09";
        assert_eq!(parse_fingerprint(sha1), Err(FingerprintError::Sha1));
        assert_eq!(parse_fingerprint(""), Err(FingerprintError::Empty));
        assert_eq!(
            parse_fingerprint(&COLON[3..]),
            Err(FingerprintError::WrongLength(31))
        );
        assert_eq!(
            parse_fingerprint("F0:D0:4G"),
            Err(FingerprintError::NotHex { at: 7, found: 'G' })
        );
        assert_eq!(
            parse_fingerprint("F:D0"),
            Err(FingerprintError::BadSeparators)
        );
        assert_eq!(
            parse_fingerprint("F0::D0"),
            Err(FingerprintError::BadSeparators)
        );
        assert_eq!(
            parse_fingerprint("F0D"),
            Err(FingerprintError::OddDigits(3))
        );
        assert_eq!(
            parse_fingerprint("SHA256: F0"),
            Err(FingerprintError::NotHex { at: 0, found: 'S' })
        );
        // Not scanned past the cap.
        let huge = "A".repeat(1 << 20);
        assert_eq!(
            parse_fingerprint(&huge),
            Err(FingerprintError::TooLong(1 << 20))
        );
        // Multi-byte characters are counted, never sliced.
        assert!(matches!(
            parse_fingerprint("F0:é0"),
            Err(FingerprintError::NotHex { at: 3, found: 'é' })
        ));
    }

    #[test]
    fn the_origin_is_43_unpadded_base64url_characters() {
        for byte in [0u8, 0x3e, 0xfb, 0xff] {
            let origin = apk_key_hash_origin(&[byte; 32]);
            let hash = origin.strip_prefix(APK_KEY_HASH_PREFIX).unwrap();
            assert_eq!(hash.len(), 43);
            assert!(hash
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        }
    }
}
