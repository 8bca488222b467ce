//! `rpscope lint FILE`: an RP's configuration, checked for what browsers and users will hit.

use crate::{input, write_stdout, CliError, Exit};
use rpscope_core::mobile::{MobileFile, Served};
use rpscope_core::server::lint::{lint, Deployment, Finding, Severity};
use rpscope_core::server::Policy;
use rpscope_core::PslSnapshots;
use serde::Deserialize;
use std::path::Path;

/// The configuration file: the policy, plus an optional `[deployment]` table.
///
/// ```toml
/// rp_ids = ["pve.example.com"]
/// origins = ["https://pve.example.com"]
///
/// [deployment]
/// served_at = ["https://local.pve.example.com:8006/"]   # URLs users open
/// well_known = "webauthn.json"   # served at https://{rp_ids[0]}/.well-known/webauthn (relative to this file)
/// ```
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    rp_ids: Vec<String>,
    origins: Vec<String>,
    #[serde(default)]
    allow_cross_origin: bool,
    #[serde(default)]
    top_origins: Vec<String>,
    #[serde(default)]
    deployment: DeploymentConfig,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DeploymentConfig {
    #[serde(default)]
    served_at: Vec<String>,
    #[serde(default)]
    well_known: Option<String>,
}

/// `--well-known FILE`, `--well-known-status N`, `--well-known-content-type T`.
#[derive(Debug, Clone, Copy)]
pub struct WellKnownArgs<'a> {
    /// The document (overrides `[deployment] well_known`).
    pub file: Option<&'a Path>,
    /// The status it is served with.
    pub status: u16,
    /// The Content-Type it is served with.
    pub content_type: &'a str,
}

/// `--assetlinks FILE`, `--aasa FILE`, `--previous FILE`.
#[derive(Debug, Clone, Copy, Default)]
pub struct MoreArgs<'a> {
    /// `/.well-known/assetlinks.json` as served at the first RP ID.
    pub assetlinks: Option<&'a Path>,
    /// `/.well-known/apple-app-site-association` as served at the first RP ID.
    pub aasa: Option<&'a Path>,
    /// The configuration this one replaces.
    pub previous: Option<&'a Path>,
}

/// A mobile association file read as a platform would: at most its cap and one
/// byte more, so an oversized file is a finding (`*-too-large`) without being
/// read whole.
struct MobileBody {
    bytes: Vec<u8>,
    length: Option<u64>,
}

impl MobileBody {
    fn read(path: &Path, file: MobileFile) -> Result<MobileBody, CliError> {
        let cap = file.max_bytes() as u64;
        let prefix = input::read_prefix(path, cap + 1)?;
        let length = prefix
            .truncated
            .then(|| prefix.size.unwrap_or(prefix.bytes.len() as u64));
        Ok(MobileBody {
            bytes: prefix.bytes,
            length,
        })
    }

    fn served(&self) -> Served<'_> {
        Served {
            length: self.length,
            ..Served::file(&self.bytes)
        }
    }
}

/// How `rpscope lint` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// One block per finding, then a count.
    Human,
    /// The findings as a JSON array.
    Json,
    /// A SARIF 2.1.0 log ([`crate::sarif`]).
    Sarif,
}

/// Runs the linter and prints the findings; exit 1 when there is an error. The
/// configuration is read up to [`input::POLICY`], the document up to
/// [`input::WELL_KNOWN`].
pub fn run(
    path: &Path,
    well_known: WellKnownArgs<'_>,
    more: MoreArgs<'_>,
    output: Output,
    psl: &PslSnapshots,
) -> Result<Exit, CliError> {
    let text = input::read_text(path, &input::POLICY)?;
    let config = parse_config(path, &text)?;
    let document_path = well_known.file.map(Path::to_path_buf).or_else(|| {
        config
            .deployment
            .well_known
            .as_ref()
            .map(|p| path.parent().unwrap_or(Path::new(".")).join(p))
    });
    let document = match &document_path {
        Some(p) => Some(input::read_bytes(p, &input::WELL_KNOWN)?),
        None => None,
    };
    let assetlinks = more
        .assetlinks
        .map(|p| MobileBody::read(p, MobileFile::AssetLinks))
        .transpose()?;
    let aasa = more
        .aasa
        .map(|p| MobileBody::read(p, MobileFile::Aasa))
        .transpose()?;
    let previous = match more.previous {
        Some(p) => Some(parse_config(p, &input::read_text(p, &input::POLICY)?)?.policy()),
        None => None,
    };
    let served_at = config.deployment.served_at.clone();
    let policy = config.policy();
    let deployment = Deployment {
        well_known: document.as_deref(),
        served_at: &served_at,
        well_known_status: Some(well_known.status),
        well_known_content_type: Some(well_known.content_type),
        assetlinks: assetlinks.as_ref().map(MobileBody::served),
        aasa: aasa.as_ref().map(MobileBody::served),
        previous: previous.as_ref(),
    };
    let mut findings = lint(&policy, &deployment, psl.current());
    // Each browser's own copy of the list: an RP ID whose scope depends on it.
    findings.extend(rpscope_core::server::lint::lint_snapshots(&policy, psl));
    print(&findings, output, path, &text)?;
    Ok(if findings.iter().any(|f| f.severity == Severity::Error) {
        Exit::Finding
    } else {
        Exit::Success
    })
}

fn parse_config(path: &Path, text: &str) -> Result<Config, CliError> {
    toml::from_str(text).map_err(|e| {
        CliError::new(format!(
            "{} is not an RP configuration: {e}",
            path.display()
        ))
    })
}

impl Config {
    fn policy(self) -> Policy {
        Policy {
            rp_ids: self.rp_ids,
            origins: self.origins,
            allow_cross_origin: self.allow_cross_origin,
            top_origins: self.top_origins,
        }
    }
}

fn print(findings: &[Finding], output: Output, path: &Path, text: &str) -> Result<(), CliError> {
    write_stdout("write the findings", |out| {
        match output {
            Output::Json => {
                serde_json::to_writer_pretty(&mut *out, findings)?;
                return writeln!(out);
            }
            Output::Sarif => {
                let uri = path.to_string_lossy();
                serde_json::to_writer_pretty(&mut *out, &crate::sarif::log(findings, &uri, text))?;
                return writeln!(out);
            }
            Output::Human => {}
        }
        for f in findings {
            writeln!(out, "{f}")?;
        }
        let errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        writeln!(
            out,
            "{}: {errors} error(s), {} warning(s)",
            path.display(),
            findings.len() - errors
        )
    })
}
