//! Related Origin Requests: the `/.well-known/webauthn` document of an RP ID.
//!
//! WebAuthn L3 §5.11.1 "Validating Related Origins"
//! (<https://w3c.github.io/webauthn/#sctn-validating-relation-origin>) runs when the
//! RP ID is not a registrable suffix of the caller. The client fetches
//! `https://{rpId}/.well-known/webauthn`; rpscope never fetches anything, it is
//! handed the response ([`WellKnownResponse`]) and runs the validation steps on
//! it, with the profile's status, content-type, size, entry and label rules.

use crate::client::mime::{essence_is_json, exactly_json_ignoring_case};
use crate::profile::{
    ContentTypeRule, LabelCounting, NonStringEntry, RedirectRule, RelatedOriginsRules, StatusRule,
};
use crate::psl::PublicSuffixList;
use crate::reason::Reason;
use url::{Host, Origin, Url};

/// The response the client received for `https://{rpId}/.well-known/webauthn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WellKnownResponse<'a> {
    /// The final HTTP status.
    pub status: u16,
    /// The `Content-Type` header value, as sent.
    pub content_type: &'a str,
    /// The body bytes.
    pub body: &'a [u8],
    /// The URLs the fetch was redirected through before the final response, in
    /// order (empty: no redirect).
    pub redirects: &'a [String],
}

impl<'a> From<&'a rpscope_model::WellKnown> for WellKnownResponse<'a> {
    fn from(w: &'a rpscope_model::WellKnown) -> Self {
        WellKnownResponse {
            status: w.status,
            content_type: &w.content_type,
            body: w.body.as_bytes(),
            redirects: &w.redirects,
        }
    }
}

/// Why a related-origins document did not admit the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelatedOriginsFailure {
    /// A redirect the profile does not follow: the hop URL, and why.
    BadRedirect(String, &'static str),
    /// The status is not one the profile accepts.
    BadStatus(u16),
    /// The content type is not JSON under the profile's rule.
    BadContentType,
    /// The body is larger than the profile's cap (length, cap).
    TooLarge(usize, usize),
    /// The body is not an object with an array of strings in `origins`.
    BadJson(String),
    /// No entry was same-origin with the caller; `labels` were considered.
    NoMatch {
        /// How many label slots were filled.
        labels: usize,
    },
    /// An entry was skipped because the label limit was already reached.
    LabelLimit {
        /// The limit that was hit.
        max_labels: usize,
    },
    /// The client stopped after examining `max_candidates` labelled entries, none
    /// of which matched (WebKit `maxCandidates`).
    CandidateLimit {
        /// The limit that was reached.
        max_candidates: usize,
    },
}

impl RelatedOriginsFailure {
    /// The reject reason for this failure.
    pub fn reason(&self) -> Reason {
        match self {
            RelatedOriginsFailure::BadRedirect(..) => Reason::RelatedOriginsBadRedirect,
            RelatedOriginsFailure::BadStatus(_) => Reason::RelatedOriginsBadStatus,
            RelatedOriginsFailure::BadContentType => Reason::RelatedOriginsBadContentType,
            RelatedOriginsFailure::TooLarge(..) => Reason::RelatedOriginsTooLarge,
            RelatedOriginsFailure::BadJson(_) => Reason::RelatedOriginsBadJson,
            RelatedOriginsFailure::NoMatch { .. } => Reason::RelatedOriginsNoMatch,
            RelatedOriginsFailure::LabelLimit { .. } => Reason::RelatedOriginsLabelLimit,
            RelatedOriginsFailure::CandidateLimit { .. } => Reason::RelatedOriginsCandidateLimit,
        }
    }
}

/// Runs the related origins validation procedure for `caller` on `response`.
///
/// On success returns the index of the `origins` entry that matched.
///
/// ```
/// use rpscope_core::client::{validate_related_origins, WellKnownResponse};
/// use rpscope_core::{Profile, PublicSuffixList};
/// let psl = PublicSuffixList::vendored();
/// let caller = url::Url::parse("https://example.co.uk").unwrap().origin();
/// let body = br#"{"origins": ["https://example.de", "https://example.co.uk"]}"#;
/// let response = WellKnownResponse { status: 200, content_type: "application/json", body, redirects: &[] };
/// let rules = Profile::SPEC.related_origins;
/// assert_eq!(validate_related_origins(&caller, &response, &rules, &psl), Ok(1));
/// ```
pub fn validate_related_origins(
    caller: &Origin,
    response: &WellKnownResponse<'_>,
    rules: &RelatedOriginsRules,
    psl: &PublicSuffixList,
) -> Result<usize, RelatedOriginsFailure> {
    // WebAuthn L3 §5.11.1 fetches with https-only redirects (Firefox checks every
    // hop of `redirectChain`); a hop the profile does not follow fails the fetch.
    for hop in response.redirects {
        let scheme = Url::parse(hop).map(|u| u.scheme().to_owned());
        match (scheme.as_deref(), rules.redirects) {
            (Err(_), _) => {
                return Err(RelatedOriginsFailure::BadRedirect(hop.clone(), "not a URL"))
            }
            (Ok("https"), _) | (Ok("http"), RedirectRule::Followed) => {}
            (Ok(_), _) => {
                return Err(RelatedOriginsFailure::BadRedirect(
                    hop.clone(),
                    "not an https URL",
                ))
            }
        }
    }
    let status_ok = match rules.status {
        StatusRule::Exactly200 => response.status == 200,
        StatusRule::Any2xx => (200..300).contains(&response.status),
    };
    if !status_ok {
        return Err(RelatedOriginsFailure::BadStatus(response.status));
    }
    let type_ok = match rules.content_type {
        ContentTypeRule::EssenceIsJson => essence_is_json(response.content_type),
        ContentTypeRule::ContainsJson => response.content_type.contains("application/json"),
        ContentTypeRule::ExactlyJsonIgnoringCase => {
            exactly_json_ignoring_case(response.content_type)
        }
    };
    if !type_ok {
        return Err(RelatedOriginsFailure::BadContentType);
    }
    if let Some(cap) = rules.max_body_bytes {
        if response.body.len() > cap {
            return Err(RelatedOriginsFailure::TooLarge(response.body.len(), cap));
        }
    }
    let entries = parse_document(response.body)?;
    if rules.non_string_entry == NonStringEntry::FailsDocument {
        if let Some(i) = entries.iter().position(|e| !e.is_string()) {
            return Err(non_string(i));
        }
    }

    // Labels are owned: each entry's URL (and so its host) lives for one iteration.
    let mut labels: Vec<String> = Vec::with_capacity(rules.max_labels);
    let mut hit_limit = false;
    // Labelled entries examined so far (WebKit stops at `maxCandidates`).
    let mut examined = 0usize;
    for (i, entry) in entries.iter().enumerate() {
        let Some(text) = entry.as_str() else {
            return Err(non_string(i));
        };
        // Parse failure, no effective domain, or no registrable label: skip.
        let Ok(url) = Url::parse(text) else { continue };
        let Some(label) = registrable_origin_label(&url, psl) else {
            continue;
        };
        if let Some(max_candidates) = rules.max_candidates {
            if examined >= max_candidates {
                return Err(RelatedOriginsFailure::CandidateLimit { max_candidates });
            }
            examined += 1;
        }
        let full = labels.len() >= rules.max_labels;
        let known = labels.iter().any(|l| l == label);
        if full && !known {
            hit_limit = true;
            continue;
        }
        if rules.label_counting == LabelCounting::DistinctLabels && !known {
            labels.push(label.to_owned());
        }
        if url.origin() == *caller {
            return Ok(i);
        }
        if rules.label_counting == LabelCounting::EveryEntry && !full {
            labels.push(label.to_owned());
        }
    }
    Err(if hit_limit {
        RelatedOriginsFailure::LabelLimit {
            max_labels: rules.max_labels,
        }
    } else {
        RelatedOriginsFailure::NoMatch {
            labels: labels.len(),
        }
    })
}

fn non_string(index: usize) -> RelatedOriginsFailure {
    RelatedOriginsFailure::BadJson(format!("`origins[{index}]` is not a string"))
}

/// Step 2: the body must be a JSON object whose `origins` member is an array.
pub(crate) fn parse_document(body: &[u8]) -> Result<Vec<serde_json::Value>, RelatedOriginsFailure> {
    // UTF-8 decode strips a leading byte order mark (Encoding "UTF-8 decode").
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let bad = |m: String| RelatedOriginsFailure::BadJson(m);
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| bad(format!("the body is not JSON ({e})")))?;
    let serde_json::Value::Object(mut object) = value else {
        return Err(bad("the body is not a JSON object".into()));
    };
    match object.remove("origins") {
        Some(serde_json::Value::Array(entries)) => Ok(entries),
        Some(_) => Err(bad("`origins` is not an array".into())),
        None => Err(bad("the object has no `origins` member".into())),
    }
}

/// The "registrable origin label" of an entry: the first label of its host's
/// registrable domain (`example` for `https://www.example.co.uk`); `None` for
/// opaque origins, IP hosts and hosts that are public suffixes.
pub(crate) fn registrable_origin_label<'u>(
    url: &'u Url,
    psl: &PublicSuffixList,
) -> Option<&'u str> {
    let Some(Host::Domain(host)) = url.host() else {
        return None;
    };
    // Only tuple origins have an effective domain.
    if matches!(url.origin(), Origin::Opaque(_)) {
        return None;
    }
    let domain = psl.registrable_domain(host)?;
    let label = domain.split('.').next()?;
    (!label.is_empty()).then_some(label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Profile;

    fn run(
        profile: &Profile,
        caller: &str,
        status: u16,
        ct: &str,
        body: &str,
    ) -> Result<usize, RelatedOriginsFailure> {
        let psl = PublicSuffixList::vendored();
        let caller = Url::parse(caller).unwrap().origin();
        let response = WellKnownResponse {
            status,
            content_type: ct,
            body: body.as_bytes(),
            redirects: &[],
        };
        validate_related_origins(&caller, &response, &profile.related_origins, &psl)
    }

    const JSON: &str = "application/json";

    #[test]
    fn status_rules_differ() {
        let body = r#"{"origins":["https://example.co.uk"]}"#;
        assert_eq!(
            run(&Profile::SPEC, "https://example.co.uk", 204, JSON, body),
            Err(RelatedOriginsFailure::BadStatus(204))
        );
        assert_eq!(
            run(&Profile::CHROMIUM, "https://example.co.uk", 204, JSON, body),
            Ok(0)
        );
        assert_eq!(
            run(&Profile::FIREFOX, "https://example.co.uk", 204, JSON, body),
            Err(RelatedOriginsFailure::BadStatus(204))
        );
    }

    #[test]
    fn content_type_rules_differ() {
        let body = r#"{"origins":["https://example.co.uk"]}"#;
        let odd = "text/plain; x=application/json";
        assert_eq!(
            run(&Profile::SPEC, "https://example.co.uk", 200, odd, body),
            Err(RelatedOriginsFailure::BadContentType)
        );
        assert_eq!(
            run(&Profile::FIREFOX, "https://example.co.uk", 200, odd, body),
            Ok(0)
        );
        assert_eq!(
            run(
                &Profile::SPEC,
                "https://example.co.uk",
                200,
                "Application/JSON; charset=utf-8",
                body
            ),
            Ok(0)
        );
        assert_eq!(
            run(
                &Profile::FIREFOX,
                "https://example.co.uk",
                200,
                "Application/JSON",
                body
            ),
            Err(RelatedOriginsFailure::BadContentType)
        );
    }

    #[test]
    fn chromium_caps_the_body() {
        let pad = " ".repeat(1 << 18);
        let body = format!(r#"{{"origins":["https://example.co.uk"]}}{pad}"#);
        assert!(matches!(
            run(
                &Profile::CHROMIUM,
                "https://example.co.uk",
                200,
                JSON,
                &body
            ),
            Err(RelatedOriginsFailure::TooLarge(..))
        ));
        assert_eq!(
            run(&Profile::SPEC, "https://example.co.uk", 200, JSON, &body),
            Ok(0)
        );
    }

    #[test]
    fn json_shapes() {
        for body in [
            "",
            "[]",
            "{}",
            r#"{"origins":"https://a.com"}"#,
            r#"{"origins":["https://a.com",1]}"#,
            "{\"origins\":[}",
        ] {
            assert!(
                matches!(
                    run(&Profile::SPEC, "https://a.com", 200, JSON, body),
                    Err(RelatedOriginsFailure::BadJson(_))
                ),
                "{body}"
            );
        }
        // A BOM is stripped by UTF-8 decode.
        assert_eq!(
            run(
                &Profile::SPEC,
                "https://a.com",
                200,
                JSON,
                "\u{feff}{\"origins\":[\"https://a.com\"]}"
            ),
            Ok(0)
        );
    }

    #[test]
    fn non_string_entry_after_a_match() {
        let body = r#"{"origins":["https://a.com", null]}"#;
        assert!(run(&Profile::SPEC, "https://a.com", 200, JSON, body).is_err());
        assert_eq!(
            run(&Profile::CHROMIUM, "https://a.com", 200, JSON, body),
            Ok(0)
        );
        assert!(run(&Profile::FIREFOX, "https://a.com", 200, JSON, body).is_err());
    }

    #[test]
    fn label_limit_counts_distinct_labels() {
        let five =
            r#""https://a.com","https://b.com","https://c.com","https://d.com","https://e.com""#;
        let sixth = format!(r#"{{"origins":[{five},"https://f.com"]}}"#);
        assert_eq!(
            run(&Profile::SPEC, "https://f.com", 200, JSON, &sixth),
            Err(RelatedOriginsFailure::LabelLimit { max_labels: 5 })
        );
        // A known label still matches after the limit.
        let again = format!(r#"{{"origins":[{five},"https://www.a.co.uk"]}}"#);
        assert_eq!(
            run(&Profile::SPEC, "https://www.a.co.uk", 200, JSON, &again),
            Ok(5)
        );
    }

    #[test]
    fn firefox_counts_every_entry() {
        let body = r#"{"origins":["https://example.com","https://example.net","https://example.org","https://example.de","https://example.fr","https://other.com"]}"#;
        assert_eq!(
            run(&Profile::SPEC, "https://other.com", 200, JSON, body),
            Ok(5)
        );
        assert_eq!(
            run(&Profile::CHROMIUM, "https://other.com", 200, JSON, body),
            Ok(5)
        );
        assert_eq!(
            run(&Profile::FIREFOX, "https://other.com", 200, JSON, body),
            Err(RelatedOriginsFailure::LabelLimit { max_labels: 5 })
        );
    }

    #[test]
    fn skipped_entries_and_same_origin() {
        // Unparsable, IP, public suffix, opaque: skipped, not counted.
        let body = r#"{"origins":["not a url","https://10.0.0.1","https://co.uk","data:,x","https://example.co.uk:8443","http://example.co.uk","https://EXAMPLE.co.uk/path/"]}"#;
        assert_eq!(
            run(&Profile::SPEC, "https://example.co.uk", 200, JSON, body),
            Ok(6)
        );
        let body = r#"{"origins":["https://example.co.uk:8443"]}"#;
        assert_eq!(
            run(&Profile::SPEC, "https://example.co.uk", 200, JSON, body),
            Err(RelatedOriginsFailure::NoMatch { labels: 1 })
        );
    }
}
