//! `rpscope lint`: problems in an RP's configuration that browsers or users will hit.
//!
//! Input: the policy, optionally the `/.well-known/webauthn` document served at
//! the first RP ID, and optionally the URLs users actually reach the RP at
//! (`served_at`). Every finding names a stable code, says what goes wrong, and
//! how to fix it. Errors are things that break ceremonies or weaken security;
//! warnings are things that work today but invite trouble.

use crate::client::related_origins::{parse_document, registrable_origin_label};
use crate::client::{
    check, validate_related_origins, ClientRequest, RelatedOriginsFailure, WellKnownResponse,
};
use crate::profile::{HttpHosts, Profile};
use crate::psl::PublicSuffixList;
use crate::reason::Verdict;
use crate::server::pattern::{Pattern, PortRule};
use crate::server::policy::{CompiledPolicy, Policy};
use crate::server::presented::{read, Presented};
use std::fmt;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Breaks ceremonies or weakens security.
    Error,
    /// Works, but invites trouble.
    Warning,
}

/// One problem and its fix.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// A stable kebab-case code.
    pub code: &'static str,
    /// What goes wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{level}[{}]: {}\n  fix: {}",
            self.code, self.message, self.fix
        )
    }
}

/// What `rpscope lint` reads besides the policy.
#[derive(Debug, Clone, Copy, Default)]
pub struct Deployment<'a> {
    /// The `/.well-known/webauthn` body served at `https://{rp_ids[0]}`.
    pub well_known: Option<&'a [u8]>,
    /// URLs users actually open (e.g. `https://local.pve.example.com:8006/`).
    pub served_at: &'a [String],
}

/// Lints a policy and its deployment.
///
/// ```
/// use rpscope_core::server::{lint::{lint, Deployment}, Policy};
/// use rpscope_core::PublicSuffixList;
/// let psl = PublicSuffixList::vendored();
/// let policy = Policy { rp_ids: vec!["pve.example.com".into()], origins: vec!["https://local.pve.example.com".into()], ..Policy::default() };
/// let served = ["https://local.pve.example.com:8006/".to_string()];
/// let findings = lint(&policy, &Deployment { served_at: &served, ..Deployment::default() }, &psl);
/// assert!(findings.iter().any(|f| f.code == "port-not-configured"));
/// ```
pub fn lint(policy: &Policy, deployment: &Deployment<'_>, psl: &PublicSuffixList) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add = |severity, code, message: String, fix: String| {
        out.push(Finding {
            severity,
            code,
            message,
            fix,
        })
    };

    let compiled = policy.compile(psl);
    if let Err(e) = &compiled {
        for problem in &e.problems {
            add(Severity::Error, "invalid-policy", problem.clone(), "correct the entry as the message says; rpscope refuses the whole policy until then".into());
        }
    }
    for id in &policy.rp_ids {
        if psl.public_suffix(id).is_some_and(|s| s.len() == id.len()) {
            add(
                Severity::Error,
                "rp-id-public-suffix",
                format!(
                    "the RP ID `{id}` is a public suffix: browsers refuse to let any page claim it"
                ),
                format!(
                    "use your registrable domain under `{id}` (e.g. `yourname.{id}`) as the RP ID"
                ),
            );
        }
    }
    let patterns: Vec<(String, Pattern)> = policy
        .origins
        .iter()
        .filter_map(|t| Pattern::parse(t, psl).ok().map(|p| (t.clone(), p)))
        .collect();
    for (text, pattern) in &patterns {
        let normal = pattern.to_string();
        if let Pattern::App(_) = pattern {
            check_app_origin(text, &mut add);
            continue;
        }
        if *text != normal {
            add(
                Severity::Warning,
                "origin-not-normal-form",
                format!("`{text}` is written differently from the origin browsers send (`{normal}`); rpscope normalises it, but libraries that compare strings (SimpleWebAuthn, py_webauthn #90) will not match"),
                format!("write `{normal}`"),
            );
        }
        let Pattern::Web {
            scheme,
            host,
            subdomains,
            port,
            ..
        } = pattern
        else {
            continue;
        };
        if url::Host::parse(host).is_ok_and(|h| !matches!(h, url::Host::Domain(_)))
            || host.starts_with('[')
        {
            add(
                Severity::Error,
                "ip-address-origin",
                format!("`{normal}` has an IP-address host: browsers never run WebAuthn there"),
                "serve the RP under a domain name and list that origin".into(),
            );
            continue;
        }
        let bare = host.strip_suffix('.').unwrap_or(host);
        let local = bare == "localhost" || bare.ends_with(".localhost");
        let insecure = scheme.as_str() == "http" && !local;
        if insecure {
            add(
                Severity::Error,
                "insecure-origin",
                format!("`{normal}` is http on a host that is not localhost: browsers expose WebAuthn only to secure contexts"),
                format!("serve it over https and list `https://{}` instead", &normal["http://".len()..]),
            );
        } else if scheme.as_str() == "http" && bare != "localhost" {
            add(
                Severity::Warning,
                "http-localhost-subdomain",
                format!("`{normal}` is http on a `*.localhost` name: Chromium and Firefox allow it, the WebAuthn spec allows only `localhost` itself"),
                "use http://localhost:<port> for development, or https".into(),
            );
        }
        if *subdomains {
            add(
                Severity::Warning,
                "wildcard-admits-any-subdomain",
                format!("`{normal}` admits every subdomain of `{host}`, including any that serve user content or whose DNS points at services you no longer control"),
                format!("list the subdomains you run, or make sure no one else can serve pages under `{host}`"),
            );
        }
        if insecure {
            // Browsers refuse it before any RP ID question; one finding is enough.
            continue;
        }
        // Can a page on this origin use one of the RP IDs (locally or through related origins)?
        let sample_host = if *subdomains {
            format!("login.{host}")
        } else {
            host.clone()
        };
        let sample_port = match port {
            PortRule::Is(p) if *p != scheme.default_port() => format!(":{p}"),
            _ => String::new(),
        };
        let origin = format!("{}://{sample_host}{sample_port}", scheme.as_str());
        check_scope(
            &origin,
            &normal,
            *subdomains,
            policy,
            deployment,
            psl,
            &mut add,
        );
    }
    if let Ok(compiled) = &compiled {
        for url in deployment.served_at {
            check_served(url, compiled, &mut add);
        }
    }
    if policy.allow_cross_origin && policy.top_origins.is_empty() {
        add(Severity::Warning, "cross-origin-without-top-origins", "`allow_cross_origin` is true but `top_origins` is empty: every cross-origin ceremony will be rejected".into(), "list the pages allowed to embed the RP in `top_origins`, or set `allow_cross_origin = false`".into());
    }
    if !policy.allow_cross_origin && !policy.top_origins.is_empty() {
        add(Severity::Warning, "top-origins-unused", "`top_origins` is set but `allow_cross_origin` is false: the list is never used".into(), "set `allow_cross_origin = true` if the RP is meant to be embedded, or remove `top_origins`".into());
    }
    if let Some(body) = deployment.well_known {
        check_document_size(body, policy, psl, &mut add);
    }
    out.sort_by_key(|f| f.severity);
    out
}

type Add<'f> = dyn FnMut(Severity, &'static str, String, String) + 'f;

fn check_app_origin(text: &str, add: &mut Add<'_>) {
    if !text.contains(':') {
        add(
            Severity::Warning,
            "app-origin-without-scheme",
            format!("`{text}` has no scheme, so it is matched as an app origin, exactly; no browser sends it as an origin"),
            format!("if it is a web origin, write `https://{text}`"),
        );
    }
    if let Some(hash) = text.strip_prefix("android:apk-key-hash:") {
        let base64url = hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if hash.len() != 43 || !base64url {
            add(
                Severity::Warning,
                "apk-key-hash-shape",
                format!("`{text}`: Android sends the SHA-256 of the signing certificate as 43 unpadded base64url characters; this one is {} characters{}", hash.len(), if base64url { "" } else { " and not base64url" }),
                "copy the value from a real assertion's clientDataJSON.origin, or compute base64url(sha256(cert)) without `=` padding".into(),
            );
        }
    }
}

fn check_scope(
    origin: &str,
    normal: &str,
    wildcard: bool,
    policy: &Policy,
    deployment: &Deployment<'_>,
    psl: &PublicSuffixList,
    add: &mut Add<'_>,
) {
    if policy.rp_ids.is_empty() {
        return;
    }
    // Only the RP ID question: http on `*.localhost` is reported on its own.
    let profile = Profile {
        http_hosts: HttpHosts::LocalhostAndSubdomains,
        ..Profile::SPEC
    };
    let local_ok = policy.rp_ids.iter().any(|id| {
        check(
            &ClientRequest {
                origin,
                rp_id: Some(id),
                well_known: None,
            },
            &profile,
            psl,
        )
        .verdict()
            == Verdict::Accept
    });
    if local_ok {
        return;
    }
    let first = &policy.rp_ids[0];
    let (Some(body), false) = (deployment.well_known, wildcard) else {
        let how = if wildcard {
            "a wildcard cannot be covered by a related-origins document, which lists origins one by one"
        } else {
            "no related-origins document was given for it"
        };
        add(
            Severity::Error,
            "origin-outside-rp-ids",
            format!("`{normal}` is not inside any RP ID of the policy ({}), and {how}: browsers will refuse every ceremony there", policy.rp_ids.join(", ")),
            format!("serve https://{first}/.well-known/webauthn listing `{normal}` (and pass it with --well-known), or use an RP ID that `{normal}` is inside"),
        );
        return;
    };
    let Ok(url) = url::Url::parse(origin) else {
        return;
    };
    let response = WellKnownResponse {
        status: 200,
        content_type: "application/json",
        body,
        redirects: &[],
    };
    match validate_related_origins(&url.origin(), &response, &Profile::SPEC.related_origins, psl) {
        Ok(_) => {}
        Err(RelatedOriginsFailure::LabelLimit { max_labels }) => add(
            Severity::Error,
            "related-origins-label-limit",
            format!("`{normal}` is listed in https://{first}/.well-known/webauthn, but after {max_labels} other registrable-domain labels: browsers skip it"),
            format!("move `{normal}` before the other entries, or cut the document to {max_labels} distinct labels"),
        ),
        Err(RelatedOriginsFailure::BadJson(why)) => add(
            Severity::Error,
            "related-origins-bad-json",
            format!("https://{first}/.well-known/webauthn is not a valid document: {why}"),
            "serve `{\"origins\": [\"https://…\", …]}` with Content-Type application/json".into(),
        ),
        Err(_) => add(
            Severity::Error,
            "related-origins-missing-origin",
            format!("`{normal}` is not inside any RP ID of the policy, and https://{first}/.well-known/webauthn does not list it: browsers will refuse every ceremony there"),
            format!("add `{normal}` to the `origins` array of https://{first}/.well-known/webauthn"),
        ),
    }
}

fn check_served(url: &str, compiled: &CompiledPolicy, add: &mut Add<'_>) {
    let Ok(parsed) = url::Url::parse(url) else {
        add(
            Severity::Error,
            "served-at-invalid",
            format!("`{url}` in `served_at` is not a URL"),
            "write the full URL users open, e.g. https://host:port/".into(),
        );
        return;
    };
    let origin = parsed.origin().ascii_serialization();
    let Ok(presented @ Presented::Web(web)) = read(&origin) else {
        return;
    };
    if compiled.origins.find(&presented).is_some() {
        return;
    }
    let default = format!("{}://{}", web.scheme.as_str(), web.host);
    let same_host_other_port = compiled
        .patterns()
        .iter()
        .any(|p| matches!(p, Pattern::Web { host, scheme, subdomains: false, .. } if *host == web.host && *scheme == web.scheme));
    if same_host_other_port {
        add(
            Severity::Error,
            "port-not-configured",
            format!("users reach the RP at `{origin}`, but the policy lists `{}` only with another port: browsers put the port into clientDataJSON.origin, so every ceremony there fails the origin check", default),
            format!("add `{origin}` to `origins` (or `{default}:*` to admit any port on that host)"),
        );
    } else {
        add(
            Severity::Error,
            "served-origin-not-allowed",
            format!(
                "users reach the RP at `{origin}`, which no origin pattern of the policy admits"
            ),
            format!("add `{origin}` to `origins`"),
        );
    }
}

fn check_document_size(body: &[u8], policy: &Policy, psl: &PublicSuffixList, add: &mut Add<'_>) {
    // The same reading as the related-origins procedure: BOM, shape, labels.
    let Ok(entries) = parse_document(body) else {
        return;
    };
    let mut labels: Vec<String> = Vec::new();
    for entry in entries.iter().filter_map(|e| e.as_str()) {
        let Ok(url) = url::Url::parse(entry) else {
            continue;
        };
        let Some(label) = registrable_origin_label(&url, psl) else {
            continue;
        };
        if !labels.iter().any(|l| l == label) {
            labels.push(label.to_owned());
        }
    }
    let max = Profile::SPEC.related_origins.max_labels;
    if labels.len() > max {
        let first = policy.rp_ids.first().map_or("", String::as_str);
        add(
            Severity::Warning,
            "related-origins-over-label-limit",
            format!("https://{first}/.well-known/webauthn names {} distinct registrable-domain labels ({}); browsers consider only the first {max}", labels.len(), labels.join(", ")),
            format!("keep at most {max} labels (brand and country domains that share a label, like example.com and example.co.uk, count once)"),
        );
    }
}
