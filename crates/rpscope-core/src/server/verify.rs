//! Verifying what a ceremony presents against a compiled policy.
//!
//! WebAuthn L3 §7.1 (registration) steps on `C.origin`, `C.topOrigin` and
//! `rpIdHash`, and §13.4.9 "Validating the origin of a credential": the RP must
//! not accept unexpected origins; if `crossOrigin` is true it must expect to be
//! embedded and `topOrigin` must be an expected embedder. Checks run in this
//! order: origin, cross-origin consistency, top origin, rpIdHash.

use crate::reason::{Reason, Verdict};
use crate::server::matcher::Matched;
use crate::server::policy::{CompiledPolicy, PolicyError};
use crate::server::presented::{read, Presented};
use std::fmt;

/// What a ceremony presents to the RP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServerRequest<'a> {
    /// `clientDataJSON.origin`.
    pub origin: &'a str,
    /// `clientDataJSON.crossOrigin` (`None`: absent).
    pub cross_origin: Option<bool>,
    /// `clientDataJSON.topOrigin` (`None`: absent).
    pub top_origin: Option<&'a str>,
    /// `authenticatorData.rpIdHash` (`None`: not checked).
    pub rp_id_hash: Option<&'a [u8]>,
}

/// The verdict on a [`ServerRequest`]; it borrows the request and the policy and
/// allocates nothing until its explanation is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerVerdict<'a> {
    reason: Reason,
    origin: &'a str,
    top_origin: Option<&'a str>,
    matched: Option<Matched>,
    rp_id: Option<&'a str>,
    detail: Detail<'a>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detail<'a> {
    None,
    Why(&'static str),
    Policy(&'a PolicyError),
}

/// [`verify`] under a policy that may not have compiled: an invalid policy refuses
/// every ceremony with [`Reason::InvalidPolicy`], its problems in the explanation.
///
/// ```
/// use rpscope_core::server::{verify_or_refuse, Compile as _, Policy, ServerRequest};
/// use rpscope_core::{PublicSuffixList, Reason};
/// let psl = PublicSuffixList::vendored();
/// let broken = Policy { rp_ids: vec![], origins: vec!["https://example.com".into()], ..Policy::default() }.compile(&psl);
/// let request = ServerRequest { origin: "https://example.com", ..ServerRequest::default() };
/// assert_eq!(verify_or_refuse(&broken, &request).reason(), Reason::InvalidPolicy);
/// ```
pub fn verify_or_refuse<'a>(
    policy: &'a Result<CompiledPolicy, PolicyError>,
    request: &ServerRequest<'a>,
) -> ServerVerdict<'a> {
    match policy {
        Ok(policy) => verify(policy, request),
        Err(error) => ServerVerdict::invalid_policy(request, error),
    }
}

/// Verifies a request against a compiled policy.
///
/// ```
/// use rpscope_core::server::{verify, Compile as _, Policy, ServerRequest};
/// use rpscope_core::{PublicSuffixList, Reason};
/// let psl = PublicSuffixList::vendored();
/// let policy = Policy { rp_ids: vec!["example.com".into()], origins: vec!["https://*.example.com".into()], ..Policy::default() }
///     .compile(&psl).unwrap();
/// let ok = ServerRequest { origin: "https://login.example.com", ..ServerRequest::default() };
/// assert_eq!(verify(&policy, &ok).reason(), Reason::OriginMatch);
/// let apex = ServerRequest { origin: "https://example.com", ..ServerRequest::default() };
/// assert_eq!(verify(&policy, &apex).reason(), Reason::OriginNotAllowed);
/// ```
pub fn verify<'a>(policy: &'a CompiledPolicy, request: &ServerRequest<'a>) -> ServerVerdict<'a> {
    let mut v = ServerVerdict {
        reason: Reason::OriginMatch,
        origin: request.origin,
        top_origin: request.top_origin,
        matched: None,
        rp_id: None,
        detail: Detail::None,
    };
    let reject = |mut v: ServerVerdict<'a>, reason, why: Option<&'static str>| {
        v.reason = reason;
        v.detail = why.map_or(Detail::None, Detail::Why);
        v
    };
    // Fast paths: exact and app origins are stored as valid presented strings,
    // and pattern keys vouch for what they match. A miss reads the whole string.
    v.matched = policy
        .origins
        .find_exact(request.origin)
        .or_else(|| policy.origins.find_pattern_unread(request.origin));
    if v.matched.is_none() {
        let origin = match read(request.origin) {
            Ok(o) => o,
            Err(why) => return reject(v, Reason::InvalidOrigin, Some(why)),
        };
        // The exact and app origins already missed; only patterns remain.
        v.matched = match origin {
            Presented::Web(web) => policy.origins.find_web(&web),
            Presented::App(_) => None,
        };
        if v.matched.is_none() {
            return reject(v, Reason::OriginNotAllowed, None);
        }
    }
    match (request.cross_origin, request.top_origin) {
        (Some(true), top) => {
            if !policy.allow_cross_origin {
                return reject(v, Reason::CrossOriginNotAllowed, None);
            }
            let Some(top) = top else {
                return reject(
                    v,
                    Reason::TopOriginNotAllowed,
                    Some("the ceremony is cross-origin but no topOrigin was sent"),
                );
            };
            match read(top) {
                Err(why) => return reject(v, Reason::TopOriginNotAllowed, Some(why)),
                Ok(t @ Presented::Web(_)) if policy.top_origins.find(&t).is_some() => {}
                Ok(_) => return reject(v, Reason::TopOriginNotAllowed, None),
            }
        }
        (_, Some(_)) => return reject(v, Reason::InconsistentCrossOrigin, None),
        _ => {}
    }
    if let Some(hash) = request.rp_id_hash {
        match policy.rp_ids.iter().find(|(_, h)| h.as_slice() == hash) {
            Some((id, _)) => v.rp_id = Some(id),
            None if hash.len() != 32 => {
                return reject(
                    v,
                    Reason::RpIdHashMismatch,
                    Some("an rpIdHash is 32 bytes (SHA-256)"),
                )
            }
            None => return reject(v, Reason::RpIdHashMismatch, None),
        }
    }
    v
}

impl<'a> ServerVerdict<'a> {
    /// The verdict for a policy that did not compile.
    pub fn invalid_policy(request: &ServerRequest<'a>, error: &'a PolicyError) -> Self {
        ServerVerdict {
            reason: Reason::InvalidPolicy,
            origin: request.origin,
            top_origin: request.top_origin,
            matched: None,
            rp_id: None,
            detail: Detail::Policy(error),
        }
    }

    /// Accept or reject.
    pub fn verdict(&self) -> Verdict {
        self.reason.verdict()
    }

    /// The stable reason code.
    pub fn reason(&self) -> Reason {
        self.reason
    }

    /// Which kind of pattern admitted the origin, if one did.
    pub fn matched(&self) -> Option<Matched> {
        self.matched
    }

    /// A one-sentence explanation (rendered on demand).
    pub fn explanation(&self) -> impl fmt::Display + '_ {
        ServerExplanation(self)
    }
}

struct ServerExplanation<'v, 'a>(&'v ServerVerdict<'a>);

impl fmt::Display for ServerExplanation<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        let o = v.origin;
        let how = match v.matched {
            Some(Matched::Exact) => "an exact origin",
            Some(Matched::AnyPort) => "an any-port pattern",
            Some(Matched::Subdomain) => "a subdomain pattern",
            Some(Matched::App) => "an app origin",
            None => "",
        };
        let why = match v.detail {
            Detail::Why(w) => w,
            _ => "",
        };
        let top = v.top_origin.unwrap_or("");
        match v.reason {
            Reason::OriginMatch => {
                write!(f, "The origin `{o}` matches {how} of the policy")?;
                match v.rp_id {
                    Some(id) => write!(f, ", and rpIdHash is the SHA-256 of the RP ID `{id}`."),
                    None => f.write_str("."),
                }
            }
            Reason::InvalidOrigin => write!(f, "The origin `{o}` is not a serialised origin: {why}."),
            Reason::OriginNotAllowed => write!(f, "The origin `{o}` matches no origin pattern of the policy."),
            Reason::CrossOriginNotAllowed => write!(
                f,
                "The ceremony ran in a cross-origin frame (crossOrigin is true), and the policy does not allow cross-origin use."
            ),
            Reason::TopOriginNotAllowed if !why.is_empty() => write!(f, "The top origin is not acceptable: {why}."),
            Reason::TopOriginNotAllowed => {
                write!(f, "The top origin `{top}` matches no top-origin pattern of the policy.")
            }
            Reason::InconsistentCrossOrigin => write!(
                f,
                "A topOrigin (`{top}`) was sent although crossOrigin is not true; a client sends it only for cross-origin ceremonies."
            ),
            Reason::RpIdHashMismatch if !why.is_empty() => write!(f, "The rpIdHash does not fit: {why}."),
            Reason::RpIdHashMismatch => {
                write!(f, "The rpIdHash is not the SHA-256 of any RP ID of the policy.")
            }
            Reason::InvalidPolicy => match v.detail {
                Detail::Policy(e) => write!(f, "The policy is not valid: {e}."),
                _ => f.write_str("The policy is not valid."),
            },
            other => write!(f, "{}.", other.summary()),
        }
    }
}
