//! Client-side scoping: what a browser decides before it lets a page use an RP ID.
//!
//! [`check`] runs the whole chain for one request; the modules below hold one
//! step each:
//!
//! | step | module | source |
//! |---|---|---|
//! | caller origin, secure context, IP hosts | [`caller`] | WebAuthn L3 §5.1.3, URL |
//! | RP ID syntax | [`rp_id`] | WebAuthn L3 §4 "RP ID", URL "valid domain string" |
//! | registrable-suffix test | [`registrable`] | HTML "is a registrable domain suffix of or is equal to" |
//! | callers with empty labels (Chromium) | [`empty_labels`] | Chromium `OriginIsAllowedToClaimRelyingPartyId`, `url::DomainIs` |
//! | related origins | [`related_origins`] | WebAuthn L3 §5.11.1 |
//! | the label table of a document | [`labels`] | WebAuthn L3 §5.11.1 |

pub mod caller;
pub mod empty_labels;
pub mod labels;
pub mod mime;
pub mod registrable;
pub mod related_origins;
pub mod rp_id;
mod verdict;

pub use caller::{CallerError, CallerOrigin};
pub use registrable::{claim, ScopeFailure};
pub use related_origins::{validate_related_origins, RelatedOriginsFailure, WellKnownResponse};
pub use rp_id::{RpId, RpIdError};
pub use verdict::{ClientVerdict, Explanation};

use crate::profile::{IpRpId, LeadingDotRpId, Profile, RpIdSpelling, SuffixHost};
use crate::psl::{has_only_nonempty_labels, PublicSuffixList, SuffixKind};
use crate::reason::Reason;
use rpscope_model::{ProfileId, Verdict};
use verdict::Context;

/// One client-side question: may `origin` use `rp_id`?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClientRequest<'a> {
    /// The caller's origin (or any URL of the calling page).
    pub origin: &'a str,
    /// The requested RP ID; `None` means the caller's effective domain.
    pub rp_id: Option<&'a str>,
    /// The response for `https://{rp_id}/.well-known/webauthn`; `None` means the
    /// fetch failed (or was never made), so only the local check can accept.
    pub well_known: Option<WellKnownResponse<'a>>,
}

impl<'a> ClientRequest<'a> {
    /// A request over owned inputs, as corpus cases, batch lines and adapter
    /// requests hold them.
    ///
    /// ```
    /// use rpscope_core::{client::ClientRequest, WellKnown};
    /// let doc = WellKnown { status: 200, content_type: "application/json".into(),
    ///                       body: r#"{"origins":["https://example.co.uk"]}"#.into(), redirects: vec![] };
    /// let request = ClientRequest::new("https://example.co.uk", Some("example.com"), Some(&doc));
    /// assert_eq!(request.well_known.unwrap().status, 200);
    /// ```
    pub fn new(
        origin: &'a str,
        rp_id: Option<&'a str>,
        well_known: Option<&'a rpscope_model::WellKnown>,
    ) -> Self {
        ClientRequest {
            origin,
            rp_id,
            well_known: well_known.map(WellKnownResponse::from),
        }
    }
}

/// Decides a client-side request under a profile.
///
/// ```
/// use rpscope_core::{client::{check, ClientRequest}, Profile, PublicSuffixList, Reason, Verdict};
/// let psl = PublicSuffixList::vendored();
/// let request = ClientRequest { origin: "https://login.example.com:1337", rp_id: Some("example.com"), well_known: None };
/// let verdict = check(&request, &Profile::SPEC, &psl);
/// assert_eq!(verdict.verdict(), Verdict::Accept);
/// assert_eq!(verdict.reason(), Reason::RpIdRegistrableSuffix);
/// assert_eq!(
///     verdict.explanation().to_string(),
///     "The RP ID `example.com` is a registrable domain suffix of the caller's effective domain `login.example.com`."
/// );
/// ```
pub fn check(
    request: &ClientRequest<'_>,
    profile: &Profile,
    psl: &PublicSuffixList,
) -> ClientVerdict {
    let caller = match CallerOrigin::parse(request.origin, profile) {
        Ok(caller) => caller,
        Err(e) => {
            return ClientVerdict {
                reason: e.reason,
                rp_id: request.rp_id.map(str::to_owned),
                caller_host: None,
                context: Context::Detail(e.detail),
            }
        }
    };
    // Only a profile that compares hosts as written lets such a caller through
    // (`EmptyLabelHost::ComparedAsWritten`); its whole local check is Chromium's.
    if !has_only_nonempty_labels(caller.host()) {
        return empty_label_caller(&caller, request, profile, psl);
    }
    let verdict = |reason, rp_id: String, context| ClientVerdict {
        reason,
        rp_id: Some(rp_id),
        caller_host: Some(caller.host().to_owned()),
        context,
    };

    let rp_id = match request.rp_id.map(RpId::parse) {
        None => RpId::from_caller_host(caller.host()),
        Some(Ok(id)) => id,
        Some(Err(RpIdError::Invalid(detail))) => {
            let given = request.rp_id.unwrap_or_default();
            if let Some(reason) = leading_dot_claim(given, caller.host(), profile, psl) {
                return verdict(reason, given.to_owned(), Context::None);
            }
            return verdict(
                Reason::InvalidRpId,
                given.to_owned(),
                Context::Detail(detail),
            );
        }
        Some(Err(RpIdError::IpAddress {
            canonical,
            spelled_canonically,
        })) => {
            // Only Firefox goes on to fetch for an IP RP ID, and only when the
            // address is written canonically (its fetcher round-trips the host).
            let fetches = profile.ip_rp_id == IpRpId::TryRelatedOrigins
                && (spelled_canonically || profile.rp_id_spelling == RpIdSpelling::Canonicalized);
            return match request.well_known {
                Some(response) if fetches => related(
                    &caller,
                    canonical,
                    Reason::IpAddressRpId,
                    &response,
                    profile,
                    psl,
                ),
                _ => {
                    let given = request.rp_id.unwrap_or_default().to_owned();
                    verdict(Reason::IpAddressRpId, given, Context::None)
                }
            };
        }
    };

    // The local check, unless the profile refuses this spelling outright.
    let local =
        if rp_id.spelled_canonically() || profile.rp_id_spelling == RpIdSpelling::Canonicalized {
            claim(rp_id.as_str(), caller.host(), psl, profile.trailing_dot)
                .and_then(|reason| refuse_suffix_host(reason, caller.host(), profile, psl))
                .map_err(|failure| (failure.reason(), scope_context(failure)))
        } else {
            // Chromium compares the RP ID as written (`url::DomainIs` is byte-wise), so
            // the local suffix test fails; Firefox refuses it as not a valid RP ID.
            let reason = match profile.rp_id_spelling {
                RpIdSpelling::MustBeCanonical => Reason::InvalidRpId,
                _ => Reason::RpIdNotSuffix,
            };
            let detail = format!(
                "the {} profile compares RP IDs as written, and this one's canonical form is `{}`",
                profile.name(),
                rp_id.as_str()
            );
            Err((reason, Context::Detail(detail)))
        };

    match local {
        Ok(reason) => verdict(reason, rp_id.into_string(), Context::None),
        Err((local_reason, context)) => {
            let may_fetch = rp_id.spelled_canonically()
                || profile.rp_id_spelling != RpIdSpelling::MustBeCanonical;
            match request.well_known {
                Some(response) if may_fetch => related(
                    &caller,
                    rp_id.into_string(),
                    local_reason,
                    &response,
                    profile,
                    psl,
                ),
                _ => {
                    let shown = if rp_id.spelled_canonically() {
                        rp_id.into_string()
                    } else {
                        request.rp_id.unwrap_or_default().to_owned()
                    };
                    verdict(local_reason, shown, context)
                }
            }
        }
    }
}

/// What the explanation says about a failed local check.
fn scope_context(failure: ScopeFailure<'_>) -> Context {
    match failure {
        ScopeFailure::NotSuffix => Context::None,
        ScopeFailure::IsPublicSuffix(s) => Context::PublicSuffix {
            suffix: s.to_owned(),
            callers: false,
        },
        ScopeFailure::InsideCallerPublicSuffix(s) => Context::PublicSuffix {
            suffix: s.to_owned(),
            callers: true,
        },
    }
}

/// A caller whose host has an empty label, under a profile that keeps it
/// (`EmptyLabelHost::ComparedAsWritten`): Chromium's local check on the RP ID as
/// written ([`empty_labels::claim_as_written`]); when it fails, related origins run
/// on the canonical RP ID if it is a domain (`RemoteValidation::Create` refuses a
/// host that is not `IsCanonicalizedHostCompliant`, and an empty label is not).
fn empty_label_caller(
    caller: &CallerOrigin,
    request: &ClientRequest<'_>,
    profile: &Profile,
    psl: &PublicSuffixList,
) -> ClientVerdict {
    let given = request.rp_id.unwrap_or(caller.host());
    let verdict = |reason, context| ClientVerdict {
        reason,
        rp_id: Some(given.to_owned()),
        caller_host: Some(caller.host().to_owned()),
        context,
    };
    let failure = match empty_labels::claim_as_written(given, caller.host(), psl) {
        Ok(reason) => return verdict(reason, Context::None),
        Err(failure) => failure,
    };
    match RpId::parse(given) {
        Ok(rp_id) => {
            let may_fetch = rp_id.spelled_canonically()
                || profile.rp_id_spelling != RpIdSpelling::MustBeCanonical;
            match request.well_known {
                Some(response) if may_fetch => related(
                    caller,
                    rp_id.into_string(),
                    failure.reason(),
                    &response,
                    profile,
                    psl,
                ),
                _ => verdict(failure.reason(), scope_context(failure)),
            }
        }
        Err(RpIdError::Invalid(detail)) => verdict(Reason::InvalidRpId, Context::Detail(detail)),
        Err(RpIdError::IpAddress { .. }) => verdict(Reason::IpAddressRpId, Context::None),
    }
}

/// The related-origins step, after the local check failed for `local`.
fn related(
    caller: &CallerOrigin,
    rp_id: String,
    local: Reason,
    response: &WellKnownResponse<'_>,
    profile: &Profile,
    psl: &PublicSuffixList,
) -> ClientVerdict {
    let outcome =
        validate_related_origins(caller.origin(), response, &profile.related_origins, psl);
    let reason = match &outcome {
        Ok(_) => Reason::RelatedOriginsMatch,
        Err(failure) => failure.reason(),
    };
    ClientVerdict {
        reason,
        rp_id: Some(rp_id),
        caller_host: Some(caller.host().to_owned()),
        context: Context::RelatedOrigins {
            local,
            outcome,
            profile: profile.name(),
        },
    }
}

/// A profile that refuses a public-suffix host its own host ([`SuffixHost::Refused`])
/// turns an equal-host accept into the public-suffix failure. Only a suffix the
/// list names counts: single labels no rule lists (`localhost`, `caddy`, `nas`)
/// are public suffixes only by the implicit `*` rule, and Firefox lets them claim
/// themselves (measured, docs/browsers.md).
fn refuse_suffix_host<'a>(
    reason: Reason,
    host: &'a str,
    profile: &Profile,
    psl: &PublicSuffixList,
) -> Result<Reason, ScopeFailure<'a>> {
    match (reason, profile.suffix_host) {
        (Reason::RpIdEqualsHost, SuffixHost::Refused)
            if psl
                .public_suffix(host)
                .is_some_and(|s| s.len() == host.len())
                && matches!(
                    psl.suffix_kind(host),
                    Some(SuffixKind::Icann | SuffixKind::Private)
                ) =>
        {
            Err(ScopeFailure::IsPublicSuffix(host))
        }
        _ => Ok(reason),
    }
}

/// Chromium's local check on an RP ID with one leading dot (`.example.com`), which
/// is no valid domain string: `url::DomainIs` (url/url_util.cc) matches a domain
/// that starts with `.` against the end of the host with no further boundary test,
/// and the registry code skips leading dots, so a strict subdomain of
/// `example.com` may claim `.example.com` as long as `example.com` itself could be
/// claimed. Measured in Chromium 156.0.8078.79 (`dots::rp-id-leading-dot-*`,
/// `malformed-rp-ids::leading-dot-public-suffix`). `None`: no such accept.
fn leading_dot_claim(
    given: &str,
    host: &str,
    profile: &Profile,
    psl: &PublicSuffixList,
) -> Option<Reason> {
    if profile.leading_dot_rp_id != LeadingDotRpId::MatchesSubdomains {
        return None;
    }
    let rest = given.strip_prefix('.')?;
    let parsed = RpId::parse(rest).ok()?;
    // Only an RP ID written as the domain it denotes: `url::DomainIs` compares bytes.
    if !parsed.spelled_canonically() || host.len() <= given.len() || !host.ends_with(given) {
        return None;
    }
    match claim(rest, host, psl, profile.trailing_dot) {
        Ok(Reason::RpIdRegistrableSuffix) => Some(Reason::RpIdRegistrableSuffix),
        _ => None,
    }
}

/// A verdict that hangs on a browser's copy of the Public Suffix List: under `profile`
/// the request is decided differently with the browser's snapshot than with the
/// current (vendored) list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotNote {
    /// The profile whose snapshot makes the difference.
    pub profile: ProfileId,
    /// The verdict with the profile's own snapshot (what the profile says).
    pub with_snapshot: Verdict,
    /// The verdict the current list would give under the same profile.
    pub with_current: Verdict,
    /// The rule behind it and its date, as [`crate::psl::Lag`] says it.
    pub why: String,
}

impl std::fmt::Display for SnapshotNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let word = |v: Verdict| match v {
            Verdict::Accept => "accepts",
            Verdict::Reject => "refuses",
        };
        write!(
            f,
            "{}: the `{}` profile {} this request, where the current list would have it {} it",
            self.why,
            self.profile,
            word(self.with_snapshot),
            match self.with_current {
                Verdict::Accept => "accept",
                Verdict::Reject => "refuse",
            }
        )
    }
}

/// For each of `profiles` that decides with a browser's snapshot of the list, whether
/// the request's verdict depends on that snapshot (a rule the browser lacks, or still
/// has): each note names the rule and the date the PSL changed it.
///
/// Empty when one list overrides every snapshot (`--psl FILE`). Not on the matcher's
/// hot path: it decides the request twice per profile.
///
/// ```
/// use rpscope_core::client::{snapshot_notes, ClientRequest};
/// use rpscope_core::{Profile, PslSnapshots};
/// let lists = PslSnapshots::builtin();
/// let request = ClientRequest { origin: "https://login.example.com", rp_id: Some("example.com"), well_known: None };
/// assert!(snapshot_notes(&request, Profile::ALL, &lists).is_empty());
/// ```
pub fn snapshot_notes(
    request: &ClientRequest<'_>,
    profiles: &[Profile],
    lists: &crate::psl::PslSnapshots,
) -> Vec<SnapshotNote> {
    profiles
        .iter()
        .filter_map(|profile| {
            let own = check(request, profile, lists.for_profile(profile));
            snapshot_note(request, profile, &own, lists)
        })
        .collect()
}

/// [`snapshot_notes`] for one profile whose verdict `own` is already decided (with
/// `lists.for_profile(profile)`): decides again with the current list only when the
/// RP ID or the caller's host is a public suffix in one list and not the other.
pub fn snapshot_note(
    request: &ClientRequest<'_>,
    profile: &Profile,
    own: &ClientVerdict,
    lists: &crate::psl::PslSnapshots,
) -> Option<SnapshotNote> {
    let snapshot = profile.psl;
    if lists.is_overridden() || lists.record(snapshot).is_none() {
        return None;
    }
    let lag = own
        .rp_id()
        .and_then(|id| lists.lag(snapshot, id))
        .or_else(|| {
            own.caller_host
                .as_deref()
                .and_then(|h| lists.lag(snapshot, h))
        })?;
    let current = check(request, profile, lists.current());
    if own.verdict() == current.verdict() {
        return None;
    }
    Some(SnapshotNote {
        profile: profile.id,
        with_snapshot: own.verdict(),
        with_current: current.verdict(),
        why: lag.to_string(),
    })
}
