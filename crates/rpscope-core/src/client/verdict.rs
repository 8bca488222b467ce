//! The result of a client-side check: a reason code plus what the explanation needs.

use crate::client::related_origins::RelatedOriginsFailure;
use crate::reason::{Reason, Verdict};
use std::fmt;

/// What a client-side check decided, and why.
///
/// The [`Reason`] fixes the verdict; [`ClientVerdict::explanation`] renders a
/// one-sentence account naming the hosts involved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientVerdict {
    pub(crate) reason: Reason,
    pub(crate) rp_id: Option<String>,
    pub(crate) caller_host: Option<String>,
    pub(crate) context: Context,
}

/// Details behind a reason, for the explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Context {
    None,
    /// Free text from a parser or validator.
    Detail(String),
    /// The public suffix that blocked the claim, and whether it is the caller's.
    PublicSuffix {
        suffix: String,
        callers: bool,
    },
    /// The local check failed for `local`, and related origins decided.
    RelatedOrigins {
        local: Reason,
        outcome: Result<usize, RelatedOriginsFailure>,
        profile: &'static str,
    },
}

impl ClientVerdict {
    /// Accept or reject.
    pub fn verdict(&self) -> Verdict {
        self.reason.verdict()
    }

    /// The stable reason code.
    pub fn reason(&self) -> Reason {
        self.reason
    }

    /// The effective RP ID: canonical when it parsed, as given when it did not,
    /// `None` when neither an RP ID nor a usable caller host was available.
    pub fn rp_id(&self) -> Option<&str> {
        self.rp_id.as_deref()
    }

    /// The caller's effective domain, when the caller origin was usable.
    pub fn caller_host(&self) -> Option<&str> {
        self.caller_host.as_deref()
    }

    /// A one-sentence human explanation (rendered on demand).
    pub fn explanation(&self) -> Explanation<'_> {
        Explanation(self)
    }
}

/// Renders a [`ClientVerdict`] as one sentence; see [`ClientVerdict::explanation`].
pub struct Explanation<'a>(&'a ClientVerdict);

impl fmt::Display for Explanation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        let rp = v.rp_id.as_deref().unwrap_or("");
        let host = v.caller_host.as_deref().unwrap_or("");
        let detail = match &v.context {
            Context::Detail(d) => d.as_str(),
            _ => "",
        };
        match (v.reason, &v.context) {
            (Reason::RpIdEqualsHost, _) => {
                write!(f, "The RP ID `{rp}` equals the caller's effective domain.")
            }
            (Reason::RpIdRegistrableSuffix, _) => write!(
                f,
                "The RP ID `{rp}` is a registrable domain suffix of the caller's effective domain `{host}`."
            ),
            (Reason::InvalidOrigin, _) => write!(f, "The caller origin is not usable: {detail}."),
            (Reason::OpaqueOrigin, _) => write!(
                f,
                "The caller origin is opaque ({detail}), and opaque origins cannot use WebAuthn."
            ),
            (Reason::InsecureScheme, _) => {
                write!(f, "The caller is not a secure context for WebAuthn: {detail}.")
            }
            (Reason::IpAddressOrigin, _) => write!(
                f,
                "The caller's host {detail}, and WebAuthn needs a domain as the effective domain."
            ),
            (Reason::InvalidRpId, _) => {
                write!(f, "The RP ID `{rp}` is not a valid domain string: {detail}.")
            }
            (Reason::IpAddressRpId, _) => {
                write!(f, "The RP ID `{rp}` is an IP address, and an RP ID must be a domain.")
            }
            (Reason::RpIdPublicSuffix, Context::PublicSuffix { callers: false, .. }) => write!(
                f,
                "The RP ID `{rp}` is a public suffix, which no site may claim."
            ),
            (Reason::RpIdPublicSuffix, Context::PublicSuffix { suffix, callers: true }) => write!(
                f,
                "The RP ID `{rp}` lies inside the caller's public suffix `{suffix}`, above the caller's registrable domain."
            ),
            (Reason::RpIdNotSuffix, Context::Detail(d)) => write!(
                f,
                "The RP ID `{rp}` fails the suffix test against `{host}`: {d}."
            ),
            (Reason::RpIdNotSuffix, _) => write!(
                f,
                "The RP ID `{rp}` is neither `{host}` nor a suffix of it at a dot boundary."
            ),
            (_, Context::RelatedOrigins { local, outcome, profile }) => {
                write!(f, "{} ", local_failure(*local, rp, host))?;
                match outcome {
                    Ok(i) => write!(
                        f,
                        "but https://{rp}/.well-known/webauthn lists the caller's origin (entry {i})."
                    ),
                    Err(failure) => {
                        write!(f, "and https://{rp}/.well-known/webauthn ")?;
                        match failure {
                            RelatedOriginsFailure::BadRedirect(hop, why) => write!(
                                f,
                                "was redirected to {hop}, {why}, which the {profile} profile does not follow."
                            ),
                            RelatedOriginsFailure::BadStatus(s) => write!(
                                f,
                                "answered with status {s}, which the {profile} profile does not accept."
                            ),
                            RelatedOriginsFailure::BadContentType => write!(
                                f,
                                "is not served as application/json under the {profile} profile's content-type rule."
                            ),
                            RelatedOriginsFailure::TooLarge(len, cap) => write!(
                                f,
                                "has a {len}-byte body, over the {profile} profile's {cap}-byte cap."
                            ),
                            RelatedOriginsFailure::BadJson(m) => write!(
                                f,
                                "is not an object with an array of strings in `origins`: {m}."
                            ),
                            RelatedOriginsFailure::NoMatch { labels } => write!(
                                f,
                                "does not list the caller's origin ({labels} label(s) considered)."
                            ),
                            RelatedOriginsFailure::LabelLimit { max_labels } => write!(
                                f,
                                "reached its limit of {max_labels} labels before reaching the caller's origin."
                            ),
                            RelatedOriginsFailure::CandidateLimit { max_candidates } => write!(
                                f,
                                "has more than {max_candidates} entries with a label; the {profile} profile stops after examining {max_candidates}, before the caller's origin."
                            ),
                        }
                    }
                }
            }
            (reason, _) => write!(f, "{}.", capitalise(reason.summary())),
        }
    }
}

/// The local failure, as the first clause of a related-origins explanation.
fn local_failure(local: Reason, rp: &str, host: &str) -> String {
    match local {
        Reason::RpIdPublicSuffix => format!("The RP ID `{rp}` is a public suffix for `{host}`,"),
        Reason::IpAddressRpId => format!("The RP ID `{rp}` is an IP address,"),
        Reason::InvalidRpId => format!("The RP ID `{rp}` fails the local check as written,"),
        _ => format!("The RP ID `{rp}` is not a registrable domain suffix of `{host}`,"),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|first| first.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
