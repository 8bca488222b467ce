//! `rpscope probe`: fetch an RP ID's well-known documents from the live deployment,
//! as each profile's browser would, and decide every origin on what was served.

use crate::input::{self, Cap};
use crate::{write_stdout, CliError, Exit};
use rpscope_core::server::Compile;
use rpscope_core::{ProfileId, PslSnapshots};
use rpscope_model::Policy;
use rpscope_probe::mobile::PolicyRef;
use rpscope_probe::probe::{AssociationFile, LabelGroup};
use rpscope_probe::{ConnectTo, FetchOptions, FetchRecord, Fetcher, ProbeReport, Roots};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// `--cacert FILE`: 1 MiB of PEM (a bundle of a few hundred certificates).
pub const CACERT: Cap = Cap {
    what: "a --cacert file",
    max_bytes: rpscope_probe::fetch::MAX_CACERT_BYTES as u64,
};

/// What `rpscope probe` was asked.
pub struct Args<'a> {
    /// `--rp-id` (or the policy's first RP ID).
    pub rp_id: Option<&'a str>,
    /// `--origin`, in order.
    pub origins: &'a [String],
    /// `--policy`.
    pub policy: Option<&'a Path>,
    /// `--profile` (empty: every profile).
    pub profiles: &'a [String],
    /// `--android`.
    pub android: bool,
    /// `--ios`.
    pub ios: bool,
    /// `--connect-to`, in order.
    pub connect_to: &'a [String],
    /// `--cacert`, in order.
    pub cacerts: &'a [std::path::PathBuf],
    /// `--no-system-roots`.
    pub no_system_roots: bool,
    /// `--timeout`.
    pub timeout: Duration,
    /// `--json`.
    pub json: bool,
}

/// Runs the probe and prints the report; exit 0 every origin accepted under every
/// profile (and no error in an association file asked for), 1 a reject or an
/// error-severity finding in `assetlinks.json` / `apple-app-site-association`,
/// 3 a document could not be fetched at all.
pub fn run(args: Args<'_>, psl: &PslSnapshots) -> Result<Exit, CliError> {
    let mut progress = |line: &str| {
        let _ = writeln!(std::io::stderr(), "{line}");
    };
    let policy = args.policy.map(crate::verify::read_policy).transpose()?;
    let rp_id = match (args.rp_id, &policy) {
        (Some(id), _) => id.to_owned(),
        (None, Some(p)) => p
            .rp_ids
            .first()
            .cloned()
            .ok_or_else(|| CliError::new("--rp-id is required: the policy names no RP ID"))?,
        (None, None) => return Err(CliError::new("--rp-id (or --policy) is required")),
    };
    let mut origins: Vec<String> = args.origins.to_vec();
    if let Some(policy) = &policy {
        origins.extend(policy_origins(policy, &mut progress));
    }
    let mut profiles = Vec::new();
    for name in args.profiles {
        let id = ProfileId::from_name(name).ok_or_else(|| {
            CliError::new(format!(
                "unknown profile `{name}` (expected one of: {})",
                ProfileId::names(", ")
            ))
        })?;
        if !profiles.contains(&id) {
            profiles.push(id);
        }
    }
    if profiles.is_empty() {
        profiles = ProfileId::ALL.to_vec();
    }
    let connect_to = args
        .connect_to
        .iter()
        .map(|c| ConnectTo::parse(c).map_err(CliError::new))
        .collect::<Result<Vec<_>, _>>()?;
    let mut roots = if args.no_system_roots {
        Roots::empty()
    } else {
        Roots::system()
    };
    for path in args.cacerts {
        let pem = input::read_bytes(path, &CACERT)?;
        roots
            .add_pem(&pem)
            .map_err(|e| CliError::new(format!("{}: {e}", path.display())))?;
    }
    if roots.is_empty() {
        return Err(CliError::new(
            "no trusted certificate: the system store is empty or was turned off; pass --cacert FILE",
        ));
    }
    // The association files are compared with the policy's origins (Android) and
    // its compiled patterns (iOS: is `https://<rp_id>` admitted?).
    let compiled = match (&policy, args.android || args.ios) {
        (Some(p), true) => Some(p.compile(psl.current()).map_err(|e| {
            CliError::new(format!(
                "the policy cannot be compared with the association files: {e}"
            ))
        })?),
        _ => None,
    };
    let policy_ref = match (&policy, &compiled) {
        (Some(policy), Some(compiled)) => Some(PolicyRef { policy, compiled }),
        _ => None,
    };
    let fetcher = Fetcher::new(FetchOptions {
        roots,
        connect_to,
        timeout: args.timeout,
    });
    let report = rpscope_probe::probe(
        &fetcher,
        &rpscope_probe::ProbeRequest {
            rp_id: &rp_id,
            origins: &origins,
            profiles: &profiles,
            android: args.android,
            ios: args.ios,
            policy: policy_ref,
        },
        psl,
        &mut progress,
    )
    .map_err(|e| CliError::new(e.to_string()))?;
    write_stdout("write the report", |out| {
        if args.json {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)
        } else {
            human(out, &report)
        }
    })?;
    Ok(if report.network_failure() {
        Exit::Stopped
    } else if report.all_accepted() && !report.association_errors() {
        Exit::Success
    } else {
        Exit::Finding
    })
}

/// `rpscope probe --schema`: the report's JSON Schema.
pub fn schema() -> Result<Exit, CliError> {
    write_stdout("write the schema", |out| {
        serde_json::to_writer_pretty(&mut *out, &rpscope_probe::report_schema())?;
        writeln!(out)
    })?;
    Ok(Exit::Success)
}

/// The policy's exact web origins; patterns and app origins are named on stderr
/// and left out (a browser page has one origin, not a pattern).
fn policy_origins(policy: &Policy, progress: &mut dyn FnMut(&str)) -> Vec<String> {
    let mut kept = Vec::new();
    for origin in &policy.origins {
        let web = origin.starts_with("https://") || origin.starts_with("http://");
        if web && !origin.contains('*') {
            kept.push(origin.clone());
        } else {
            progress(&format!(
                "policy origin `{origin}` is not decided: only exact http(s) origins are browser callers"
            ));
        }
    }
    kept
}

fn human(out: &mut dyn Write, r: &ProbeReport) -> std::io::Result<()> {
    writeln!(out, "RP ID {}", r.rp_id)?;
    writeln!(out)?;
    writeln!(out, "Fetches of https://{}/.well-known/webauthn", r.rp_id)?;
    for f in &r.fetches {
        let cap = match f.rules.max_body_bytes {
            Some(c) => format!("body cap {c} bytes"),
            None => "no body cap".into(),
        };
        writeln!(
            out,
            "  as {} (redirects: {}, {cap})",
            names(&f.profiles),
            redirects(f.rules.redirects)
        )?;
        record(out, &f.record, "    ")?;
    }
    if !r.origins.is_empty() {
        writeln!(out)?;
        writeln!(out, "Origins")?;
    }
    for o in &r.origins {
        writeln!(out, "  {}", o.origin)?;
        let width = o.verdicts.keys().map(String::len).max().unwrap_or(0);
        // In the registry's order (spec first), not the map's.
        let ordered = ProfileId::ALL
            .iter()
            .filter_map(|p| o.verdicts.get_key_value(p.as_str()));
        for (profile, v) in ordered {
            writeln!(
                out,
                "    {profile:width$}  {} ({})  {}",
                v.verdict, v.reason, v.explanation
            )?;
        }
    }
    for group in &r.labels {
        writeln!(out)?;
        labels(out, group)?;
    }
    association(out, "Android", &r.android)?;
    association(out, "iOS", &r.ios)?;
    Ok(())
}

fn record(out: &mut dyn Write, f: &FetchRecord, indent: &str) -> std::io::Result<()> {
    for (i, hop) in f.hops.iter().enumerate() {
        writeln!(
            out,
            "{indent}hop {}: {} -> {} {}",
            i + 1,
            hop.url,
            hop.status,
            hop.location
        )?;
    }
    match (&f.error, f.status) {
        (Some(e), _) => writeln!(
            out,
            "{indent}failed ({}) after {} ms: {}",
            serde_json::to_value(e.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            f.elapsed_ms,
            e.message
        )?,
        (None, Some(status)) => writeln!(
            out,
            "{indent}status {status}, Content-Type {}, {} bytes{}, {} ms",
            f.content_type.as_deref().unwrap_or("(none)"),
            f.bytes,
            if f.truncated {
                " (reading stopped)"
            } else {
                ""
            },
            f.elapsed_ms
        )?,
        (None, None) => writeln!(out, "{indent}no response")?,
    }
    if let Some(stop) = &f.stopped {
        writeln!(out, "{indent}{stop}")?;
    }
    Ok(())
}

fn labels(out: &mut dyn Write, g: &LabelGroup) -> std::io::Result<()> {
    writeln!(
        out,
        "Labels as {} (at most {})",
        names(&g.profiles),
        g.max_labels.map(|n| n.to_string()).unwrap_or_default()
    )?;
    if let Some(e) = &g.error {
        return writeln!(out, "  {e}");
    }
    let width = g
        .entries
        .iter()
        .map(|e| e.entry.len())
        .max()
        .unwrap_or(5)
        .min(60);
    for e in &g.entries {
        let what = match (e.fate, &e.label, e.slot, e.first) {
            ("counted", Some(l), Some(s), _) => format!("{l}: label {s}"),
            ("duplicate", Some(l), _, Some(first)) => {
                format!("{l}: duplicate of entry {first}, no new label")
            }
            ("known-after-limit", Some(l), _, _) => {
                format!("{l}: after the limit, a known label: still matched")
            }
            ("beyond-limit", Some(l), _, _) => {
                format!("{l}: a new label after the limit: never matched")
            }
            ("not-url", _, _, _) => "skipped: not a URL".into(),
            ("no-label", _, _, _) => {
                "skipped: no registrable-origin label (IP, opaque, public suffix)".into()
            }
            ("not-string", _, _, _) => "not a string: the walk ends here".into(),
            ("not-reached", _, _, _) => "not reached".into(),
            ("beyond-candidate-limit", Some(l), _, _) => {
                format!("{l}: past the candidate limit, the walk has stopped: never matched")
            }
            ("beyond-candidate-limit", None, _, _) => {
                "past the candidate limit, the walk has stopped".into()
            }
            (other, _, _, _) => other.to_owned(),
        };
        writeln!(out, "  {:>3}  {:width$}  {what}", e.index, e.entry)?;
    }
    if let Some(at) = g.limit_reached_at {
        writeln!(
            out,
            "  the limit is reached at entry {at}: later entries with new labels are never examined"
        )?;
    }
    if let (Some(at), Some(max)) = (g.candidate_limit_reached_at, g.max_candidates) {
        writeln!(
            out,
            "  the candidate limit is reached at entry {at}: {max} entries with a label were examined, the walk stops there and no later entry is ever examined"
        )?;
    }
    Ok(())
}

fn association(
    out: &mut dyn Write,
    platform: &str,
    file: &Option<AssociationFile>,
) -> std::io::Result<()> {
    let Some(file) = file else { return Ok(()) };
    writeln!(out)?;
    writeln!(out, "{platform}: {}", file.record.url)?;
    record(out, &file.record, "  ")?;
    if file.record.error.is_some() {
        return Ok(());
    }
    let r = &file.reading;
    if let Some(apps) = &r.apps {
        for app in apps {
            let mut relations = Vec::new();
            if app.login_creds {
                relations.push("get_login_creds");
            }
            if app.handle_all_urls {
                relations.push("handle_all_urls");
            }
            let relations = match relations.is_empty() {
                true => "no relation rpscope reads".to_owned(),
                false => relations.join(", "),
            };
            writeln!(out, "  app {} ({relations})", app.package_name)?;
        }
    }
    if let Some(origins) = &r.login_origins {
        match origins.is_empty() {
            true if r.readable => writeln!(
                out,
                "  login origins: none (no statement grants get_login_creds)"
            )?,
            true => {}
            false => {
                writeln!(out, "  login origins (clientDataJSON.origin of each app):")?;
                for o in origins {
                    writeln!(out, "    {o}")?;
                }
            }
        }
    }
    if let Some(apps) = &r.webcredentials_apps {
        if r.readable && !apps.is_empty() {
            writeln!(out, "  webcredentials.apps: {}", apps.join(", "))?;
        }
    }
    if let Some(check) = &r.policy {
        let list = |v: &Option<Vec<String>>| v.as_ref().filter(|v| !v.is_empty()).cloned();
        if let Some(admitted) = list(&check.admitted) {
            writeln!(out, "  in the policy: {}", admitted.join(", "))?;
        }
        if let Some(missing) = list(&check.not_in_policy) {
            writeln!(out, "  not in the policy: {}", missing.join(", "))?;
        }
        if let Some(missing) = list(&check.not_in_file) {
            writeln!(
                out,
                "  in the policy, not in the file: {}",
                missing.join(", ")
            )?;
        }
        if let (Some(origin), Some(admitted)) = (&check.rp_id_origin, check.rp_id_origin_admitted) {
            let verdict = if admitted { "admits" } else { "does not admit" };
            writeln!(
                out,
                "  the policy {verdict} {origin}, the origin iOS apps present"
            )?;
        }
    } else if r.readable {
        writeln!(
            out,
            "  (no --policy: the file is not compared with the policy's origins)"
        )?;
    }
    if r.findings.is_empty() {
        return writeln!(out, "  no finding");
    }
    for f in &r.findings {
        writeln!(out, "  {}[{}]: {}", f.severity, f.code, f.message)?;
        writeln!(out, "    fix: {}", f.fix)?;
    }
    Ok(())
}

fn names(profiles: &[ProfileId]) -> String {
    profiles
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn redirects(r: rpscope_probe::Redirects) -> &'static str {
    match r {
        rpscope_probe::Redirects::NotFollowed => "not followed",
        rpscope_probe::Redirects::HttpsOnly => "https only",
        _ => "http and https",
    }
}
