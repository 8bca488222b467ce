//! `rpscope android-origin FINGERPRINT`: the `android:apk-key-hash:` origin an
//! app signed with that certificate presents.

use crate::{write_stdout, CliError, Exit};
use rpscope_core::mobile::android_origin::android_origin;

/// Prints the origin, or fails with exit 2 and the reason (a SHA-1
/// fingerprint, the wrong length, not hex).
pub fn run(fingerprint: &str) -> Result<Exit, CliError> {
    let origin = android_origin(fingerprint)
        .map_err(|e| CliError::new(format!("`{}`: {e}", clip(fingerprint))))?;
    write_stdout("write the origin", |out| writeln!(out, "{origin}"))?;
    Ok(Exit::Success)
}

/// The argument as the message shows it: at most 100 characters.
fn clip(text: &str) -> String {
    match text.char_indices().nth(100) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}
