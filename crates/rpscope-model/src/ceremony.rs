//! Which side a case is on, and which WebAuthn ceremony a server-side case runs as.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Client-side or server-side.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// What a browser (or client library) decides: may this origin use this RP ID?
    Client,
    /// What an RP checks after a ceremony: does the presented response fit its policy?
    Server,
}

impl Side {
    /// `client` or `server`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A WebAuthn ceremony.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Ceremony {
    /// Registration (`navigator.credentials.create`, WebAuthn L3 §7.1).
    Registration,
    /// Authentication (`navigator.credentials.get`, WebAuthn L3 §7.2).
    Authentication,
}

impl Ceremony {
    /// Both ceremonies, registration first.
    pub const ALL: &'static [Ceremony] = &[Ceremony::Registration, Ceremony::Authentication];

    /// `registration` or `authentication`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Ceremony::Registration => "registration",
            Ceremony::Authentication => "authentication",
        }
    }
}

impl fmt::Display for Ceremony {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
