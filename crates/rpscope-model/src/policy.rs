//! An RP's origin policy as it writes it: the shape only. Compiling and verifying
//! against it is `rpscope_core::server`'s (the `Compile` trait).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A policy as an RP writes it (TOML file, or JSON in batch mode).
///
/// ```toml
/// rp_ids = ["example.com"]
/// origins = ["https://example.com", "https://*.example.com", "android:apk-key-hash:…"]
/// allow_cross_origin = false   # default
/// top_origins = []             # default
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The RP IDs credentials are scoped to (at least one).
    pub rp_ids: Vec<String>,
    /// Origin patterns `clientDataJSON.origin` may match.
    pub origins: Vec<String>,
    /// Whether ceremonies in cross-origin frames are allowed.
    #[serde(default)]
    pub allow_cross_origin: bool,
    /// Origin patterns `clientDataJSON.topOrigin` may match when cross-origin.
    #[serde(default)]
    pub top_origins: Vec<String>,
}
