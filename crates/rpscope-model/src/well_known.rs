//! A `/.well-known/webauthn` response, owned (WebAuthn L3 §5.11.1).
//!
//! The one shape every reader shares: corpus cases, batch lines, adapter requests and
//! fuzz inputs. The core reads it through a borrowing view
//! (`rpscope_core::client::WellKnownResponse: From<&WellKnown>`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The response for `https://{rp_id}/.well-known/webauthn`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WellKnown {
    /// The final HTTP status.
    pub status: u16,
    /// The `Content-Type` header (empty: none sent).
    #[serde(default)]
    pub content_type: String,
    /// The body, as text.
    pub body: String,
    /// The URLs the fetch was redirected through before this response, in order
    /// (`https://{rp_id}/.well-known/webauthn` answered with a redirect to the
    /// first). Empty: no redirect.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<String>,
}
