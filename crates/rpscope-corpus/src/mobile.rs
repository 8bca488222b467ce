//! Mobile association file cases: `corpus/mobile/<topic>.toml`.
//!
//! A case is a served `assetlinks.json` or `apple-app-site-association` (status,
//! content type, redirects, body, a declared length), an RP policy, and what
//! `rpscope lint` must report for them: the set of lint codes, optionally how many
//! findings, and for `assetlinks.json` the `android:apk-key-hash:` origins the file
//! lets use the RP's credentials, in order. [`run_case`] judges the built-in core.
//!
//! Bodies too large or too hostile to write out (100,000 entries, 100,000 levels
//! of nesting) are generated from a `[case.served.generate]` table; bytes that are
//! not UTF-8 are given as `body_base64`. Both are bounded: [`MAX_GENERATED_BYTES`].
//!
//! ```toml
//! file = "assetlinks"
//! description = "…"
//!
//! [[case]]
//! id = "mobile-assetlinks::handle-all-urls-only"
//! description = "…"
//! source = ["android/identity-samples#88"]
//! findings = ["assetlinks-no-get-login-creds"]
//! origins = []
//! policy = { rp_ids = ["example.com"], origins = ["https://example.com"] }
//!
//! [case.served]
//! body = '''[{"relation": ["delegate_permission/common.handle_all_urls"], …}]'''
//! ```

use crate::load::{embedded, LoadError, MAX_FILE_BYTES};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rpscope_core::mobile::{assetlinks, Served};
use rpscope_core::server::lint::{lint, Deployment, LintCode};
use rpscope_core::server::Policy;
use rpscope_core::PublicSuffixList;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

/// The largest body a `generate` table or `body_base64` may produce: 64 MiB.
pub const MAX_GENERATED_BYTES: usize = 64 << 20;

/// Which file a topic's cases serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// `/.well-known/assetlinks.json`.
    Assetlinks,
    /// `/.well-known/apple-app-site-association`.
    Aasa,
}

/// One `corpus/mobile/<topic>.toml`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MobileTopic {
    /// The file every case serves.
    pub file: FileKind,
    /// What the topic covers.
    pub description: String,
    /// The cases.
    #[serde(rename = "case")]
    pub cases: Vec<MobileCase>,
}

/// One case.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MobileCase {
    /// `<topic>::<kebab-case-name>`.
    pub id: String,
    /// What the case shows.
    pub description: String,
    /// Primary sources (documentation, specifications, field reports).
    pub source: Vec<String>,
    /// The RP's policy (served at its first RP ID).
    pub policy: Policy,
    /// The response.
    pub served: ServedCase,
    /// Every lint code reported, as a set.
    pub findings: Vec<String>,
    /// How many findings in all, when the count matters (lists cut at a cap).
    #[serde(default)]
    pub count: Option<usize>,
    /// `assetlinks.json` only: the origins of apps with `get_login_creds`, in order.
    #[serde(default)]
    pub origins: Option<Vec<String>>,
    /// Anything a reader must know.
    #[serde(default)]
    pub note: Option<String>,
}

/// The response a case serves.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServedCase {
    /// The status (default 200).
    #[serde(default = "ok")]
    pub status: u16,
    /// The Content-Type as sent (default `application/json`).
    #[serde(default = "json")]
    pub content_type: String,
    /// Redirect targets the fetch went through.
    #[serde(default)]
    pub redirects: Vec<String>,
    /// A declared length larger than the body (a `Content-Length` of 1 GB).
    #[serde(default)]
    pub length: Option<u64>,
    /// The body as text.
    #[serde(default)]
    pub body: Option<String>,
    /// The body as base64 (bytes that are not UTF-8).
    #[serde(default)]
    pub body_base64: Option<String>,
    /// A generated body.
    #[serde(default)]
    pub generate: Option<Generate>,
}

fn ok() -> u16 {
    200
}

fn json() -> String {
    "application/json".into()
}

/// `head`, then `count` copies of `item` joined by `separator`, then `tail`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Generate {
    /// Before the items.
    #[serde(default)]
    pub head: String,
    /// One item.
    pub item: String,
    /// Between items.
    #[serde(default)]
    pub separator: String,
    /// How many items.
    pub count: usize,
    /// After the items.
    #[serde(default)]
    pub tail: String,
}

impl ServedCase {
    /// The body bytes, or why the case cannot produce them.
    pub fn body(&self) -> Result<Vec<u8>, String> {
        match (&self.body, &self.body_base64, &self.generate) {
            (Some(text), None, None) => Ok(text.as_bytes().to_vec()),
            (None, Some(b64), None) => {
                if b64.len() / 4 * 3 > MAX_GENERATED_BYTES {
                    return Err("`body_base64` is over the 64 MiB limit".into());
                }
                STANDARD
                    .decode(b64.trim())
                    .map_err(|e| format!("`body_base64` is not base64: {e}"))
            }
            (None, None, Some(g)) => {
                let size = g
                    .item
                    .len()
                    .saturating_add(g.separator.len())
                    .saturating_mul(g.count)
                    .saturating_add(g.head.len() + g.tail.len());
                if size > MAX_GENERATED_BYTES {
                    return Err(format!(
                        "`generate` makes {size} bytes, over the 64 MiB limit"
                    ));
                }
                let mut body = String::with_capacity(size);
                body.push_str(&g.head);
                for i in 0..g.count {
                    if i > 0 {
                        body.push_str(&g.separator);
                    }
                    body.push_str(&g.item);
                }
                body.push_str(&g.tail);
                Ok(body.into_bytes())
            }
            (None, None, None) => Ok(Vec::new()),
            _ => Err("give one of `body`, `body_base64` and `generate`".into()),
        }
    }
}

/// Parses one topic file; `name` is its file name (`mobile-aasa.toml`).
pub fn parse(name: &str, text: &str) -> Result<MobileTopic, LoadError> {
    let error = |case: Option<&str>, message: String| LoadError {
        file: name.to_owned(),
        line: None,
        case: case.map(str::to_owned),
        message,
    };
    let topic: MobileTopic = toml::from_str(text).map_err(|e| error(None, e.to_string()))?;
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    let mut ids = BTreeSet::new();
    for case in &topic.cases {
        let id = case.id.as_str();
        if !id.starts_with(&format!("{stem}::")) {
            return Err(error(
                Some(id),
                format!("the id must start with `{stem}::`"),
            ));
        }
        if !ids.insert(id) {
            return Err(error(Some(id), "the id is not unique".into()));
        }
        if case.source.is_empty() {
            return Err(error(Some(id), "a case needs at least one source".into()));
        }
        for code in &case.findings {
            if !LintCode::ALL.iter().any(|c| c.as_str() == code) {
                return Err(error(
                    Some(id),
                    format!("`{code}` is no lint code (docs/lint.md)"),
                ));
            }
        }
        if case.origins.is_some() && topic.file != FileKind::Assetlinks {
            return Err(error(
                Some(id),
                "`origins` belongs to assetlinks cases".into(),
            ));
        }
        case.served.body().map_err(|e| error(Some(id), e))?;
    }
    Ok(topic)
}

/// The embedded topics (`corpus/mobile/*.toml`), by file name.
pub fn embedded_topics() -> Result<Vec<(String, MobileTopic)>, LoadError> {
    embedded::MOBILE_FILES
        .iter()
        .map(|(name, text)| parse(name, text).map(|t| ((*name).to_owned(), t)))
        .collect()
}

/// The topics of a directory laid out like `corpus/mobile/` (each file at most
/// [`MAX_FILE_BYTES`]).
pub fn topics_in(dir: &Path) -> Result<Vec<(String, MobileTopic)>, LoadError> {
    let fail = |file: &str, message: String| LoadError {
        file: file.to_owned(),
        line: None,
        case: None,
        message,
    };
    let dir_name = dir.display().to_string();
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| fail(&dir_name, e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    let mut topics = Vec::new();
    for path in names {
        let shown = path.display().to_string();
        let mut text = String::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_string(&mut text))
            .map_err(|e| fail(&shown, e.to_string()))?;
        if text.len() as u64 > MAX_FILE_BYTES {
            return Err(fail(&shown, format!("over {MAX_FILE_BYTES} bytes")));
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        topics.push((name.to_owned(), parse(name, &text)?));
    }
    Ok(topics)
}

/// Runs a case against the built-in core: `Ok` when the lint codes (and count,
/// and derived origins) are what the case expects, `Err` saying what differs.
pub fn run_case(file: FileKind, case: &MobileCase, psl: &PublicSuffixList) -> Result<(), String> {
    let body = case.served.body()?;
    let served = Served {
        status: case.served.status,
        content_type: &case.served.content_type,
        body: &body,
        redirects: &case.served.redirects,
        length: case.served.length,
    };
    let deployment = match file {
        FileKind::Assetlinks => Deployment {
            assetlinks: Some(served),
            ..Deployment::default()
        },
        FileKind::Aasa => Deployment {
            aasa: Some(served),
            ..Deployment::default()
        },
    };
    let found = lint(&case.policy, &deployment, psl);
    let got: BTreeSet<&str> = found.iter().map(|f| f.code.as_str()).collect();
    let want: BTreeSet<&str> = case.findings.iter().map(String::as_str).collect();
    let mut wrong = Vec::new();
    if got != want {
        wrong.push(format!("lint codes {got:?}, expected {want:?}"));
    }
    if let Some(count) = case.count {
        if found.len() != count {
            wrong.push(format!("{} findings, expected {count}", found.len()));
        }
    }
    if let Some(origins) = &case.origins {
        let derived: Vec<String> = assetlinks::read(&served).login_origins().collect();
        if &derived != origins {
            wrong.push(format!("origins {derived:?}, expected {origins:?}"));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        let messages: Vec<String> = found.iter().map(|f| format!("  {f}")).collect();
        Err(format!("{}\n{}", wrong.join("; "), messages.join("\n")))
    }
}
