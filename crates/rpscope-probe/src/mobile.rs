//! The association files judged: a fetched `assetlinks.json` or
//! `apple-app-site-association` handed to the core's mobile readers
//! ([`rpscope_core::mobile`]), and what they found, ready to print.
//!
//! The fetch is the platform's (no redirect followed, the file's cap plus one
//! byte read); the reading and every finding are the core's, the same as
//! `rpscope lint --assetlinks/--aasa` gives for a local file (docs/mobile.md).

use crate::fetch::FetchRecord;
use rpscope_core::mobile::{aasa, assetlinks, Problem, Served};
use rpscope_core::server::lint::{mobile_finding, Severity};
use rpscope_core::server::{CompiledPolicy, Policy};
use schemars::JsonSchema;
use serde::Serialize;

/// The response a fetch record stands for, as the mobile readers take it; `None`
/// when the fetch failed (no response to read).
///
/// The redirects are the URLs the fetch was sent to (the one not followed
/// included); a body read to its cap plus one byte carries its declared
/// `Content-Length` (or the bytes read) as its length, so the reader refuses it
/// as too large without reading more.
///
/// ```
/// # use rpscope_probe::mobile::served;
/// # fn f(record: &rpscope_probe::FetchRecord) {
/// if let Some(served) = served(record) {
///     let file = rpscope_core::mobile::assetlinks::read(&served);
/// }
/// # }
/// ```
pub fn served(record: &FetchRecord) -> Option<Served<'_>> {
    if record.error.is_some() {
        return None;
    }
    Some(Served {
        status: record.status?,
        content_type: record.content_type.as_deref().unwrap_or(""),
        body: &record.body,
        redirects: record.redirects(),
        length: record
            .truncated
            .then(|| record.content_length.unwrap_or(record.bytes as u64)),
    })
}

/// One finding about an association file, as `rpscope lint` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct MobileFinding {
    /// The stable lint code (docs/lint.md), e.g. `assetlinks-no-get-login-creds`.
    pub code: String,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// What goes wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl MobileFinding {
    fn new(problem: &Problem, host: &str) -> MobileFinding {
        let f = mobile_finding(problem, Some(host));
        MobileFinding {
            code: f.code.to_string(),
            severity: match f.severity {
                Severity::Error => "error",
                _ => "warning",
            },
            message: f.message,
            fix: f.fix,
        }
    }

    /// Whether the finding is an error (a platform refuses the file or the login).
    pub fn is_error(&self) -> bool {
        self.severity == "error"
    }
}

/// One `android_app` statement of `assetlinks.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct AndroidAppEntry {
    /// `target.package_name`.
    pub package_name: String,
    /// Whether `relation` holds `delegate_permission/common.get_login_creds`.
    pub login_creds: bool,
    /// Whether `relation` holds `delegate_permission/common.handle_all_urls`.
    pub handle_all_urls: bool,
    /// The `android:apk-key-hash:` origin of each well-formed fingerprint.
    pub origins: Vec<String>,
}

/// What the readers made of an association file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Reading {
    /// Whether the body was read as the file's JSON at all.
    pub readable: bool,
    /// Android: every `android_app` statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apps: Option<Vec<AndroidAppEntry>>,
    /// Android: the origins of apps that may use the site's credentials
    /// (statements with `get_login_creds`), each once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_origins: Option<Vec<String>>,
    /// iOS: the well-formed `webcredentials.apps` entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webcredentials_apps: Option<Vec<String>>,
    /// The comparison with the policy (with `--policy`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyCheck>,
    /// Every problem, in the order found.
    pub findings: Vec<MobileFinding>,
}

impl Reading {
    /// Whether a finding is an error.
    pub fn has_error(&self) -> bool {
        self.findings.iter().any(MobileFinding::is_error)
    }
}

/// The file against the policy's origins.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PolicyCheck {
    /// Android: login origins of the file the policy lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admitted: Option<Vec<String>>,
    /// Android: login origins of the file the policy lacks (the app's
    /// `clientDataJSON.origin` would be refused).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_in_policy: Option<Vec<String>>,
    /// Android: `android:apk-key-hash:` origins of the policy the file does not
    /// declare (that app gets no passkey).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_in_file: Option<Vec<String>>,
    /// iOS: the origin iOS apps present, `https://<rp_id>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rp_id_origin: Option<String>,
    /// iOS: whether the policy admits it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rp_id_origin_admitted: Option<bool>,
}

/// The policy a probe compares the files with.
#[derive(Debug, Clone, Copy)]
pub struct PolicyRef<'a> {
    /// The policy as written (its `origins`, compared exactly for Android).
    pub policy: &'a Policy,
    /// The same, compiled (its origin patterns, for the iOS origin).
    pub compiled: &'a CompiledPolicy,
}

/// Reads a fetched `assetlinks.json`; `None` when the fetch failed.
pub fn read_assetlinks(
    record: &FetchRecord,
    host: &str,
    policy: Option<PolicyRef<'_>>,
) -> Option<Reading> {
    let served = served(record)?;
    let file = assetlinks::read(&served);
    let login_origins: Vec<String> = file.login_origins().collect();
    let mut problems = file.problems.clone();
    let check = policy.map(|p| {
        problems.extend(file.compare(&p.policy.origins));
        let listed = |o: &String| p.policy.origins.contains(o);
        let (admitted, not_in_policy): (Vec<String>, Vec<String>) =
            login_origins.iter().cloned().partition(listed);
        let not_in_file = p
            .policy
            .origins
            .iter()
            .filter(|o| o.starts_with("android:apk-key-hash:") && !login_origins.contains(o))
            .cloned()
            .collect();
        PolicyCheck {
            admitted: Some(admitted),
            not_in_policy: Some(not_in_policy),
            not_in_file: Some(not_in_file),
            ..PolicyCheck::default()
        }
    });
    let apps = file
        .apps
        .iter()
        .map(|a| AndroidAppEntry {
            package_name: a.package_name.clone(),
            login_creds: a.login_creds,
            handle_all_urls: a.handle_all_urls,
            origins: a.origins().collect(),
        })
        .collect();
    Some(Reading {
        readable: file.readable,
        apps: Some(apps),
        login_origins: Some(login_origins),
        webcredentials_apps: None,
        policy: check,
        findings: problems
            .iter()
            .map(|p| MobileFinding::new(p, host))
            .collect(),
    })
}

/// Reads a fetched `apple-app-site-association`; `None` when the fetch failed.
pub fn read_aasa(
    record: &FetchRecord,
    host: &str,
    policy: Option<PolicyRef<'_>>,
) -> Option<Reading> {
    let served = served(record)?;
    let file = aasa::read(&served);
    let mut problems = file.problems.clone();
    let check = policy.map(|p| {
        let more = file.compare(host, p.compiled);
        let refused = more
            .iter()
            .any(|m| matches!(m, Problem::RpIdOriginNotAllowed { .. }));
        problems.extend(more);
        PolicyCheck {
            rp_id_origin: Some(format!("https://{host}")),
            // Without declared apps there is nothing to check (`compare` is silent).
            rp_id_origin_admitted: (!file.apps.is_empty()).then_some(!refused),
            ..PolicyCheck::default()
        }
    });
    Some(Reading {
        readable: file.readable,
        apps: None,
        login_origins: None,
        webcredentials_apps: Some(file.apps.clone()),
        policy: check,
        findings: problems
            .iter()
            .map(|p| MobileFinding::new(p, host))
            .collect(),
    })
}
