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
use crate::mobile::{aasa, assetlinks, MobileFile, Problem, Served, MAX_LISTED};
use crate::profile::{HttpHosts, LabelCounting, NonStringEntry, Profile, RelatedOriginsRules};
use crate::psl::PublicSuffixList;
use crate::reason::Verdict;
use crate::server::pattern::{Pattern, PortRule};
use crate::server::policy::Compile as _;
use crate::server::policy::{CompiledPolicy, Policy};
use crate::server::presented::{read, Presented};
use rpscope_model::ProfileId;
use std::collections::{HashMap, HashSet};
use std::fmt;
use url::{Origin, Url};

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
    ($( #[doc = $summary:literal] $variant:ident = ($code:literal, $severity:ident), )+) => {
        /// A stable lint code (see `docs/lint.md`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum LintCode {
            $( #[doc = $summary] $variant, )+
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

            /// What the code means, in one line (as `docs/lint.md` says it).
            pub fn summary(self) -> &'static str {
                match self { $( LintCode::$variant => $summary.trim(), )+ }
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
    /// an origin is listed after more than 100 entries with a label: WebKit examines only the first 100 (`maxCandidates`)
    RelatedOriginsCandidateLimit = ("related-origins-candidate-limit", Error),
    /// the document is not `{"origins": [strings]}`
    RelatedOriginsBadJson = ("related-origins-bad-json", Error),
    /// the document is larger than a browser reads (Chromium: 256 KiB, WebKit: 64 KiB): that browser refuses every origin that needs it
    RelatedOriginsTooLarge = ("related-origins-too-large", Error),
    /// the document is served with a status a browser does not accept (the spec, Firefox and WebKit: only 200; Chromium: any 2xx)
    RelatedOriginsBadStatus = ("related-origins-bad-status", Error),
    /// the document is served with a `Content-Type` a browser does not take for JSON
    RelatedOriginsBadContentType = ("related-origins-bad-content-type", Error),
    /// users reach the RP on a port the policy does not list for that host (the home-lab case)
    PortNotConfigured = ("port-not-configured", Error),
    /// users reach the RP at an origin no pattern admits
    ServedOriginNotAllowed = ("served-origin-not-allowed", Error),
    /// a `served_at` entry is not a URL
    ServedAtInvalid = ("served-at-invalid", Error),
    /// an RP ID of the previous configuration (`--previous`) is gone: every passkey registered under it is stranded
    RpIdChanged = ("rp-id-changed", Error),
    /// `assetlinks.json` is served with a status other than 200
    AssetlinksBadStatus = ("assetlinks-bad-status", Error),
    /// `assetlinks.json` is reached through a redirect, which Android does not follow
    AssetlinksRedirected = ("assetlinks-redirected", Error),
    /// `assetlinks.json` is served with a `Content-Type` other than `application/json`
    AssetlinksBadContentType = ("assetlinks-bad-content-type", Error),
    /// `assetlinks.json` is over 1 MiB (rpscope's bound; Google documents none) and was not read
    AssetlinksTooLarge = ("assetlinks-too-large", Error),
    /// `assetlinks.json` is not a JSON array of statements (HTML, not UTF-8, bad JSON, a malformed statement)
    AssetlinksBadJson = ("assetlinks-bad-json", Error),
    /// no `android_app` statement has `delegate_permission/common.get_login_creds` (`handle_all_urls` alone is for App Links)
    AssetlinksNoGetLoginCreds = ("assetlinks-no-get-login-creds", Error),
    /// a `sha256_cert_fingerprints` entry is not 32 colon-separated hex bytes (a SHA-1 fingerprint, the wrong length, not hex)
    AssetlinksBadFingerprint = ("assetlinks-bad-fingerprint", Error),
    /// `assetlinks.json` lets an app use the passkeys, but the policy does not admit the `android:apk-key-hash:` origin it presents
    AssetlinksOriginNotInPolicy = ("assetlinks-origin-not-in-policy", Error),
    /// `apple-app-site-association` is served with a status other than 200
    AasaBadStatus = ("aasa-bad-status", Error),
    /// `apple-app-site-association` is reached through a redirect, which Apple does not follow
    AasaRedirected = ("aasa-redirected", Error),
    /// `apple-app-site-association` is over 128 KB, Apple's documented limit
    AasaTooLarge = ("aasa-too-large", Error),
    /// `apple-app-site-association` is an HTML page (a single-page app's fallback route answering 200 with index.html)
    AasaHtml = ("aasa-html", Error),
    /// `apple-app-site-association` is not a JSON object of the file's shape
    AasaBadJson = ("aasa-bad-json", Error),
    /// `apple-app-site-association` has no `webcredentials.apps`: no iOS app may use the passkeys
    AasaNoWebcredentials = ("aasa-no-webcredentials", Error),
    /// a `webcredentials.apps` entry is not `TEAMID.bundle.id` (10-character Team ID)
    AasaBadAppId = ("aasa-bad-app-id", Error),
    /// iOS apps are declared, but the policy does not admit `https://<rp_id>`, the origin iOS apps present
    AasaRpIdOriginNotAllowed = ("aasa-rp-id-origin-not-allowed", Error),
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
    /// an entry with a scheme no browser sends for WebAuthn (`*://…`, `ftp:`, `wss:`) is matched as an exact app string and never matches a browser
    OriginUnknownScheme = ("origin-unknown-scheme", Warning),
    /// an `android:apk-key-hash:` value is not 43 unpadded base64url characters
    ApkKeyHashShape = ("apk-key-hash-shape", Warning),
    /// an origin of the previous configuration (`--previous`) is no longer admitted
    OriginsDropped = ("origins-dropped", Warning),
    /// the policy admits an `android:apk-key-hash:` origin that no `get_login_creds` statement of `assetlinks.json` declares
    AppOriginNotInAssetlinks = ("app-origin-not-in-assetlinks", Warning),
    /// `apple-app-site-association` is served with a `Content-Type` other than `application/json`
    AasaBadContentType = ("aasa-bad-content-type", Warning),
    /// an RP ID, or a domain above it, is a public suffix in the current list but not in one browser's copy (or the other way round): which pages may claim it depends on the browser
    PslSnapshotLag = ("psl-snapshot-lag", Warning),
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
    /// The HTTP status the document is served with (`None`: 200).
    pub well_known_status: Option<u16>,
    /// The `Content-Type` the document is served with (`None`: `application/json`).
    pub well_known_content_type: Option<&'a str>,
    /// `/.well-known/assetlinks.json` as served at `https://{rp_ids[0]}`.
    pub assetlinks: Option<Served<'a>>,
    /// `/.well-known/apple-app-site-association` as served at `https://{rp_ids[0]}`.
    pub aasa: Option<Served<'a>>,
    /// The configuration this one replaces: RP IDs and origins it drops are reported.
    pub previous: Option<&'a Policy>,
}

/// The findings so far: each reported once, in the order first found.
#[derive(Default)]
struct Findings {
    list: Vec<Finding>,
    seen: HashSet<(LintCode, String)>,
}

impl Findings {
    fn add(&mut self, code: LintCode, message: String, fix: String) {
        if self.seen.insert((code, message.clone())) {
            self.list.push(Finding {
                severity: code.severity(),
                code,
                message,
                fix,
            });
        }
    }
}

/// Lints a policy and its deployment.
///
/// Related origins are judged under every built-in profile ([`Profile::ALL`]):
/// a configuration must work in every browser. Each finding is reported once.
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
    let mut out = Findings::default();

    let compiled = policy.compile(psl);
    if let Err(e) = &compiled {
        for problem in &e.problems {
            out.add(LintCode::InvalidPolicy, problem.clone(), "correct the entry as the message says; rpscope refuses the whole policy until then".into());
        }
    }
    let patterns: Vec<(&str, Pattern)> = policy
        .origins
        .iter()
        .filter_map(|t| Pattern::parse(t, psl).ok().map(|p| (t.as_str(), p)))
        .collect();
    let rp_ids = RpIdIndex::new(&policy.rp_ids);
    // A page of each web pattern (for a wildcard, one of its subdomains).
    let samples: Vec<Option<Sample>> = patterns.iter().map(|(_, p)| Sample::of(p)).collect();
    check_rp_ids(policy, &samples, &rp_ids, psl, &mut out);

    let mut needy: Vec<Needy> = Vec::new();
    for ((text, pattern), sample) in patterns.iter().zip(&samples) {
        let normal = pattern.to_string();
        let (
            Pattern::Web {
                scheme,
                host,
                subdomains,
                ..
            },
            Some(sample),
        ) = (pattern, sample)
        else {
            check_app_origin(text, psl, &mut out);
            continue;
        };
        if *text != normal {
            out.add(LintCode::OriginNotNormalForm,
                format!("`{text}` is written differently from the origin browsers send (`{normal}`); rpscope normalises it, but libraries that compare strings (SimpleWebAuthn, py_webauthn #90) will not match"),
                format!("write `{normal}`"),
            );
        }
        if url::Host::parse(host).is_ok_and(|h| !matches!(h, url::Host::Domain(_)))
            || host.starts_with('[')
        {
            out.add(
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
            let rest = normal.strip_prefix("http://").unwrap_or(&normal);
            out.add(LintCode::InsecureOrigin,
                format!("`{normal}` is http on a host that is not localhost: browsers expose WebAuthn only to secure contexts"),
                format!("serve it over https and list `https://{rest}` instead"),
            );
        } else if scheme.as_str() == "http" && bare != "localhost" {
            out.add(LintCode::HttpLocalhostSubdomain,
                format!("`{normal}` is http on a `*.localhost` name: Chromium and Firefox allow it, the WebAuthn spec allows only `localhost` itself"),
                "use http://localhost:<port> (with the RP ID `localhost`) for development, or https".into(),
            );
        }
        if *subdomains {
            out.add(LintCode::WildcardAdmitsAnySubdomain,
                format!("`{normal}` admits every subdomain of `{host}`, including any that serve user content or whose DNS points at services you no longer control"),
                format!("list the subdomains you run, or make sure no one else can serve pages under `{host}`"),
            );
        }
        if insecure || policy.rp_ids.is_empty() {
            // Browsers refuse an insecure origin before any RP ID question.
            continue;
        }
        // Can a page on this origin use one of the RP IDs locally?
        if rp_ids.claimed(sample, &[LENIENT], psl).is_some() {
            continue;
        }
        let first = &policy.rp_ids[0];
        if *subdomains || deployment.well_known.is_none() {
            let how = if *subdomains {
                "a wildcard cannot be covered by a related-origins document, which lists origins one by one"
            } else {
                "no related-origins document was given for it"
            };
            out.add(LintCode::OriginOutsideRpIds,
                format!("`{normal}` is not inside any RP ID of the policy ({}), and {how}: browsers will refuse every ceremony there", policy.rp_ids.join(", ")),
                format!("serve https://{first}/.well-known/webauthn listing `{normal}` (and pass it with --well-known), or use an RP ID that `{normal}` is inside"),
            );
            continue;
        }
        if let Ok(url) = Url::parse(&sample.origin) {
            needy.push(Needy {
                normal,
                origin: url.origin(),
            });
        }
    }
    if let (Some(body), Some(first)) = (deployment.well_known, policy.rp_ids.first()) {
        let response = WellKnownResponse {
            status: deployment.well_known_status.unwrap_or(200),
            content_type: deployment
                .well_known_content_type
                .unwrap_or("application/json"),
            body,
            redirects: &[],
        };
        let entries = parse_document(body);
        check_related_origins(&needy, &response, &entries, first, psl, &mut out);
        if let Ok(entries) = &entries {
            check_label_counts(entries, first, psl, &mut out);
        }
    }
    if let Ok(compiled) = &compiled {
        for url in deployment.served_at {
            check_served(url, compiled, &mut out);
        }
    }
    check_mobile(policy, compiled.as_ref().ok(), deployment, &mut out);
    if let Some(previous) = deployment.previous {
        check_previous(policy, previous, psl, &mut out);
    }
    if policy.allow_cross_origin && policy.top_origins.is_empty() {
        out.add(LintCode::CrossOriginWithoutTopOrigins, "`allow_cross_origin` is true but `top_origins` is empty: every cross-origin ceremony will be rejected".into(), "list the pages allowed to embed the RP in `top_origins`, or set `allow_cross_origin = false`".into());
    }
    if !policy.allow_cross_origin && !policy.top_origins.is_empty() {
        out.add(LintCode::TopOriginsUnused, "`top_origins` is set but `allow_cross_origin` is false: the list is never used".into(), "set `allow_cross_origin = true` if the RP is meant to be embedded, or remove `top_origins`".into());
    }
    let mut findings = out.list;
    findings.sort_by_key(|f| f.severity);
    findings
}

/// The RP ID question only: http on `*.localhost` is reported on its own.
const LENIENT: Profile = Profile {
    http_hosts: HttpHosts::LocalhostAndSubdomains,
    ..Profile::SPEC
};

/// A page of a web pattern: its origin (for a wildcard, `login.` + the base) and host.
struct Sample {
    origin: String,
    host: String,
}

impl Sample {
    fn of(pattern: &Pattern) -> Option<Sample> {
        let Pattern::Web {
            scheme,
            host,
            subdomains,
            port,
        } = pattern
        else {
            return None;
        };
        let host = if *subdomains {
            format!("login.{host}")
        } else {
            host.clone()
        };
        let port = match port {
            PortRule::Is(p) if *p != scheme.default_port() => format!(":{p}"),
            _ => String::new(),
        };
        Some(Sample {
            origin: format!("{}://{host}{port}", scheme.as_str()),
            host,
        })
    }
}

/// The policy's RP IDs by canonical host, so that the RP IDs a page may claim
/// (its host and the host's dot-suffixes) are found without trying every one.
struct RpIdIndex<'p> {
    by_host: HashMap<String, Vec<&'p str>>,
}

impl<'p> RpIdIndex<'p> {
    fn new(rp_ids: &'p [String]) -> Self {
        let mut by_host: HashMap<String, Vec<&'p str>> = HashMap::new();
        for id in rp_ids {
            // What the URL host parser makes of it, as the RP ID check reads it.
            if let Ok(url::Host::Domain(host)) = url::Host::parse(id) {
                by_host.entry(host).or_default().push(id);
            }
        }
        RpIdIndex { by_host }
    }

    /// RP IDs equal to the sample's host or a dot-suffix of it.
    fn candidates<'s>(&'s self, host: &'s str) -> impl Iterator<Item = &'p str> + 's {
        let suffixes = std::iter::once(host).chain(
            host.match_indices('.')
                .map(move |(i, _)| &host[i + 1..])
                .filter(|s| !s.is_empty()),
        );
        suffixes
            .filter_map(|s| self.by_host.get(s))
            .flatten()
            .copied()
    }

    /// The first RP ID a page on the sample may use under every one of `profiles`.
    fn claimed(
        &self,
        sample: &Sample,
        profiles: &[Profile],
        psl: &PublicSuffixList,
    ) -> Option<&'p str> {
        self.candidates(&sample.host)
            .find(|id| profiles.iter().all(|p| accepts(&sample.origin, id, p, psl)))
    }
}

fn accepts(origin: &str, rp_id: &str, profile: &Profile, psl: &PublicSuffixList) -> bool {
    let request = ClientRequest {
        origin,
        rp_id: Some(rp_id),
        well_known: None,
    };
    check(&request, profile, psl).verdict() == Verdict::Accept
}

/// `rp-id-public-suffix`: a public-suffix RP ID no origin of the policy may claim
/// in every browser. `localhost` claimed by `http://localhost:3000` is the
/// development setup, and fine.
fn check_rp_ids(
    policy: &Policy,
    samples: &[Option<Sample>],
    rp_ids: &RpIdIndex<'_>,
    psl: &PublicSuffixList,
    out: &mut Findings,
) {
    let suffixes: Vec<&str> = policy
        .rp_ids
        .iter()
        .filter(|id| psl.public_suffix(id).is_some_and(|s| s.len() == id.len()))
        .map(String::as_str)
        .collect();
    if suffixes.is_empty() {
        return;
    }
    let wanted: HashSet<&str> = suffixes.iter().copied().collect();
    // Per profile, the suffix RP IDs some origin of the policy may claim there.
    let claimed: Vec<HashSet<&str>> = Profile::ALL
        .iter()
        .map(|profile| {
            samples
                .iter()
                .flatten()
                .flat_map(|s| {
                    rp_ids
                        .candidates(&s.host)
                        .filter(|id| wanted.contains(id) && accepts(&s.origin, id, profile, psl))
                        .collect::<Vec<_>>()
                })
                .collect()
        })
        .collect();
    for id in suffixes {
        let refusing: Vec<ProfileId> = Profile::ALL
            .iter()
            .zip(&claimed)
            .filter(|(_, ids)| !ids.contains(id))
            .map(|(p, _)| p.id)
            .collect();
        if refusing.is_empty() {
            continue;
        }
        let (message, fix) = if id.trim_end_matches('.').eq_ignore_ascii_case("localhost") {
            (
                format!("the RP ID `{id}` is a public suffix that only a page on `localhost` itself may claim, and no origin of the policy is one{}", under(&refusing)),
                "for development, list `http://localhost:<port>`; for a deployed site, use its registrable domain (e.g. `example.com`) as the RP ID".into(),
            )
        } else if refusing.len() == Profile::ALL.len() {
            (
                format!(
                    "the RP ID `{id}` is a public suffix: browsers refuse to let any page claim it"
                ),
                format!(
                    "use your registrable domain under `{id}` (e.g. `yourname.{id}`) as the RP ID"
                ),
            )
        } else {
            (
                format!("the RP ID `{id}` is a public suffix, and no origin of the policy may claim it{}", under(&refusing)),
                format!("use your registrable domain under `{id}` (e.g. `yourname.{id}`) as the RP ID"),
            )
        };
        out.add(LintCode::RpIdPublicSuffix, message, fix);
    }
}

/// ` under the chromium profile`, ` under the spec and firefox profiles`, or
/// nothing when every profile is named.
fn under(profiles: &[ProfileId]) -> String {
    if profiles.is_empty() || profiles.len() == ProfileId::ALL.len() {
        return String::new();
    }
    format!(" under {}", the_profiles(profiles))
}

/// `the chromium profile`, `the spec and firefox profiles`.
fn the_profiles(profiles: &[ProfileId]) -> String {
    let names: Vec<&str> = profiles.iter().map(|p| p.as_str()).collect();
    match names.as_slice() {
        [init @ .., last] if !init.is_empty() => {
            format!("the {} and {last} profiles", init.join(", "))
        }
        _ => format!("the {} profile", names.join("")),
    }
}

/// App origins: Android's `android:apk-key-hash:…`, `ios:…`, browser extensions.
const APP_SCHEMES: &[&str] = &[
    "android",
    "ios",
    "chrome-extension",
    "moz-extension",
    "safari-web-extension",
];

fn check_app_origin(text: &str, psl: &PublicSuffixList, out: &mut Findings) {
    let web = web_origin_for(text, psl);
    let write_web = |what: &str| match &web {
        Some(origin) => format!("if it is {what}, write `{origin}`"),
        None => format!("if it is {what}, write it as `https://host[:port]`"),
    };
    match text.split_once(':') {
        None => out.add(
            LintCode::AppOriginWithoutScheme,
            format!("`{text}` has no scheme, so it is matched as an app origin, exactly; no browser sends it as an origin"),
            write_web("a web origin"),
        ),
        Some((scheme, rest)) if !APP_SCHEMES.contains(&scheme) => {
            if is_host(scheme) && !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
                // `example.com:8443`: a host and port without a scheme.
                out.add(
                    LintCode::AppOriginWithoutScheme,
                    format!("`{text}` has no scheme, so it is matched as an app origin, exactly; no browser sends it as an origin"),
                    write_web("a web origin"),
                );
            } else {
                out.add(
                    LintCode::OriginUnknownScheme,
                    format!("`{text}` has the scheme `{scheme}`, which no browser sends for WebAuthn (web origins are https, or http on localhost; `*` is no scheme): it is matched as an exact app string and never matches a browser's origin"),
                    write_web("meant as a web origin"),
                );
            }
        }
        Some(_) => {}
    }
    if let Some(hash) = text.strip_prefix("android:apk-key-hash:") {
        let base64url = hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if hash.len() != 43 || !base64url {
            out.add(LintCode::ApkKeyHashShape,
                format!("`{text}`: Android sends the SHA-256 of the signing certificate as 43 unpadded base64url characters; this one is {} characters{}", hash.len(), if base64url { "" } else { " and not base64url" }),
                "copy the value from a real assertion's clientDataJSON.origin, or compute base64url(sha256(cert)) without `=` padding".into(),
            );
        }
    }
}

/// Whether `text` reads as a host name (`example.com`, `localhost`) rather than a scheme.
fn is_host(text: &str) -> bool {
    text.eq_ignore_ascii_case("localhost")
        || (text.contains('.')
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'))
}

/// The https origin an entry without a usable scheme probably means
/// (`login.example.com`, `https//example.com`, `*://example.com`,
/// `ftp://example.com`), when that origin is a valid pattern; `None` otherwise.
fn web_origin_for(text: &str, psl: &PublicSuffixList) -> Option<String> {
    let typo = ["https//", "http//", "//"].iter().find_map(|p| {
        text.get(..p.len())
            .filter(|head| head.eq_ignore_ascii_case(p))
            .map(|_| &text[p.len()..])
    });
    let rest = match (text.split_once("://"), typo, text.split_once(':')) {
        (Some((_, rest)), _, _) => rest,
        (None, Some(rest), _) => rest,
        // `example.com:8443` is a host and port; `wss:x` means nothing on the web.
        (None, None, Some((host, port)))
            if is_host(host) && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            text
        }
        (None, None, Some(_)) => return None,
        (None, None, None) => text,
    };
    let rest = rest.trim_start_matches('/');
    if rest.is_empty() || rest.contains("://") {
        return None;
    }
    match Pattern::parse(&format!("https://{rest}"), psl) {
        Ok(p @ Pattern::Web { .. }) => Some(p.to_string()),
        _ => None,
    }
}

/// An origin of the policy that only the related-origins document can admit.
struct Needy {
    /// The pattern's normal form, for messages.
    normal: String,
    /// The origin a browser compares with the document's entries.
    origin: Origin,
}

/// How a profile's client reads the document, or why it cannot use it at all.
enum Reading {
    /// The response or the document fails for every caller.
    Unusable(RelatedOriginsFailure),
    /// Which entries the client admits.
    Index(EntryIndex),
}

/// The related-origins procedure run once over the document for every caller:
/// until a caller's entry, the procedure does the same whatever the caller, so
/// one pass says which entries are admitted, and each caller is one lookup.
/// (A unit test holds this to [`validate_related_origins`].)
struct EntryIndex {
    /// Each origin's first entry, and whether it was admitted (not skipped at the label limit).
    first: HashMap<Origin, (usize, bool)>,
    /// An entry was skipped at the label limit.
    hit_limit: bool,
    /// A labelled entry lay beyond the profile's candidate limit: the walk stopped there.
    candidate_limit: Option<usize>,
    /// The first non-string entry (where a profile that fails when it reaches one stops).
    non_string: Option<usize>,
    /// Label slots filled at the end.
    labels: usize,
}

impl EntryIndex {
    fn new(
        entries: &[serde_json::Value],
        rules: &RelatedOriginsRules,
        psl: &PublicSuffixList,
    ) -> Self {
        let mut index = EntryIndex {
            first: HashMap::new(),
            hit_limit: false,
            candidate_limit: None,
            non_string: None,
            labels: 0,
        };
        let mut known: HashSet<String> = HashSet::new();
        let mut examined = 0usize;
        for (i, entry) in entries.iter().enumerate() {
            let Some(text) = entry.as_str() else {
                index.non_string = Some(i);
                break;
            };
            let Ok(url) = Url::parse(text) else { continue };
            let Some(label) = registrable_origin_label(&url, psl) else {
                continue;
            };
            if let Some(max) = rules.max_candidates {
                if examined >= max {
                    index.candidate_limit = Some(max);
                    break;
                }
                examined += 1;
            }
            let full = index.labels >= rules.max_labels;
            let is_known = known.contains(label);
            if full && !is_known {
                index.hit_limit = true;
                index.first.entry(url.origin()).or_insert((i, false));
                continue;
            }
            index.first.entry(url.origin()).or_insert((i, true));
            let counts = match rules.label_counting {
                LabelCounting::DistinctLabels => !is_known,
                LabelCounting::EveryEntry => !full,
            };
            if counts {
                index.labels += 1;
                known.insert(label.to_owned());
            }
        }
        index
    }

    /// What the procedure decides for `caller`.
    fn judge(&self, caller: &Origin, max_labels: usize) -> Result<usize, RelatedOriginsFailure> {
        match (self.first.get(caller), self.non_string) {
            (Some(&(i, true)), _) => Ok(i),
            (_, Some(i)) => Err(RelatedOriginsFailure::BadJson(format!(
                "`origins[{i}]` is not a string"
            ))),
            (Some(_), None) => Err(RelatedOriginsFailure::LabelLimit { max_labels }),
            (None, None) => Err(match self.candidate_limit {
                Some(max_candidates) => RelatedOriginsFailure::CandidateLimit { max_candidates },
                None if self.hit_limit => RelatedOriginsFailure::LabelLimit { max_labels },
                None => RelatedOriginsFailure::NoMatch {
                    labels: self.labels,
                },
            }),
        }
    }
}

fn reading(
    needy: &Needy,
    response: &WellKnownResponse<'_>,
    entries: &Result<Vec<serde_json::Value>, RelatedOriginsFailure>,
    rules: &RelatedOriginsRules,
    psl: &PublicSuffixList,
) -> Reading {
    // Status, content type, size and the document's shape do not depend on the
    // caller: the first origin stands for all.
    match (
        validate_related_origins(&needy.origin, response, rules, psl),
        entries,
    ) {
        (
            Err(
                f @ (RelatedOriginsFailure::BadStatus(_)
                | RelatedOriginsFailure::BadContentType
                | RelatedOriginsFailure::TooLarge(..)
                | RelatedOriginsFailure::BadRedirect(..)),
            ),
            _,
        ) => Reading::Unusable(f),
        (Err(f @ RelatedOriginsFailure::BadJson(_)), Err(_)) => Reading::Unusable(f),
        (Err(f @ RelatedOriginsFailure::BadJson(_)), Ok(_))
            if rules.non_string_entry == NonStringEntry::FailsDocument =>
        {
            Reading::Unusable(f)
        }
        (_, Ok(entries)) => Reading::Index(EntryIndex::new(entries, rules, psl)),
        (_, Err(f)) => Reading::Unusable(f.clone()),
    }
}

/// The document under every profile: once for what fails every caller, then
/// once per origin that needs it.
fn check_related_origins(
    needy: &[Needy],
    response: &WellKnownResponse<'_>,
    entries: &Result<Vec<serde_json::Value>, RelatedOriginsFailure>,
    first: &str,
    psl: &PublicSuffixList,
    out: &mut Findings,
) {
    // Status, content type, size and shape do not depend on the caller, so a
    // document no origin of the policy needs is still judged under every profile
    // (its own entries rely on it), with a stand-in caller.
    let stand_in;
    let probe = match needy.first() {
        Some(probe) => probe,
        None => {
            let Ok(url) = Url::parse("https://caller.invalid") else {
                return;
            };
            stand_in = Needy {
                normal: String::new(),
                origin: url.origin(),
            };
            &stand_in
        }
    };
    let url = format!("https://{first}/.well-known/webauthn");
    let readings: Vec<(ProfileId, usize, Reading)> = Profile::ALL
        .iter()
        .map(|p| {
            let rules = &p.related_origins;
            (
                p.id,
                rules.max_labels,
                reading(probe, response, entries, rules, psl),
            )
        })
        .collect();
    // What fails every caller, once per kind, with the profiles it fails under.
    let mut unusable: Vec<(RelatedOriginsFailure, Vec<ProfileId>)> = Vec::new();
    for (id, _, r) in &readings {
        if let Reading::Unusable(f) = r {
            match unusable.iter_mut().find(|(g, _)| g == f) {
                Some((_, ids)) => ids.push(*id),
                None => unusable.push((f.clone(), vec![*id])),
            }
        }
    }
    for (failure, ids) in &unusable {
        let who = under(ids);
        let (code, message, fix) = match failure {
            RelatedOriginsFailure::TooLarge(len, cap) => (
                LintCode::RelatedOriginsTooLarge,
                format!("{url} is {len} bytes, over the {cap}-byte cap{who}: the browser stops reading and refuses every origin that needs the document"),
                format!("keep the document under {cap} bytes: list only the origins that need it"),
            ),
            RelatedOriginsFailure::BadStatus(status) => (
                LintCode::RelatedOriginsBadStatus,
                format!("{url} is served with status {status}, which is not accepted{who}"),
                "serve it with status 200".into(),
            ),
            RelatedOriginsFailure::BadContentType => (
                LintCode::RelatedOriginsBadContentType,
                format!("{url} is served with Content-Type `{}`, which is not taken for JSON{who}", response.content_type),
                "serve it with `Content-Type: application/json`".into(),
            ),
            RelatedOriginsFailure::BadJson(why) => (
                LintCode::RelatedOriginsBadJson,
                format!("{url} is not a valid document{who}: {why}"),
                "serve `{\"origins\": [\"https://…\", …]}` with Content-Type application/json".into(),
            ),
            // Not produced: the lint gives no redirects, and only failures that
            // do not depend on the caller are `Unusable`.
            _ => continue,
        };
        out.add(code, message, fix);
    }
    for origin in needy {
        let mut failures: Vec<(LintCode, RelatedOriginsFailure, Vec<ProfileId>)> = Vec::new();
        for (id, max_labels, r) in &readings {
            let Reading::Index(index) = r else { continue };
            let Err(failure) = index.judge(&origin.origin, *max_labels) else {
                continue;
            };
            let code = match failure {
                RelatedOriginsFailure::LabelLimit { .. } => LintCode::RelatedOriginsLabelLimit,
                RelatedOriginsFailure::CandidateLimit { .. } => {
                    LintCode::RelatedOriginsCandidateLimit
                }
                RelatedOriginsFailure::BadJson(_) => LintCode::RelatedOriginsBadJson,
                _ => LintCode::RelatedOriginsMissingOrigin,
            };
            match failures
                .iter_mut()
                .find(|(c, f, _)| *c == code && *f == failure)
            {
                Some((_, _, ids)) => ids.push(*id),
                None => failures.push((code, failure, vec![*id])),
            }
        }
        let normal = &origin.normal;
        for (code, failure, ids) in failures {
            let who = under(&ids);
            let (message, fix) = match failure {
                RelatedOriginsFailure::LabelLimit { max_labels } => (
                    format!("`{normal}` is listed in {url}, but after {max_labels} other registrable-domain labels{who}: browsers skip it"),
                    format!("move `{normal}` before the other entries, or cut the document to {max_labels} distinct labels"),
                ),
                RelatedOriginsFailure::CandidateLimit { max_candidates } => (
                    format!("`{normal}` is listed in {url}, but after {max_candidates} other entries with a registrable-domain label{who}: the browser stops looking before it"),
                    format!("move `{normal}` among the first {max_candidates} entries, or cut the document to the origins that need it"),
                ),
                RelatedOriginsFailure::BadJson(why) => (
                    format!("{url} is not a valid document{who}: {why}"),
                    "serve `{\"origins\": [\"https://…\", …]}` with Content-Type application/json".into(),
                ),
                _ => (
                    format!("`{normal}` is not inside any RP ID of the policy, and {url} does not list it{who}: browsers will refuse every ceremony there"),
                    format!("add `{normal}` to the `origins` array of {url}"),
                ),
            };
            out.add(code, message, fix);
        }
    }
}

/// The lint code a mobile-file problem is reported under.
pub fn mobile_code(problem: &Problem) -> LintCode {
    use MobileFile::{Aasa, AssetLinks};
    match problem {
        Problem::Redirected {
            file: AssetLinks, ..
        } => LintCode::AssetlinksRedirected,
        Problem::Redirected { file: Aasa, .. } => LintCode::AasaRedirected,
        Problem::BadStatus {
            file: AssetLinks, ..
        } => LintCode::AssetlinksBadStatus,
        Problem::BadStatus { file: Aasa, .. } => LintCode::AasaBadStatus,
        Problem::TooLarge {
            file: AssetLinks, ..
        } => LintCode::AssetlinksTooLarge,
        Problem::TooLarge { file: Aasa, .. } => LintCode::AasaTooLarge,
        Problem::Html {
            file: AssetLinks, ..
        } => LintCode::AssetlinksBadJson,
        Problem::Html { file: Aasa, .. } => LintCode::AasaHtml,
        Problem::BadContentType {
            file: AssetLinks, ..
        } => LintCode::AssetlinksBadContentType,
        Problem::BadContentType { file: Aasa, .. } => LintCode::AasaBadContentType,
        Problem::NotJson {
            file: AssetLinks, ..
        }
        | Problem::BadShape {
            file: AssetLinks, ..
        } => LintCode::AssetlinksBadJson,
        Problem::NotJson { file: Aasa, .. } | Problem::BadShape { file: Aasa, .. } => {
            LintCode::AasaBadJson
        }
        Problem::NoLoginCreds { .. } => LintCode::AssetlinksNoGetLoginCreds,
        Problem::BadFingerprint { .. } => LintCode::AssetlinksBadFingerprint,
        Problem::AppOriginNotInPolicy { .. } => LintCode::AssetlinksOriginNotInPolicy,
        Problem::AppOriginNotInFile { .. } => LintCode::AppOriginNotInAssetlinks,
        Problem::NoWebCredentials { .. } => LintCode::AasaNoWebcredentials,
        Problem::BadAppId { .. } => LintCode::AasaBadAppId,
        Problem::RpIdOriginNotAllowed { .. } => LintCode::AasaRpIdOriginNotAllowed,
        Problem::Unlisted { like, .. } => mobile_code(like),
    }
}

/// A mobile-file problem as a lint finding; `host` (the RP ID the file is
/// served at) turns the file's path into its URL in the message.
///
/// ```
/// use rpscope_core::mobile::{assetlinks, Served};
/// use rpscope_core::server::lint::{mobile_finding, LintCode};
/// let file = assetlinks::read(&Served::file(b"[]"));
/// let finding = mobile_finding(&file.problems[0], Some("example.com"));
/// assert_eq!(finding.code, LintCode::AssetlinksNoGetLoginCreds);
/// assert!(finding.message.starts_with("https://example.com/.well-known/assetlinks.json has no"));
/// ```
pub fn mobile_finding(problem: &Problem, host: Option<&str>) -> Finding {
    let code = mobile_code(problem);
    let mut message = problem.to_string();
    let mut fix = problem.fix();
    if let Some(host) = host {
        let path = problem.file().path();
        let url = format!("https://{host}{path}");
        message = message.replacen(path, &url, 1);
        fix = fix.replacen(path, &url, 1);
    }
    Finding {
        severity: code.severity(),
        code,
        message,
        fix,
    }
}

/// `--assetlinks` and `--aasa`: each file on its own, then against the policy.
fn check_mobile(
    policy: &Policy,
    compiled: Option<&CompiledPolicy>,
    deployment: &Deployment<'_>,
    out: &mut Findings,
) {
    let host = policy.rp_ids.first().map(String::as_str);
    let mut problems: Vec<Problem> = Vec::new();
    if let Some(served) = &deployment.assetlinks {
        let file = assetlinks::read(served);
        problems.extend(file.problems.iter().cloned());
        problems.extend(file.compare(&policy.origins));
    }
    if let Some(served) = &deployment.aasa {
        let file = aasa::read(served);
        problems.extend(file.problems.iter().cloned());
        if let (Some(rp_id), Some(compiled)) = (host, compiled) {
            problems.extend(file.compare(rp_id, compiled));
        }
    }
    for problem in &problems {
        let f = mobile_finding(problem, host);
        out.add(f.code, f.message, f.fix);
    }
}

/// `--previous`: RP IDs the new configuration drops strand every passkey
/// registered under them; origins it drops stop working.
///
/// Sources: passkeydeveloper/passkeys.dev#452 (changing the RP ID strands every
/// passkey), w3c/webauthn#2350 (no way to move credentials to another RP ID);
/// WebAuthn L3 §6.1 (a credential is scoped to the RP ID it was created for).
fn check_previous(policy: &Policy, previous: &Policy, psl: &PublicSuffixList, out: &mut Findings) {
    let canonical = |id: &str| match url::Host::parse(id) {
        Ok(url::Host::Domain(host)) => host.trim_end_matches('.').to_owned(),
        _ => id.to_ascii_lowercase(),
    };
    let now: HashSet<String> = policy.rp_ids.iter().map(|id| canonical(id)).collect();
    let new_list = if policy.rp_ids.is_empty() {
        "none".to_owned()
    } else {
        policy.rp_ids.join(", ")
    };
    for old in &previous.rp_ids {
        if now.contains(&canonical(old)) {
            continue;
        }
        out.add(LintCode::RpIdChanged,
            format!("the previous configuration's RP ID `{old}` is gone (now: {new_list}): a passkey is bound to the RP ID it was created for, so every passkey registered under `{old}` can no longer sign in (passkeydeveloper/passkeys.dev#452, w3c/webauthn#2350)"),
            format!("keep `{old}` in `rp_ids` (new domains can use it through https://{old}/.well-known/webauthn), or plan a migration: sign users in another way and register new passkeys under the new RP ID"),
        );
    }
    let normal = |text: &str| match Pattern::parse(text, psl) {
        Ok(p) => p.to_string(),
        Err(_) => text.to_owned(),
    };
    let kept: HashSet<String> = policy.origins.iter().map(|o| normal(o)).collect();
    let dropped: Vec<String> = previous
        .origins
        .iter()
        .map(|o| normal(o))
        .filter(|o| !kept.contains(o))
        .collect();
    for origin in dropped.iter().take(MAX_LISTED) {
        out.add(LintCode::OriginsDropped,
            format!("`{origin}` was admitted by the previous configuration and is not any more: ceremonies there will fail the origin check"),
            format!("add `{origin}` back to `origins` if users still reach the RP there"),
        );
    }
    if dropped.len() > MAX_LISTED {
        out.add(LintCode::OriginsDropped,
            format!("{} more origins of the previous configuration are not admitted any more (not listed)", dropped.len() - MAX_LISTED),
            "compare the two `origins` lists".into(),
        );
    }
}

fn check_served(url: &str, compiled: &CompiledPolicy, out: &mut Findings) {
    let Ok(parsed) = url::Url::parse(url) else {
        out.add(
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
        out.add(LintCode::PortNotConfigured,
            format!("users reach the RP at `{origin}`, but the policy lists `{}` only with another port: browsers put the port into clientDataJSON.origin, so every ceremony there fails the origin check", default),
            format!("add `{origin}` to `origins` (or `{default}:*` to admit any port on that host)"),
        );
    } else {
        out.add(
            LintCode::ServedOriginNotAllowed,
            format!(
                "users reach the RP at `{origin}`, which no origin pattern of the policy admits"
            ),
            format!("add `{origin}` to `origins`"),
        );
    }
}

/// How many labels a message lists before `… and N more`.
const LISTED_LABELS: usize = 8;

/// `related-origins-over-label-limit`: label slots counted as each profile
/// counts them, in one pass (a set of the labels seen).
fn check_label_counts(
    entries: &[serde_json::Value],
    first: &str,
    psl: &PublicSuffixList,
    out: &mut Findings,
) {
    // The same reading as the related-origins procedure: strings that parse as
    // URLs with a registrable-domain label.
    let mut labels: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut labelled_entries = 0usize;
    for entry in entries.iter().filter_map(|e| e.as_str()) {
        let Ok(url) = Url::parse(entry) else {
            continue;
        };
        let Some(label) = registrable_origin_label(&url, psl) else {
            continue;
        };
        labelled_entries += 1;
        if seen.insert(label.to_owned()) {
            labels.push(label.to_owned());
        }
    }
    let url = format!("https://{first}/.well-known/webauthn");
    // Each profile's own limit: every profile whose limit the distinct labels
    // exceed, grouped by limit.
    let mut over: Vec<(usize, Vec<ProfileId>)> = Vec::new();
    for p in Profile::ALL {
        let max = p.related_origins.max_labels;
        if labels.len() > max {
            match over.iter_mut().find(|(m, _)| *m == max) {
                Some((_, ids)) => ids.push(p.id),
                None => over.push((max, vec![p.id])),
            }
        }
    }
    if !over.is_empty() {
        let mut list = labels
            .iter()
            .take(LISTED_LABELS)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        if labels.len() > LISTED_LABELS {
            list.push_str(&format!(", … and {} more", labels.len() - LISTED_LABELS));
        }
        for (max, ids) in &over {
            let who = if ids.len() == Profile::ALL.len() {
                "browsers consider".to_owned()
            } else {
                format!("{} considers", the_profiles(ids))
            };
            out.add(LintCode::RelatedOriginsOverLabelLimit,
                format!("{url} names {} distinct registrable-domain labels ({list}); {who} only the first {max}", labels.len()),
                format!("keep at most {max} labels (brand and country domains that share a label, like example.com and example.co.uk, count once)"),
            );
        }
        return;
    }
    // Profiles that count every entry, not distinct labels, each against its own limit.
    let mut every_entry: Vec<(usize, Vec<ProfileId>)> = Vec::new();
    for p in Profile::ALL {
        let rules = &p.related_origins;
        if rules.label_counting == LabelCounting::EveryEntry && labelled_entries > rules.max_labels
        {
            match every_entry.iter_mut().find(|(m, _)| *m == rules.max_labels) {
                Some((_, ids)) => ids.push(p.id),
                None => every_entry.push((rules.max_labels, vec![p.id])),
            }
        }
    }
    for (max, ids) in &every_entry {
        out.add(LintCode::RelatedOriginsOverLabelLimit,
            format!("{url} has {labelled_entries} entries with a registrable-domain label; {} counts every entry, not distinct labels, and considers only the first {max}", the_profiles(ids)),
            format!("keep at most {max} entries, or put the origins that need the document first"),
        );
    }
}

/// `psl-snapshot-lag`: an RP ID, or a domain above it, that is a public suffix under
/// the current list but not under a built-in profile's snapshot of the list (or the
/// other way round). Under a lagging list the browser lets any page under the domain
/// claim it (tenants of a platform that registered its suffix are not isolated there
/// yet); under a list that still has a removed rule, the browser refuses an RP ID the
/// current list allows.
///
/// [`lint`] takes one list; this takes every snapshot (`rpscope lint` runs both).
/// Empty when one list overrides every snapshot (`--psl FILE`).
///
/// ```
/// use rpscope_core::server::{lint::lint_snapshots, Policy};
/// use rpscope_core::PslSnapshots;
/// let policy = Policy { rp_ids: vec!["example.com".into()], origins: vec!["https://example.com".into()], ..Policy::default() };
/// assert!(lint_snapshots(&policy, &PslSnapshots::builtin()).is_empty());
/// ```
pub fn lint_snapshots(policy: &Policy, lists: &crate::psl::PslSnapshots) -> Vec<Finding> {
    let mut out = Findings::default();
    if lists.is_overridden() {
        return out.list;
    }
    for id in &policy.rp_ids {
        for profile in Profile::ALL {
            let Some(lag) = lists.lag(profile.psl, id) else {
                continue;
            };
            let owner = profile.psl.owner();
            let (message, fix) = if lag.suffix_in_snapshot {
                (
                    format!(
                        "{lag}; under the `{}` profile no page may claim `{}`, so the RP ID `{id}` fails there while the current list allows it",
                        profile.id, lag.domain
                    ),
                    format!("until {owner} catches up, use an RP ID that is registrable under both lists, or expect ceremonies at `{id}` to fail in that browser"),
                )
            } else if lag.domain == id.trim_end_matches('.') {
                (
                    format!(
                        "{lag}; under the `{}` profile every page under `{id}` may claim the RP ID `{id}`, so its credentials are not isolated from other sites under it in that browser",
                        profile.id
                    ),
                    format!("until {owner} has the rule, do not rely on the browser's RP ID check alone: verify the exact origins server-side (`rpscope verify`), or use a registrable domain under `{id}` as the RP ID"),
                )
            } else {
                (
                    format!(
                        "{lag}; under the `{}` profile any other site under `{}` may claim `{}` as its RP ID, so the RP ID `{id}` is not isolated from its neighbours in that browser",
                        profile.id, lag.domain, lag.domain
                    ),
                    format!("until {owner} has the rule, verify the exact origins server-side (`rpscope verify`) and do not share credentials across `{}`", lag.domain),
                )
            };
            out.add(LintCode::PslSnapshotLag, message, fix);
        }
    }
    out.list
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn psl() -> &'static PublicSuffixList {
        static PSL: OnceLock<PublicSuffixList> = OnceLock::new();
        PSL.get_or_init(PublicSuffixList::vendored)
    }

    /// Entries over few labels (so limits are reached), repeats, non-strings,
    /// unparsable URLs, IP and public-suffix hosts.
    fn entry() -> impl Strategy<Value = serde_json::Value> {
        let urls = vec![
            "https://a.com",
            "https://a.co.uk",
            "https://www.a.com",
            "https://b.com",
            "https://c.com",
            "https://d.com",
            "https://e.com",
            "https://f.com",
            "https://g.net",
            "https://b.com:8443",
            "http://b.com",
            "https://10.0.0.1",
            "https://github.io",
            "not a url",
        ];
        prop_oneof![
            12 => prop::sample::select(urls).prop_map(serde_json::Value::from),
            1 => Just(serde_json::Value::from(7)),
            1 => Just(serde_json::Value::Null),
        ]
    }

    /// `n` entries before the generated ones: distinct origins over the one label
    /// `a` (each a candidate, one label slot) and, every seventh, an IP host (no
    /// label, so no candidate): documents past WebKit's `maxCandidates` of 100.
    fn filler_entries(n: usize) -> Vec<serde_json::Value> {
        (0..n)
            .map(|i| {
                if i % 7 == 6 {
                    serde_json::Value::from(format!("https://10.0.0.{i}"))
                } else {
                    serde_json::Value::from(format!("https://p{i}.a.com"))
                }
            })
            .collect()
    }

    fn caller() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            // Filler entries: p115 is the 100th candidate (WebKit examines it),
            // p116 the 101st (WebKit stops before it).
            "https://p99.a.com",
            "https://p115.a.com",
            "https://p116.a.com",
            "https://a.com",
            "https://a.co.uk",
            "https://b.com",
            "https://b.com:8443",
            "https://e.com",
            "https://f.com",
            "https://g.net",
            "https://h.org",
        ])
    }

    proptest! {
        /// One pass over the document decides every caller exactly as the
        /// related-origins procedure run for that caller, under every profile.
        #[test]
        fn the_entry_index_decides_as_the_procedure(
            filler in prop_oneof![Just(0usize), 95usize..106, 0usize..140],
            tail in prop::collection::vec(entry(), 0..12),
            callers in prop::collection::vec(caller(), 1..4),
        ) {
            // A labelled prefix long enough to reach WebKit's 100 candidates.
            let mut entries = filler_entries(filler);
            entries.extend(tail);
            let body = serde_json::json!({ "origins": entries }).to_string();
            let response = WellKnownResponse {
                status: 200,
                content_type: "application/json",
                body: body.as_bytes(),
                redirects: &[],
            };
            let parsed = parse_document(body.as_bytes());
            for profile in Profile::ALL {
                let rules = &profile.related_origins;
                for caller in &callers {
                    let origin = Url::parse(caller).unwrap().origin();
                    let expected = validate_related_origins(&origin, &response, rules, psl());
                    let needy = Needy { normal: caller.to_string(), origin: origin.clone() };
                    match reading(&needy, &response, &parsed, rules, psl()) {
                        Reading::Index(index) => prop_assert_eq!(
                            index.judge(&origin, rules.max_labels),
                            expected,
                            "{} {}", profile.name(), body
                        ),
                        Reading::Unusable(failure) => prop_assert_eq!(Err(failure), expected),
                    }
                }
            }
        }
    }

    #[test]
    fn suggested_web_origins_are_valid_and_never_doubled() {
        for (text, want) in [
            ("login.example.com", Some("https://login.example.com")),
            ("https//example.com", Some("https://example.com")),
            ("HTTPS//example.com/", Some("https://example.com")),
            ("http//example.com", Some("https://example.com")),
            ("//example.com", Some("https://example.com")),
            ("*://example.com", Some("https://example.com")),
            ("*://*.example.com", Some("https://*.example.com")),
            (
                "ftp://files.example.com:2121",
                Some("https://files.example.com:2121"),
            ),
            ("example.com:8443", Some("https://example.com:8443")),
            ("https//https//example.com", None),
            ("https://", None),
            ("wss:", None),
            ("no spaces allowed", None),
        ] {
            assert_eq!(web_origin_for(text, psl()).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn profile_lists_read_as_english() {
        use ProfileId::*;
        assert_eq!(under(&[Chromium]), " under the chromium profile");
        assert_eq!(
            under(&[Spec, Firefox]),
            " under the spec and firefox profiles"
        );
        assert_eq!(
            under(&[Spec, Chromium, Firefox]),
            " under the spec, chromium and firefox profiles"
        );
        assert_eq!(under(ProfileId::ALL), "");
        assert_eq!(under(&[]), "");
    }
}
