//! The adapter protocol's messages (version [`PROTOCOL`]); `docs/protocol.md` is
//! the prose, `adapters/protocol/*.schema.json` the schemas generated from these types.
//!
//! Runner-to-adapter messages are [`Command`]s; an adapter answers `start` with a
//! [`Hello`] and every `run` with a [`CaseAnswer`]. Unknown fields are ignored in
//! both directions (docs/protocol.md), so a later runner may add optional fields
//! without breaking an adapter built on these types. The policy inside a request
//! is the exception: `Policy` refuses unknown keys, because a policy field an
//! adapter did not understand would change what it must decide.

pub use crate::policy::Policy;
pub use crate::{Actual, Ceremony, ProfileId, Side, WellKnown};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The protocol version this runner speaks.
pub const PROTOCOL: u32 = 1;

/// A message from the runner to the adapter, one per line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "cmd", rename_all = "kebab-case")]
pub enum Command {
    /// Opens the conversation; the adapter answers with a [`Hello`].
    Start {
        /// The protocol version the runner speaks.
        protocol: u32,
    },
    /// One case; the adapter answers with a [`CaseAnswer`] echoing `seq`.
    Run {
        /// The request's sequence number (0 is the control ceremony).
        seq: u64,
        /// The case.
        case: Box<CaseRequest>,
    },
    /// Ends the conversation; the adapter exits with status 0.
    Stop,
}

/// One case, as the adapter sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "side", rename_all = "kebab-case")]
pub enum CaseRequest {
    /// Verify a ceremony response as an RP.
    Server(ServerCaseRequest),
    /// Decide, as a client, whether an origin may use an RP ID.
    Client(ClientCaseRequest),
}

/// A server-side case: the RP's policy and a real, signed ceremony response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ServerCaseRequest {
    /// The case id (for the adapter's logs; an adapter must not special-case it).
    pub id: String,
    /// The ceremony.
    pub ceremony: Ceremony,
    /// The RP's configuration in rpscope's terms.
    pub policy: Policy,
    /// The challenge the RP issued, base64url without padding.
    pub challenge: String,
    /// The `PublicKeyCredential` JSON (WebAuthn L3 §5.1 `toJSON()` form).
    pub response: serde_json::Value,
    /// The stored credential an assertion is verified with (authentication only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<StoredCredential>,
    /// Whether the RP requires user verification (the response sets UV anyway).
    pub user_verification_required: bool,
}

/// A credential as an RP stores it after registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StoredCredential {
    /// The credential id, base64url without padding.
    pub id: String,
    /// The public key as a COSE_Key, base64url of its CBOR.
    pub public_key: String,
    /// The COSE algorithm (-7, ES256).
    pub algorithm: i64,
    /// The stored signature counter.
    pub sign_count: u32,
}

/// A client-side case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClientCaseRequest {
    /// The case id.
    pub id: String,
    /// The caller's origin.
    pub origin: String,
    /// The requested RP ID; absent: the caller's effective domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rp_id: Option<String>,
    /// The response to `https://{rp_id}/.well-known/webauthn`; absent: the fetch failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub well_known: Option<WellKnown>,
}

/// The adapter's answer to `start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Hello {
    /// The protocol version the adapter speaks (must be [`PROTOCOL`]).
    pub protocol: u32,
    /// What is being tested.
    pub implementation: Implementation,
    /// What the adapter can do.
    pub capabilities: Capabilities,
}

/// The implementation behind an adapter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Implementation {
    /// Its name as its users know it (`@simplewebauthn/server`, `webauthn-rs-core`).
    pub name: String,
    /// The exact version under test.
    pub version: String,
    /// The language it is written in.
    pub language: String,
    /// Where it lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
}

/// What an adapter can run.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Capabilities {
    /// `server` and/or `client`.
    pub sides: Vec<Side>,
    /// The ceremonies a server adapter verifies.
    #[serde(default)]
    pub ceremonies: Vec<Ceremony>,
    /// The policy features it can express (see [`PolicyFeature`]).
    #[serde(default)]
    pub policy_features: Vec<PolicyFeature>,
    /// The profile a client adapter's verdicts are held to (default `spec`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_profile: Option<ProfileId>,
    /// What of a client case a client adapter can hand to its library (see
    /// [`ClientFeature`]); cases needing more are skipped by the runner.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub client_features: Vec<ClientFeature>,
}

/// Something in a client case that not every client adapter can replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ClientFeature {
    /// A well-known response reached through `redirects`.
    Redirects,
}

/// Something in a policy that not every library can express.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PolicyFeature {
    /// More than one RP ID.
    MultipleRpIds,
    /// More than one origin pattern.
    MultipleOrigins,
    /// A `scheme://*.host` pattern.
    SubdomainOrigins,
    /// A `scheme://host:*` pattern.
    AnyPortOrigins,
    /// An origin that is not `http://` or `https://`.
    AppOrigins,
    /// `allow_cross_origin = true`.
    CrossOrigin,
    /// A non-empty `top_origins` with `allow_cross_origin = true`.
    TopOrigins,
}

impl PolicyFeature {
    /// The protocol name (`subdomain-origins`).
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyFeature::MultipleRpIds => "multiple-rp-ids",
            PolicyFeature::MultipleOrigins => "multiple-origins",
            PolicyFeature::SubdomainOrigins => "subdomain-origins",
            PolicyFeature::AnyPortOrigins => "any-port-origins",
            PolicyFeature::AppOrigins => "app-origins",
            PolicyFeature::CrossOrigin => "cross-origin",
            PolicyFeature::TopOrigins => "top-origins",
        }
    }

    /// The features `policy` needs, in a fixed order.
    ///
    /// Patterns are classified by the grammar of `rpscope_core::server::pattern`:
    /// not `http://` or `https://` (any case) is an app origin; a host starting
    /// with `*.` is a subdomain pattern; a port of `*` admits any port.
    ///
    /// ```
    /// use rpscope_model::protocol::PolicyFeature;
    /// use rpscope_model::Policy;
    /// let policy = Policy {
    ///     rp_ids: vec!["example.com".into()],
    ///     origins: vec!["https://*.example.com".into(), "https://example.com:*".into()],
    ///     ..Policy::default()
    /// };
    /// assert_eq!(
    ///     PolicyFeature::needed_by(&policy),
    ///     [PolicyFeature::MultipleOrigins, PolicyFeature::SubdomainOrigins, PolicyFeature::AnyPortOrigins]
    /// );
    /// ```
    pub fn needed_by(policy: &Policy) -> Vec<PolicyFeature> {
        let mut needed = Vec::new();
        let mut add = |f: PolicyFeature| {
            if !needed.contains(&f) {
                needed.push(f);
            }
        };
        if policy.rp_ids.len() > 1 {
            add(PolicyFeature::MultipleRpIds);
        }
        if policy.origins.len() > 1 {
            add(PolicyFeature::MultipleOrigins);
        }
        // Top origins only matter where cross-origin ceremonies are allowed: with
        // `allow_cross_origin = false` a `crossOrigin: true` is refused before
        // `topOrigin` is looked at, so a library without top origins expresses
        // such a policy exactly.
        let top: &[String] = if policy.allow_cross_origin {
            &policy.top_origins
        } else {
            &[]
        };
        for pattern in policy.origins.iter().chain(top) {
            match web_authority(pattern) {
                None => add(PolicyFeature::AppOrigins),
                Some(authority) => {
                    if authority.starts_with("*.") {
                        add(PolicyFeature::SubdomainOrigins);
                    }
                    if authority.ends_with(":*") {
                        add(PolicyFeature::AnyPortOrigins);
                    }
                }
            }
        }
        if policy.allow_cross_origin {
            add(PolicyFeature::CrossOrigin);
        }
        if !top.is_empty() {
            add(PolicyFeature::TopOrigins);
        }
        needed.sort();
        needed
    }
}

/// The authority of an `http://` or `https://` pattern (`None` for an app origin).
fn web_authority(pattern: &str) -> Option<&str> {
    let lower_prefix = |p: &str| {
        pattern
            .get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
    };
    let rest = if lower_prefix("https://") {
        &pattern[8..]
    } else if lower_prefix("http://") {
        &pattern[7..]
    } else {
        return None;
    };
    Some(rest.split('/').next().unwrap_or(rest))
}

/// The adapter's answer to one `run`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CaseAnswer {
    /// The request's `seq`, echoed.
    pub seq: u64,
    /// The outcome.
    pub result: Actual,
    /// The library's error text (`reject`), why (`skipped`) or what failed (`error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A link explaining a skip (an issue, a documentation page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_url: Option<String>,
}

/// Any message an adapter sends, for the adapter-to-runner schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AdapterMessage {
    /// The answer to `start`.
    Hello(Hello),
    /// The answer to `run`.
    Answer(CaseAnswer),
}

/// The two protocol schemas as `(file name, pretty JSON)`, for
/// `rpscope adapter schema --write adapters/protocol`.
pub fn schemas() -> Vec<(&'static str, String)> {
    fn render<T: JsonSchema>(title: &str) -> String {
        let mut schema = schemars::schema_for!(T);
        schema.insert("title".into(), title.into());
        let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        text.push('\n');
        text
    }
    vec![
        (
            "runner-to-adapter.schema.json",
            render::<Command>("rpscope adapter protocol v1: a runner-to-adapter message"),
        ),
        (
            "adapter-to-runner.schema.json",
            render::<AdapterMessage>("rpscope adapter protocol v1: an adapter-to-runner message"),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_serialise_as_documented() {
        let start = serde_json::to_string(&Command::Start { protocol: 1 }).unwrap();
        assert_eq!(start, r#"{"cmd":"start","protocol":1}"#);
        assert_eq!(
            serde_json::to_string(&Command::Stop).unwrap(),
            r#"{"cmd":"stop"}"#
        );
    }

    #[test]
    fn answers_ignore_unknown_fields_and_need_seq_and_result() {
        let a: CaseAnswer =
            serde_json::from_str(r#"{"seq":3,"result":"reject","message":"m","elapsed_ms":4}"#)
                .unwrap();
        assert_eq!(a.result, Actual::Reject);
        assert!(serde_json::from_str::<CaseAnswer>(r#"{"result":"accept"}"#).is_err());
        assert!(serde_json::from_str::<CaseAnswer>(r#"{"seq":1,"result":"maybe"}"#).is_err());
    }

    #[test]
    fn features_follow_the_pattern_grammar() {
        let p = |origins: &[&str]| Policy {
            rp_ids: vec!["example.com".into()],
            origins: origins.iter().map(|s| s.to_string()).collect(),
            ..Policy::default()
        };
        assert!(PolicyFeature::needed_by(&p(&["https://example.com"])).is_empty());
        assert_eq!(
            PolicyFeature::needed_by(&p(&["HTTPS://*.example.com:*/"])),
            [
                PolicyFeature::SubdomainOrigins,
                PolicyFeature::AnyPortOrigins
            ]
        );
        assert_eq!(
            PolicyFeature::needed_by(&p(&["android:apk-key-hash:abc"])),
            [PolicyFeature::AppOrigins]
        );
        // A `*` elsewhere than the host's first label is no subdomain pattern.
        assert!(PolicyFeature::needed_by(&p(&["https://ex*ample.com"])).is_empty());
    }
}
