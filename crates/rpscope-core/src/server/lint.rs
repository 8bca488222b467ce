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

// A lint finding's stable code. Each code fixes its severity; `docs/lint.md` lists
// every code (a test holds the two together). New codes may be added; none is renamed.
macro_rules! lint_codes {
    ($( $(#[$doc:meta])* $variant:ident = ($code:literal, $severity:ident), )+) => {
        /// A stable lint code (see `docs/lint.md`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum LintCode {
            $( $(#[$doc])* $variant, )+
        }

        impl LintCode {
            /// Every code, in the order of `docs/lint.md`.
            pub const ALL: &'static [LintCode] = &[ $( LintCode::$variant, )+ ];

            /// The kebab-case code, e.g. `"port-not-configured"`.
            pub const fn as_str(self) -> &'static str {
                match self { $( LintCode::$variant => $code, )+ }
            }

            /// The severity every finding with this code has.
            pub const fn severity(self) -> Severity {
                match self { $( LintCode::$variant => Severity::$severity, )+ }
            }
        }
    };
}

lint_codes! {
    /// the policy does not compile (one finding per problem: empty `rp_ids`, non-canonical or IP RP IDs, paths, queries, userinfo, misplaced `*`, wildcards over public suffixes, `null`)
    InvalidPolicy = ("invalid-policy", Error),
    /// an RP ID is a public suffix (`github.io`, `lan`): browsers let no page claim it
    RpIdPublicSuffix = ("rp-id-public-suffix", Error),
    /// an origin's host is an IP address: browsers never run WebAuthn there
    IpAddressOrigin = ("ip-address-origin", Error),
    /// an `http://` origin on a host other than localhost
    InsecureOrigin = ("insecure-origin", Error),
    /// an origin is not inside any RP ID and no related-origins document was given (wildcards cannot be covered by one)
    OriginOutsideRpIds = ("origin-outside-rp-ids", Error),
    /// an origin needs the related-origins document and it does not list it
    RelatedOriginsMissingOrigin = ("related-origins-missing-origin", Error),
    /// an origin is listed, but after 5 other labels: browsers skip it
    RelatedOriginsLabelLimit = ("related-origins-label-limit", Error),
    /// the document is not `{"origins": [strings]}`
    RelatedOriginsBadJson = ("related-origins-bad-json", Error),
    /// users reach the RP on a port the policy does not list for that host (the home-lab case)
    PortNotConfigured = ("port-not-configured", Error),
    /// users reach the RP at an origin no pattern admits
    ServedOriginNotAllowed = ("served-origin-not-allowed", Error),
    /// a `served_at` entry is not a URL
    ServedAtInvalid = ("served-at-invalid", Error),
    /// an origin is written differently from what browsers send (trailing `/`, `:443`, case); string-comparing libraries will not match it
    OriginNotNormalForm = ("origin-not-normal-form", Warning),
    /// `http://*.localhost`: Chromium and Firefox allow it, the spec only `localhost`
    HttpLocalhostSubdomain = ("http-localhost-subdomain", Warning),
    /// a subdomain wildcard admits every subdomain, including user content and dangling DNS
    WildcardAdmitsAnySubdomain = ("wildcard-admits-any-subdomain", Warning),
    /// the document names more than 5 distinct labels
    RelatedOriginsOverLabelLimit = ("related-origins-over-label-limit", Warning),
    /// `allow_cross_origin` with no `top_origins`: every cross-origin ceremony fails
    CrossOriginWithoutTopOrigins = ("cross-origin-without-top-origins", Warning),
    /// `top_origins` without `allow_cross_origin`
    TopOriginsUnused = ("top-origins-unused", Warning),
    /// an entry without a scheme (`login.example.com`) is matched as an exact app string, never as the web origin
    AppOriginWithoutScheme = ("app-origin-without-scheme", Warning),
    /// an `android:apk-key-hash:` value is not 43 unpadded base64url characters
    ApkKeyHashShape = ("apk-key-hash-shape", Warning),
}

impl fmt::Display for LintCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for LintCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem and its fix.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code (its severity is `severity`).
    pub code: LintCode,
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
/// use rpscope_core::server::{lint::{lint, Deployment, LintCode}, Policy};
/// use rpscope_core::PublicSuffixList;
/// let psl = PublicSuffixList::vendored();
/// let policy = Policy { rp_ids: vec!["pve.example.com".into()], origins: vec!["https://local.pve.example.com".into()], ..Policy::default() };
/// let served = ["https://local.pve.example.com:8006/".to_string()];
/// let findings = lint(&policy, &Deployment { served_at: &served, ..Deployment::default() }, &psl);
/// assert!(findings.iter().any(|f| f.code == LintCode::PortNotConfigured));
/// ```
pub fn lint(policy: &Policy, deployment: &Deployment<'_>, psl: &PublicSuffixList) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add = |code: LintCode, message: String, fix: String| {
        out.push(Finding {
            severity: code.severity(),
            code,
            message,
            fix,
        })
    };

    let compiled = policy.compile(psl);
    if let Err(e) = &compiled {
        for problem in &e.problems {
            add(LintCode::InvalidPolicy, problem.clone(), "correct the entry as the message says; rpscope refuses the whole policy until then".into());
        }
    }
    for id in &policy.rp_ids {
        if psl.public_suffix(id).is_some_and(|s| s.len() == id.len()) {
            add(
                LintCode::RpIdPublicSuffix,
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
            add(LintCode::OriginNotNormalForm,
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
                LintCode::IpAddressOrigin,
                format!("`{normal}` has an IP-address host: browsers never run WebAuthn there"),
                "serve the RP under a domain name and list that origin".into(),
            );
            continue;
        }
        let bare = host.strip_suffix('.').unwrap_or(host);
        let local = bare == "localhost" || bare.ends_with(".localhost");
        let insecure = scheme.as_str() == "http" && !local;
        if insecure {
            add(LintCode::InsecureOrigin,
                format!("`{normal}` is http on a host that is not localhost: browsers expose WebAuthn only to secure contexts"),
                format!("serve it over https and list `https://{}` instead", &normal["http://".len()..]),
            );
        } else if scheme.as_str() == "http" && bare != "localhost" {
            add(LintCode::HttpLocalhostSubdomain,
                format!("`{normal}` is http on a `*.localhost` name: Chromium and Firefox allow it, the WebAuthn spec allows only `localhost` itself"),
                "use http://localhost:<port> for development, or https".into(),
            );
        }
        if *subdomains {
            add(LintCode::WildcardAdmitsAnySubdomain,
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
        add(LintCode::CrossOriginWithoutTopOrigins, "`allow_cross_origin` is true but `top_origins` is empty: every cross-origin ceremony will be rejected".into(), "list the pages allowed to embed the RP in `top_origins`, or set `allow_cross_origin = false`".into());
    }
    if !policy.allow_cross_origin && !policy.top_origins.is_empty() {
        add(LintCode::TopOriginsUnused, "`top_origins` is set but `allow_cross_origin` is false: the list is never used".into(), "set `allow_cross_origin = true` if the RP is meant to be embedded, or remove `top_origins`".into());
    }
    if let Some(body) = deployment.well_known {
        check_document_size(body, policy, psl, &mut add);
    }
    out.sort_by_key(|f| f.severity);
    out
}

type Add<'f> = dyn FnMut(LintCode, String, String) + 'f;

fn check_app_origin(text: &str, add: &mut Add<'_>) {
    if !text.contains(':') {
        add(LintCode::AppOriginWithoutScheme,
            format!("`{text}` has no scheme, so it is matched as an app origin, exactly; no browser sends it as an origin"),
            format!("if it is a web origin, write `https://{text}`"),
        );
    }
    if let Some(hash) = text.strip_prefix("android:apk-key-hash:") {
        let base64url = hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if hash.len() != 43 || !base64url {
            add(LintCode::ApkKeyHashShape,
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
        add(LintCode::OriginOutsideRpIds,
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
        Err(RelatedOriginsFailure::LabelLimit { max_labels }) => add(LintCode::RelatedOriginsLabelLimit,
            format!("`{normal}` is listed in https://{first}/.well-known/webauthn, but after {max_labels} other registrable-domain labels: browsers skip it"),
            format!("move `{normal}` before the other entries, or cut the document to {max_labels} distinct labels"),
        ),
        Err(RelatedOriginsFailure::BadJson(why)) => add(LintCode::RelatedOriginsBadJson,
            format!("https://{first}/.well-known/webauthn is not a valid document: {why}"),
            "serve `{\"origins\": [\"https://…\", …]}` with Content-Type application/json".into(),
        ),
        Err(_) => add(LintCode::RelatedOriginsMissingOrigin,
            format!("`{normal}` is not inside any RP ID of the policy, and https://{first}/.well-known/webauthn does not list it: browsers will refuse every ceremony there"),
            format!("add `{normal}` to the `origins` array of https://{first}/.well-known/webauthn"),
        ),
    }
}

fn check_served(url: &str, compiled: &CompiledPolicy, add: &mut Add<'_>) {
    let Ok(parsed) = url::Url::parse(url) else {
        add(
            LintCode::ServedAtInvalid,
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
        add(LintCode::PortNotConfigured,
            format!("users reach the RP at `{origin}`, but the policy lists `{}` only with another port: browsers put the port into clientDataJSON.origin, so every ceremony there fails the origin check", default),
            format!("add `{origin}` to `origins` (or `{default}:*` to admit any port on that host)"),
        );
    } else {
        add(
            LintCode::ServedOriginNotAllowed,
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
        add(LintCode::RelatedOriginsOverLabelLimit,
            format!("https://{first}/.well-known/webauthn names {} distinct registrable-domain labels ({}); browsers consider only the first {max}", labels.len(), labels.join(", ")),
            format!("keep at most {max} labels (brand and country domains that share a label, like example.com and example.co.uk, count once)"),
        );
    }
}
