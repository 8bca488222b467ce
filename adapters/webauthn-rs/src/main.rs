//! `rpscope-adapter-webauthn-rs`: webauthn-rs-core behind rpscope's adapter protocol
//! (`docs/protocol.md`, version 1), server side, both ceremonies.
//!
//! Each case's policy is mapped onto `WebauthnCore` as an RP would configure it: one RP ID,
//! the allowed origins as `url::Url` (`Url::parse` of the policy's strings), and the
//! `allow_subdomains` / `allow_any_port` flags only where the policy's patterns say exactly
//! that. Policies the library cannot express are answered `skipped`; see README.md.
//!
//! The protocol messages are read into small local types that ignore unknown fields, as
//! the protocol asks, so the adapter does not depend on the runner's crates.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};
use std::io::{self, BufRead, Write};
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::time::Duration;
use url::Url;
use webauthn_rs_core::proto::{
    AttestationFormat, AttestationMetadata, COSEAlgorithm, COSEKey, Credential, ParsedAttestation,
    ParsedAttestationData, PublicKeyCredential, RegisterPublicKeyCredential, RegisteredExtensions,
    UserVerificationPolicy,
};
use webauthn_rs_core::WebauthnCore;

const PROTOCOL: u64 = 1;
const NAME: &str = "rpscope-adapter-webauthn-rs";

/// The library version Cargo.lock resolved (build.rs).
const LIBRARY_VERSION: &str = env!("LIBRARY_VERSION");

/// Part of the path of the library's source files, to tell its panics from the adapter's.
const LIBRARY_SOURCE: &str = "/webauthn-rs-";

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
struct Policy {
    rp_ids: Vec<String>,
    origins: Vec<String>,
    #[serde(default)]
    allow_cross_origin: bool,
    #[serde(default)]
    top_origins: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Ceremony {
    Registration,
    Authentication,
}

#[derive(Deserialize)]
struct ServerCase {
    id: String,
    ceremony: Ceremony,
    policy: Policy,
    challenge: String,
    response: Value,
    #[serde(default)]
    credential: Option<StoredCredential>,
    #[serde(default)]
    user_verification_required: bool,
}

#[derive(Deserialize)]
struct StoredCredential {
    id: String,
    public_key: String,
    algorithm: i64,
    sign_count: u32,
}

/// The outcome of one case, before it is written as an answer.
enum Outcome {
    Accept,
    Reject(String),
    Skipped(String),
    Error(String),
}

fn main() -> ExitCode {
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
                let outcome = panic::catch_unwind(AssertUnwindSafe(|| run(&case)))
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
            "name": "webauthn-rs-core",
            "version": LIBRARY_VERSION,
            "language": "rust",
            "homepage": "https://github.com/kanidm/webauthn-rs",
        },
        "capabilities": {
            "sides": ["server"],
            "ceremonies": ["registration", "authentication"],
            // cross-origin: only with no top_origins, a policy that admits no embedder, which
            // is what WebauthnCore's fixed allow_cross_origin = false says (see configure).
            // Not declared: multiple-rp-ids (WebauthnCore takes one rp_id), top-origins (no
            // setting turns allow_cross_origin on, and topOrigin is never read).
            "policy_features": ["multiple-origins", "subdomain-origins", "any-port-origins", "app-origins", "cross-origin"],
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

fn run(case: &Value) -> Outcome {
    if case.get("side").and_then(Value::as_str) != Some("server") {
        return Outcome::Skipped("webauthn-rs-core is a server-side library".into());
    }
    let case: ServerCase = match serde_json::from_value(case.clone()) {
        Ok(c) => c,
        Err(e) => return Outcome::Error(format!("adapter bug: the case does not parse: {e}")),
    };
    let core = match configure(&case.policy) {
        Config::Core(core) => core,
        Config::Skip(why) => return Outcome::Skipped(why),
        Config::Refused(why) => return Outcome::Reject(why),
    };
    let policy = if case.user_verification_required {
        UserVerificationPolicy::Required
    } else {
        UserVerificationPolicy::Preferred
    };
    let result = match case.ceremony {
        Ceremony::Registration => register(&core, &case, policy),
        Ceremony::Authentication => authenticate(&core, &case, policy),
    };
    match result {
        Ok(Ok(())) => Outcome::Accept,
        Ok(Err(e)) => Outcome::Reject(library_error(&e)),
        Err(bug) => {
            eprintln!("{NAME}: {}: {bug}", case.id);
            Outcome::Error(format!("adapter bug: {bug}"))
        }
    }
}

/// The library's own text for an error: its Display, then its Debug form (the variant and
/// any inner parser error, which Display leaves out).
fn library_error(e: &webauthn_rs_core::error::WebauthnError) -> String {
    format!("{e} [{e:?}]")
}

enum Config {
    Core(WebauthnCore),
    Skip(String),
    Refused(String),
}

/// One origin pattern, split as `rpscope_adapter::protocol::PolicyFeature::needed_by`
/// classifies it.
struct Split<'a> {
    written: &'a str,
    /// `None` for an app origin (not `http://` or `https://`).
    web: Option<WebPattern>,
}

struct WebPattern {
    /// `scheme://*.host` (strict subdomains).
    subdomains: bool,
    /// `scheme://host:*` (any port).
    any_port: bool,
    /// The pattern with `*.` and `:*` taken out: the origin a developer would write.
    base: String,
}

fn split(pattern: &str) -> Split<'_> {
    let prefix_len = ["https://", "http://"].iter().find_map(|p| {
        pattern
            .get(..p.len())
            .filter(|s| s.eq_ignore_ascii_case(p))
            .map(|_| p.len())
    });
    let Some(prefix_len) = prefix_len else {
        return Split {
            written: pattern,
            web: None,
        };
    };
    let (scheme, rest) = pattern.split_at(prefix_len);
    let authority_len = rest.find('/').unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_len);
    let subdomains = authority.starts_with("*.");
    let any_port = authority.ends_with(":*");
    let mut host_port = authority;
    if subdomains {
        host_port = &host_port[2..];
    }
    if any_port {
        host_port = &host_port[..host_port.len() - 2];
    }
    Split {
        written: pattern,
        web: Some(WebPattern {
            subdomains,
            any_port,
            base: format!("{scheme}{host_port}{tail}"),
        }),
    }
}

/// Whether two origins a developer wrote are the same `Url` (the strings, when either
/// does not parse).
fn same_origin(a: &str, b: &str) -> bool {
    match (Url::parse(a), Url::parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn configure(policy: &Policy) -> Config {
    let rp_id = match policy.rp_ids.as_slice() {
        [one] => one,
        [] => {
            return Config::Skip(
                "the policy has no RP ID; WebauthnCore::new_unsafe_experts_only requires one"
                    .into(),
            )
        }
        _ => {
            return Config::Skip(
                "the policy has several RP IDs; WebauthnCore takes exactly one rp_id".into(),
            )
        }
    };
    if policy.allow_cross_origin && !policy.top_origins.is_empty() {
        return Config::Skip(
            "allow_cross_origin = true with top origins listed: WebauthnCore has no setting that allows cross-origin ceremonies (and never reads topOrigin)"
                .into(),
        );
    }
    // allow_cross_origin = true with no top_origins admits no embedder (a crossOrigin
    // ceremony needs a topOrigin from an empty list), and top_origins without
    // allow_cross_origin admit nothing more: WebauthnCore's fixed allow_cross_origin = false
    // expresses both policies as they are (the library never reads topOrigin).

    let patterns: Vec<Split<'_>> = policy.origins.iter().map(|p| split(p)).collect();
    let web: Vec<&WebPattern> = patterns.iter().filter_map(|p| p.web.as_ref()).collect();

    // allow_any_port applies to every allowed origin: it expresses the policy only when
    // every web pattern admits any port.
    let any_port = web.iter().any(|w| w.any_port);
    if any_port && !web.iter().all(|w| w.any_port) {
        return Config::Skip(
            "only some origin patterns admit any port; webauthn-rs's allow_any_port applies to every allowed origin"
                .into(),
        );
    }

    // allow_subdomains applies to every allowed origin and always admits the origin itself:
    // it expresses the policy only when each `*.host` pattern comes with its apex and each
    // web origin with its `*.` pattern.
    let wildcards: Vec<&str> = web
        .iter()
        .filter(|w| w.subdomains)
        .map(|w| w.base.as_str())
        .collect();
    let apexes: Vec<&str> = web
        .iter()
        .filter(|w| !w.subdomains)
        .map(|w| w.base.as_str())
        .collect();
    let subdomains = !wildcards.is_empty();
    if subdomains {
        let paired = wildcards
            .iter()
            .all(|w| apexes.iter().any(|a| same_origin(w, a)))
            && apexes
                .iter()
                .all(|a| wildcards.iter().any(|w| same_origin(w, a)));
        if !paired {
            return Config::Skip(
                "a `*.host` pattern without its apex (or an origin without its `*.` pattern): webauthn-rs's allow_subdomains admits the apex and the subdomains of every allowed origin"
                    .into(),
            );
        }
    }

    // The allowed origins as a developer writes them: `Url::parse` of each origin, the
    // wildcard patterns standing for the flags set above.
    let mut allowed = Vec::new();
    for pattern in &patterns {
        let text = match &pattern.web {
            Some(w) if w.subdomains => continue,
            Some(w) => w.base.as_str(),
            None => pattern.written,
        };
        match Url::parse(text) {
            Ok(url) => allowed.push(url),
            Err(e) => {
                return Config::Refused(format!(
                    "the allowed origin {text:?} is not a url::Url ({e}): webauthn-rs-core cannot be configured with it"
                ))
            }
        }
    }

    Config::Core(WebauthnCore::new_unsafe_experts_only(
        "rpscope",
        rp_id,
        allowed,
        Duration::from_secs(300),
        Some(subdomains),
        Some(any_port),
    ))
}

/// Puts the case's challenge into a ceremony state the library generated, the way an RP
/// persists that state between the two halves of a ceremony (serde).
fn with_challenge<S: serde::Serialize + serde::de::DeserializeOwned>(
    state: &S,
    challenge: &str,
) -> Result<S, String> {
    URL_SAFE_NO_PAD
        .decode(challenge)
        .map_err(|e| format!("the challenge is not base64url: {e}"))?;
    let mut value =
        serde_json::to_value(state).map_err(|e| format!("state does not serialise: {e}"))?;
    let slot = value
        .get_mut("challenge")
        .ok_or("the serialised state has no challenge field")?;
    *slot = Value::String(challenge.to_owned());
    serde_json::from_value(value).map_err(|e| format!("state does not deserialise: {e}"))
}

type Verdict = Result<Result<(), webauthn_rs_core::error::WebauthnError>, String>;

fn register(core: &WebauthnCore, case: &ServerCase, policy: UserVerificationPolicy) -> Verdict {
    let builder = core
        .new_challenge_register_builder(b"rpscope-user", "rpscope", "rpscope")
        .map_err(|e| format!("new_challenge_register_builder: {e:?}"))?
        .user_verification_policy(policy);
    let (_options, state) = core
        .generate_challenge_register(builder)
        .map_err(|e| format!("generate_challenge_register: {e:?}"))?;
    let state = with_challenge(&state, &case.challenge)?;
    let response: RegisterPublicKeyCredential = serde_json::from_value(case.response.clone())
        .map_err(|e| {
            format!("the response does not deserialise as RegisterPublicKeyCredential: {e}")
        })?;
    Ok(core
        .register_credential(&response, &state, None)
        .map(|_credential| ()))
}

fn authenticate(core: &WebauthnCore, case: &ServerCase, policy: UserVerificationPolicy) -> Verdict {
    let stored = case
        .credential
        .as_ref()
        .ok_or("an authentication case without a stored credential")?;
    let credential = stored_credential(stored)?;
    let builder = core
        .new_challenge_authenticate_builder(vec![credential], Some(policy))
        .map_err(|e| format!("new_challenge_authenticate_builder: {e:?}"))?;
    let (_options, state) = core
        .generate_challenge_authenticate(builder)
        .map_err(|e| format!("generate_challenge_authenticate: {e:?}"))?;
    let state = with_challenge(&state, &case.challenge)?;
    let response: PublicKeyCredential = serde_json::from_value(case.response.clone())
        .map_err(|e| format!("the response does not deserialise as PublicKeyCredential: {e}"))?;
    Ok(core
        .authenticate_credential(&response, &state)
        .map(|_result| ()))
}

/// The `Credential` webauthn-rs-core would have stored when this key was registered:
/// the COSE key parsed by the library's own `COSEKey: TryFrom<&serde_cbor_2::Value>`, the
/// stored counter, and what a `none`-attestation registration with UP and UV set (and BE,
/// BS clear, as rpscope's authenticator writes them) records.
fn stored_credential(stored: &StoredCredential) -> Result<Credential, String> {
    let cred_id = URL_SAFE_NO_PAD
        .decode(&stored.id)
        .map_err(|e| format!("credential id is not base64url: {e}"))?;
    let cose = URL_SAFE_NO_PAD
        .decode(&stored.public_key)
        .map_err(|e| format!("credential public key is not base64url: {e}"))?;
    let value: serde_cbor_2::Value = serde_cbor_2::from_slice(&cose)
        .map_err(|e| format!("credential public key is not CBOR: {e}"))?;
    let cred = COSEKey::try_from(&value).map_err(|e| format!("COSEKey::try_from: {e:?}"))?;
    if cred.type_ as i64 != stored.algorithm || cred.type_ != COSEAlgorithm::ES256 {
        return Err(format!(
            "stored algorithm {} but the COSE key says {:?}",
            stored.algorithm, cred.type_
        ));
    }
    Ok(Credential {
        cred_id,
        cred,
        counter: stored.sign_count,
        transports: None,
        user_verified: true,
        backup_eligible: false,
        backup_state: false,
        registration_policy: UserVerificationPolicy::Preferred,
        extensions: RegisteredExtensions::none(),
        attestation: ParsedAttestation {
            data: ParsedAttestationData::None,
            metadata: AttestationMetadata::None,
        },
        attestation_format: AttestationFormat::None,
    })
}
