//! `rpscope-adapter-passkey-client`: 1Password's passkey-client behind rpscope's adapter
//! protocol (`docs/protocol.md`, version 1), client side, held to the `spec` profile.
//!
//! Each client case is one `navigator.credentials.create()` as passkey-client performs it:
//! `Client::register(origin, options, DefaultClientData)` with the case's caller origin and
//! `rp.id` (absent: `None`, the library's default), a fresh software authenticator that
//! consents to everything, and a `Fetcher` serving the case's `/.well-known/webauthn`
//! response. Only the library's RP ID / origin validation can then fail; see README.md.
//!
//! `--allow-insecure-localhost` turns on `Client::allows_insecure_localhost` (off by
//! default, as in the library).

use passkey_authenticator::{Authenticator, MemoryStore, UiHint, UserCheck, UserValidationMethod};
use passkey_client::{
    Client, DefaultClientData, Fetcher, RelatedOriginResponse, RpIdVerifier, WebauthnError,
};
use passkey_crypto::AvailableBackend;
use passkey_types::ctap2::{Aaguid, Ctap2Error};
use passkey_types::webauthn::{CredentialCreationOptions, WellKnown};
use passkey_types::Passkey;
use serde::Deserialize;
use serde_json::{json, Value};
use std::io::{self, BufRead, Write};
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use url::Url;

const PROTOCOL: u64 = 1;
const NAME: &str = "rpscope-adapter-passkey-client";

/// The library version Cargo.lock resolved (build.rs).
const LIBRARY_VERSION: &str = env!("LIBRARY_VERSION");

/// Part of the path of the library's source files, to tell its panics from the adapter's.
const LIBRARY_SOURCE: &str = "/passkey-";

/// The last panic's location and message, kept by the panic hook for the answer.
static LAST_PANIC: std::sync::Mutex<Option<(String, String)>> = std::sync::Mutex::new(None);

fn keep_panics() {
    panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".into());
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        eprintln!("{NAME}: panicked at {location}: {message}");
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some((location, message));
        }
    }));
}

/// A panic as an `error` answer: the library's own panics (its source lives under
/// `LIBRARY_SOURCE`) are named as such, anything else is an adapter bug.
fn panicked() -> Outcome {
    let last = LAST_PANIC.lock().ok().and_then(|mut l| l.take());
    match last {
        Some((location, message))
            if !location.starts_with("src/") && location.contains(LIBRARY_SOURCE) =>
        {
            let at = location.find(LIBRARY_SOURCE).map_or(0, |i| i + 1);
            Outcome::Error(format!(
                "the library panicked (a crash in the library, not an adapter bug) at {}: {message}",
                &location[at..]
            ))
        }
        Some((location, message)) => {
            Outcome::Error(format!("adapter bug: panicked at {location}: {message}"))
        }
        None => Outcome::Error("adapter bug: panicked".into()),
    }
}

#[derive(Deserialize)]
#[serde(tag = "cmd", rename_all = "kebab-case")]
enum Command {
    Start { protocol: u64 },
    Run { seq: u64, case: Value },
    Stop,
}

#[derive(Deserialize)]
struct ClientCase {
    id: String,
    origin: String,
    #[serde(default)]
    rp_id: Option<String>,
    #[serde(default)]
    well_known: Option<WellKnownResponse>,
}

/// The HTTP response to `https://{rp_id}/.well-known/webauthn`.
#[derive(Deserialize, Clone)]
struct WellKnownResponse {
    status: u16,
    /// Read, and ignored as the library's own fetcher ignores it.
    #[serde(default)]
    #[allow(dead_code)]
    content_type: String,
    body: String,
    /// The URLs the fetch was redirected through before this response, in order.
    #[serde(default)]
    redirects: Vec<String>,
}

enum Outcome {
    Accept,
    Reject(String),
    Skipped(String),
    Error(String),
}

fn main() -> ExitCode {
    let mut allow_insecure_localhost = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--allow-insecure-localhost" => allow_insecure_localhost = true,
            _ => {
                eprintln!("usage: {NAME} [--allow-insecure-localhost]");
                return ExitCode::from(2);
            }
        }
    }
    keep_panics();
    let stdin = io::stdin();
    let mut out = io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let command: Command = match serde_json::from_str(&line) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{NAME}: not a command ({e}): {line}");
                return ExitCode::from(2);
            }
        };
        let reply = match command {
            Command::Start { protocol } => {
                if protocol != PROTOCOL {
                    eprintln!(
                        "{NAME}: the runner speaks protocol {protocol}, this adapter {PROTOCOL}"
                    );
                }
                hello()
            }
            Command::Stop => return ExitCode::SUCCESS,
            Command::Run { seq, case } => {
                let outcome =
                    panic::catch_unwind(AssertUnwindSafe(|| run(&case, allow_insecure_localhost)))
                        .unwrap_or_else(|_| panicked());
                answer(seq, outcome)
            }
        };
        if writeln!(out, "{reply}").and_then(|()| out.flush()).is_err() {
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

fn hello() -> Value {
    json!({
        "protocol": PROTOCOL,
        "implementation": {
            "name": "passkey-client",
            "version": LIBRARY_VERSION,
            "language": "rust",
            "homepage": "https://github.com/1Password/passkey-rs",
        },
        "capabilities": {
            "sides": ["client"],
            "client_profile": "spec",
            // The fetcher follows the case's redirect chain as reqwest does (CaseFetcher).
            "client_features": ["redirects"],
        },
    })
}

fn answer(seq: u64, outcome: Outcome) -> Value {
    match outcome {
        Outcome::Accept => json!({"seq": seq, "result": "accept"}),
        Outcome::Reject(m) => json!({"seq": seq, "result": "reject", "message": m}),
        Outcome::Skipped(m) => json!({"seq": seq, "result": "skipped", "message": m}),
        Outcome::Error(m) => json!({"seq": seq, "result": "error", "message": m}),
    }
}

/// Serves the case's `/.well-known/webauthn` response through the library's `Fetcher`
/// trait, exactly as the library's own fetcher (`impl Fetcher for reqwest::Client`,
/// `rp_id_verifier/reqwest_fetcher.rs`) treats an HTTP response when it is given a default
/// `reqwest::Client` (reqwest 0.12, the version passkey-client 0.6.0 depends on): a failed
/// fetch or a non-2xx status is `FetcherError`, a body that does not deserialise as
/// `WellKnown` is `SyntaxError`, the content type is not looked at, and the final URL is
/// the last URL of the case's redirect chain (the requested one when there is none).
///
/// Redirects are followed as reqwest's default `redirect::Policy::limited(10)` follows
/// them (`async_impl/client.rs`, `redirect.rs`): each `Location` is joined to the current
/// URL; one that does not parse is not followed (the 3xx is the final response, so the
/// fetch fails); the tenth redirect is an error; a target whose scheme is neither http nor
/// https is an error. An http target is followed: `https_only` is off in a default client.
struct CaseFetcher {
    response: Option<WellKnownResponse>,
}

/// What reqwest does with a redirect chain.
enum Chain {
    /// The final URL, every hop followed.
    Followed(Url),
    /// The fetch failed (`reqwest` returned an error or a 3xx as the final response).
    Failed,
    /// A hop this adapter cannot follow exactly as reqwest would (the message says why).
    Unsupported(String),
}

/// Follows `redirects` from `start` as a default `reqwest::Client` does.
fn follow(start: Url, redirects: &[String]) -> Chain {
    // `redirect::Policy::limited(10)`: the check sees every URL requested so far.
    const LIMIT: usize = 10;
    let mut current = start;
    let mut requested = 0usize;
    for hop in redirects {
        let Ok(next) = current.join(hop) else {
            // "Location header had invalid URI": not followed; the 3xx is final.
            return Chain::Failed;
        };
        if !plain_uri(next.as_str()) {
            return Chain::Unsupported(format!(
                "the redirect target {hop:?} serialises with characters outside RFC 3986; whether \
                 reqwest follows it depends on http::Uri's parser (try_uri), which this adapter \
                 does not reproduce"
            ));
        }
        requested += 1;
        if requested >= LIMIT {
            return Chain::Failed; // TooManyRedirects
        }
        if next.scheme() != "http" && next.scheme() != "https" {
            return Chain::Failed; // url_bad_scheme
        }
        current = next;
    }
    Chain::Followed(current)
}

/// Whether a URL's serialisation holds only RFC 3986 characters, which `http::Uri` takes.
fn plain_uri(url: &str) -> bool {
    url.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b))
}

/// Why the case's redirect chain cannot be served exactly, if it cannot: walked from the
/// well-known URL the library builds for `rp_id` (`https://{rp_id}/.well-known/webauthn`).
fn unsupported_redirect(
    rp_id: Option<&str>,
    response: Option<&WellKnownResponse>,
) -> Option<String> {
    let response = response.filter(|r| !r.redirects.is_empty())?;
    let start = Url::parse(&format!("https://{}/.well-known/webauthn", rp_id?)).ok()?;
    match follow(start, &response.redirects) {
        Chain::Unsupported(why) => Some(why),
        Chain::Followed(_) | Chain::Failed => None,
    }
}

impl Fetcher for CaseFetcher {
    async fn fetch_related_origins(
        &self,
        url: Url,
    ) -> Result<RelatedOriginResponse, WebauthnError> {
        let Some(response) = &self.response else {
            return Err(WebauthnError::FetcherError);
        };
        let final_url = match follow(url, &response.redirects) {
            Chain::Followed(url) => url,
            // Unsupported chains are answered `skipped` before the library runs.
            Chain::Failed | Chain::Unsupported(_) => return Err(WebauthnError::FetcherError),
        };
        if !(200..300).contains(&response.status) {
            return Err(WebauthnError::FetcherError);
        }
        // Not looked at, as by the library's reqwest fetcher: `response.content_type`.
        let payload: WellKnown = serde_json::from_slice(response.body.as_bytes())
            .map_err(|_| WebauthnError::SyntaxError)?;
        Ok(RelatedOriginResponse { payload, final_url })
    }
}

fn fetcher(response: Option<WellKnownResponse>) -> CaseFetcher {
    CaseFetcher { response }
}

/// A user who is present, verified and consents to everything, so that the authenticator
/// never refuses and only the client's RP ID / origin validation can fail.
struct AlwaysConsents;

#[async_trait::async_trait]
impl UserValidationMethod for AlwaysConsents {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Passkey>,
        _presence: bool,
        _verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck {
            presence: true,
            verification: true,
        })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}

/// Whether `error` is one `RpIdVerifier::assert_domain` (and the fetcher it calls) returns,
/// that is, an answer to the scoping question. Every other `WebauthnError` `register`
/// returns comes from a stage after the RP ID was validated (client data, extensions, the
/// authenticator, the credential id length, the timeout).
fn is_scoping_error(error: &WebauthnError) -> bool {
    matches!(
        error,
        WebauthnError::OriginMissingDomain
            | WebauthnError::OriginRpMissmatch
            | WebauthnError::UnprotectedOrigin
            | WebauthnError::InsecureLocalhostNotAllowed
            | WebauthnError::InvalidRpId
            | WebauthnError::RequiresRelatedOriginsSupport
            | WebauthnError::FetcherError
            | WebauthnError::RedirectError
            | WebauthnError::ExceedsMaxLabelLimit
            | WebauthnError::SyntaxError
    )
}

fn run(case: &Value, allow_insecure_localhost: bool) -> Outcome {
    if case.get("side").and_then(Value::as_str) != Some("client") {
        return Outcome::Skipped("passkey-client is a client-side library".into());
    }
    let case: ClientCase = match serde_json::from_value(case.clone()) {
        Ok(c) => c,
        Err(e) => return Outcome::Error(format!("adapter bug: the case does not parse: {e}")),
    };
    // The library takes the caller's origin as a url::Url: a caller that cannot parse it
    // cannot call the library at all, which is a refusal.
    let origin = match Url::parse(&case.origin) {
        Ok(url) => url,
        Err(e) => {
            return Outcome::Reject(format!(
                "the caller origin {:?} is not a url::Url ({e}); passkey-client takes a Url",
                case.origin
            ))
        }
    };
    if let Some(why) = unsupported_redirect(case.rp_id.as_deref(), case.well_known.as_ref()) {
        return Outcome::Skipped(why);
    }
    let options = match creation_options(case.rp_id.as_deref()) {
        Ok(o) => o,
        Err(e) => return Outcome::Error(format!("adapter bug: creation options: {e}")),
    };

    let authenticator = Authenticator::new(
        Aaguid::new_empty(),
        MemoryStore::new(),
        AlwaysConsents,
        AvailableBackend,
    );
    let mut client = Client::new_with_custom_tld_provider(
        authenticator,
        public_suffix::DEFAULT_PROVIDER,
        Some(fetcher(case.well_known.clone())),
    )
    .allows_insecure_localhost(allow_insecure_localhost);

    let result = pollster::block_on(client.register(&origin, options, DefaultClientData));
    match result {
        Ok(_credential) => Outcome::Accept,
        Err(e) if is_scoping_error(&e) => Outcome::Reject(format!("{e:?}")),
        Err(e) => {
            // Validation passed and a later stage failed. Confirm with the library's own
            // verifier (the same checks register ran first) before calling it an accept.
            let verifier = RpIdVerifier::new(
                public_suffix::DEFAULT_PROVIDER,
                Some(fetcher(case.well_known.clone())),
            )
            .allows_insecure_localhost(allow_insecure_localhost);
            let origin = passkey_client::Origin::from(&origin);
            match pollster::block_on(verifier.assert_domain(&origin, case.rp_id.as_deref())) {
                Ok(_) => {
                    eprintln!(
                        "{NAME}: {}: the RP ID validated, then register failed with {e:?}; answered accept",
                        case.id
                    );
                    Outcome::Accept
                }
                Err(scoping) => Outcome::Reject(format!("{scoping:?}")),
            }
        }
    }
}

/// `PublicKeyCredentialCreationOptions` as a page passes them to `create()`: the case's
/// `rp.id` (omitted when the case has none), an ES256 credential, no other options.
fn creation_options(rp_id: Option<&str>) -> Result<CredentialCreationOptions, serde_json::Error> {
    let mut rp = json!({"name": "rpscope"});
    if let Some(id) = rp_id {
        rp["id"] = Value::String(id.to_owned());
    }
    serde_json::from_value(json!({
        "publicKey": {
            "rp": rp,
            "user": {"id": "cnBzY29wZS11c2Vy", "name": "rpscope", "displayName": "rpscope"},
            "challenge": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY",
            "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
        }
    }))
}
