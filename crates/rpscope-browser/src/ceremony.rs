//! The script each case runs in the caller's page, and how its outcome becomes a
//! verdict.
//!
//! The script calls `navigator.credentials.create()` (WebAuthn L3 §5.1.3) with the
//! case's `rp.id` (left out when the case has none, so the browser uses the caller's
//! effective domain) and reports what happened as one JSON string. The RP ID checks
//! (§5.1.3 steps "CreateCred-DetermineRpId" and the related-origins step §5.11.1) run
//! before any authenticator is involved, so:
//!
//! * a credential → **accept**;
//! * `SecurityError` (the RP ID and related-origins checks) or `NotAllowedError`
//!   (opaque callers, §5.1.3 step 2 in Chromium; and a refused ceremony) → **reject**;
//! * `TypeError` / `NotSupportedError` from the same steps → **reject**;
//! * no `navigator.credentials` at all: the interface is `[SecureContext]`
//!   (Credential Management L1 §2.2.1), so an insecure page cannot make a ceremony →
//!   **reject**;
//! * anything else (`AbortError`, `InvalidStateError`, `UnknownError`, a script
//!   failure) says nothing about scoping → an error, never a verdict.
//!
//! The browser's error name and message are kept as the explanation.

use rpscope_core::Verdict;
use rpscope_corpus::Answer;
use serde::{Deserialize, Serialize};

/// How long the ceremony itself may take, in milliseconds (`PublicKeyCredentialCreationOptions.timeout`).
pub const CEREMONY_TIMEOUT_MS: u32 = 10_000;

/// The JavaScript expression that runs the ceremony; it evaluates to a promise of a
/// JSON string that [`PageOutcome`] reads.
pub fn script(rp_id: Option<&str>) -> String {
    // A JSON string is a JavaScript string literal (ECMA-262 since ES2019 allows
    // U+2028/U+2029 in strings), so any RP ID reaches the API exactly as the case has it.
    let rp_id = match rp_id {
        Some(id) => serde_json::to_string(id).unwrap_or_else(|_| "undefined".into()),
        None => "undefined".into(),
    };
    format!(
        r#"(async () => {{
  const out = {{ href: String(location.href), origin: String(self.origin), secure_context: !!self.isSecureContext }};
  if (!navigator.credentials || !navigator.credentials.create) {{
    out.result = "unavailable";
    return JSON.stringify(out);
  }}
  const rpId = {rp_id};
  const rp = {{ name: "rpscope" }};
  if (rpId !== undefined) rp.id = rpId;
  const publicKey = {{
    rp,
    user: {{ id: new Uint8Array([1, 2, 3, 4]), name: "rpscope", displayName: "rpscope" }},
    challenge: new Uint8Array(32),
    pubKeyCredParams: [{{ type: "public-key", alg: -7 }}],
    authenticatorSelection: {{ residentKey: "discouraged", userVerification: "discouraged" }},
    timeout: {timeout},
  }};
  const start = performance.now();
  try {{
    const credential = await navigator.credentials.create({{ publicKey }});
    out.result = "created";
    try {{ out.client_data = new TextDecoder().decode(credential.response.clientDataJSON); }} catch (e) {{}}
  }} catch (e) {{
    out.result = "error";
    out.name = e && e.name !== undefined ? String(e.name) : typeof e;
    out.message = e && e.message !== undefined ? String(e.message) : String(e);
  }}
  out.ms = performance.now() - start;
  return JSON.stringify(out);
}})()"#,
        timeout = CEREMONY_TIMEOUT_MS
    )
}

/// What the script reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageOutcome {
    /// `location.href` when the script ran.
    pub href: String,
    /// `self.origin`.
    pub origin: String,
    /// `self.isSecureContext`.
    pub secure_context: bool,
    /// `created`, `error` or `unavailable`.
    pub result: String,
    /// The exception's name, for `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The exception's message, for `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `clientDataJSON`, for `created`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_data: Option<String>,
    /// How long `create()` took, in milliseconds.
    #[serde(default)]
    pub ms: f64,
}

impl PageOutcome {
    /// Reads the script's JSON.
    pub fn parse(json: &str) -> Result<PageOutcome, String> {
        serde_json::from_str(json).map_err(|e| format!("the page's report is not readable: {e}"))
    }

    /// The error name, when the ceremony was refused.
    pub fn error_name(&self) -> Option<&str> {
        match self.result.as_str() {
            "error" => self.name.as_deref(),
            "unavailable" => Some("navigator.credentials unavailable"),
            _ => None,
        }
    }
}

/// Turns what a page reported into an answer for the runner.
pub fn classify(outcome: &PageOutcome) -> Answer {
    let verdict = |verdict: Verdict, explanation: String| Answer::Verdict {
        verdict,
        reason: None,
        explanation: Some(explanation),
    };
    match outcome.result.as_str() {
        "created" => verdict(
            Verdict::Accept,
            match &outcome.client_data {
                Some(cd) => format!("created a credential; clientDataJSON {cd}"),
                None => "created a credential".into(),
            },
        ),
        "unavailable" => verdict(
            Verdict::Reject,
            format!(
                "navigator.credentials is not exposed (isSecureContext = {}): the page cannot start a ceremony",
                outcome.secure_context
            ),
        ),
        "error" => {
            let name = outcome.name.as_deref().unwrap_or("");
            let message = outcome.message.as_deref().unwrap_or("");
            match name {
                "SecurityError" | "NotAllowedError" | "TypeError" | "NotSupportedError" => {
                    verdict(Verdict::Reject, format!("{name}: {message}"))
                }
                _ => Answer::Error(format!(
                    "create() failed with {name}: {message}, which says nothing about scoping"
                )),
            }
        }
        other => Answer::Error(format!("the page reported an unknown result `{other}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(result: &str, name: Option<&str>, message: Option<&str>) -> PageOutcome {
        PageOutcome {
            href: "https://example.com/".into(),
            origin: "https://example.com".into(),
            secure_context: true,
            result: result.into(),
            name: name.map(str::to_owned),
            message: message.map(str::to_owned),
            client_data: None,
            ms: 1.0,
        }
    }

    fn verdict(a: &Answer) -> Option<Verdict> {
        match a {
            Answer::Verdict { verdict, .. } => Some(*verdict),
            _ => None,
        }
    }

    #[test]
    fn a_credential_is_accept() {
        assert_eq!(
            verdict(&classify(&outcome("created", None, None))),
            Some(Verdict::Accept)
        );
    }

    #[test]
    fn scoping_refusals_are_reject_with_the_browsers_words() {
        for name in [
            "SecurityError",
            "NotAllowedError",
            "TypeError",
            "NotSupportedError",
        ] {
            let a = classify(&outcome("error", Some(name), Some("The relying party ID is not a registrable domain suffix of, nor equal to the current domain.")));
            assert_eq!(verdict(&a), Some(Verdict::Reject), "{name}");
            let Answer::Verdict {
                explanation,
                reason,
                ..
            } = a
            else {
                unreachable!()
            };
            assert_eq!(reason, None, "judged on the verdict alone");
            assert!(explanation.unwrap_or_default().starts_with(name));
        }
    }

    #[test]
    fn an_insecure_page_without_the_api_is_reject() {
        let mut o = outcome("unavailable", None, None);
        o.secure_context = false;
        let a = classify(&o);
        assert_eq!(verdict(&a), Some(Verdict::Reject));
    }

    #[test]
    fn other_failures_are_errors_not_verdicts() {
        for name in ["AbortError", "InvalidStateError", "UnknownError", ""] {
            assert!(matches!(
                classify(&outcome("error", Some(name), Some("x"))),
                Answer::Error(_)
            ));
        }
        assert!(matches!(
            classify(&outcome("exploded", None, None)),
            Answer::Error(_)
        ));
    }

    #[test]
    fn the_rp_id_reaches_the_script_as_a_string_literal() {
        let s = script(Some("exa\"mple.com\u{2028}"));
        assert!(s.contains(r#"const rpId = "exa\"mple.com"#));
        assert!(script(None).contains("const rpId = undefined;"));
    }

    #[test]
    fn reads_the_pages_report() {
        let o = PageOutcome::parse(
            r#"{"href":"https://a/","origin":"https://a","secure_context":true,"result":"error","name":"SecurityError","message":"m","ms":2.5}"#,
        )
        .expect("parse");
        assert_eq!(o.error_name(), Some("SecurityError"));
        assert!(PageOutcome::parse("not json").is_err());
    }
}
