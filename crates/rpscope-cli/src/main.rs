//! `rpscope`: WebAuthn RP ID and origin scoping from the command line.
//!
//! Exit codes, for every command: 0 accept (or no finding), 1 reject (or a finding),
//! 2 usage or input error (with a message on stderr); `conformance` also 3: the target
//! could not be run or the run was interrupted; `probe` 3: a document could not be fetched.

#[cfg(feature = "browser")]
use rpscope_cli::browser;
use rpscope_cli::{
    adapter, android_origin, check, conformance, corpus, input, lint, matrix, probe, site,
    timeout_seconds, verify, CliError, Exit,
};
use rpscope_corpus::report::{Detail, Format};
use rpscope_corpus::Side;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Args, Parser, Subcommand};
use rpscope_core::{PslSnapshots, PublicSuffixList};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `--profile` values: every profile of the registry, with what it models, and `extra`.
fn profile_values(extra: &[(&'static str, &'static str)]) -> PossibleValuesParser {
    let profiles = rpscope_core::ProfileId::ALL
        .iter()
        .map(|p| PossibleValue::new(p.as_str()).help(p.description()));
    let extra = extra
        .iter()
        .map(|(name, help)| PossibleValue::new(*name).help(*help));
    PossibleValuesParser::new(profiles.chain(extra))
}

/// `--browser` values: every browser the oracle drives, and `all`.
#[cfg(feature = "browser")]
fn browser_values() -> PossibleValuesParser {
    let browsers = rpscope_model::Browser::ALL
        .iter()
        .map(|b| PossibleValue::new(b.as_str()).help(b.display_name()));
    PossibleValuesParser::new(
        browsers.chain([PossibleValue::new("all").help("every browser, in turn")]),
    )
}

#[derive(Parser)]
#[command(
    name = "rpscope",
    version,
    about = "Fuzzing and conformance harness for WebAuthn RP ID and origin scoping",
    long_about = "rpscope decides which web origins may use which WebAuthn RP ID, exactly as \
WebAuthn Level 3, HTML's registrable-domain-suffix test, the WHATWG URL parser, the Public Suffix \
List and Related Origin Requests define it, and as Chromium and Firefox actually behave.",
    after_help = "Exit codes: 0 accept (or no finding), 1 reject (or a finding), 2 usage or input error, \
3 (conformance) the target could not be run or the run was interrupted; (probe) a document could not be fetched."
)]
struct Cli {
    /// Use this public_suffix_list.dat for every profile, instead of the vendored copy and the
    /// browsers' measured snapshots of it (data/psl/snapshots.toml) (at most 16 MiB)
    #[arg(long, global = true, value_name = "FILE")]
    psl: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decide whether a caller origin may use an RP ID, as a browser would
    #[command(after_long_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Verify what a ceremony presents (origin, crossOrigin, topOrigin, rpIdHash) against an RP's policy
    #[command(after_long_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
    /// Check an RP's configuration for what browsers and users will hit, with fixes
    #[command(after_long_help = LINT_EXAMPLES)]
    Lint(LintArgs),
    /// Fetch an RP ID's /.well-known/webauthn from the live deployment as each browser would, and decide origins on it
    #[command(after_long_help = PROBE_EXAMPLES)]
    Probe(ProbeArgs),
    /// Print the android:apk-key-hash: origin an Android app signed with a certificate presents
    #[command(after_long_help = ANDROID_ORIGIN_EXAMPLES)]
    AndroidOrigin(AndroidOriginArgs),
    /// Run the conformance corpus against the built-in core or an implementation's adapter, and report
    #[command(after_long_help = CONFORMANCE_EXAMPLES)]
    Conformance(ConformanceArgs),
    /// Run every adapter in adapters/adapters.toml and write the results matrix (docs/results.md)
    #[command(after_long_help = MATRIX_EXAMPLES)]
    Matrix(MatrixArgs),
    /// Write the corpus, browser measurements and results matrix as a static site (HTML, badges)
    #[command(after_long_help = SITE_EXAMPLES)]
    Site(SiteArgs),
    /// Tools for adapter authors: the requests the runner sends, the protocol's schemas
    #[command(subcommand)]
    Adapter(AdapterCommand),
    /// Lint, export or describe the conformance corpus
    #[command(subcommand)]
    Corpus(CorpusCommand),
    /// Replay the client-side corpus in real headless Chromium and Firefox ESR (the browser oracle)
    #[cfg(feature = "browser")]
    #[command(after_long_help = BROWSER_EXAMPLES)]
    Browser(BrowserArgs),
}

#[cfg(feature = "browser")]
const BROWSER_EXAMPLES: &str = "\
Each client-side case is replayed in a fresh headless browser with a virtual authenticator: a
local HTTPS server (its own CA, trusted by the browser) answers every host name, serves the
caller's page and the case's /.well-known/webauthn response (no response in the case: the
connection is closed, a network error), and the page calls navigator.credentials.create(). A
credential is accept; SecurityError, NotAllowedError, TypeError or NotSupportedError is reject,
with the browser's message kept. Cases no browser page can express (not a URL, file:, blob:,
extensions, a restricted port, a status HTTP cannot send) are skipped with the reason.

Every verdict is printed beside the expectation of the browser's own profile.
Disagreements are classified from corpus/browsers/annotations.toml (profile-wrong, corpus-wrong,
browser-bug); the rest are `unclassified`. A case with a recorded `measured.<browser>` outcome
that the browser no longer reproduces fails the run.

Examples:
  scripts/install-browsers.sh                         # chromium, chromium-driver, firefox-esr, certutil, geckodriver
  rpscope browser                                     # every client-side case in Chromium
  rpscope browser --filter related-origins:: --verbose  # per-case progress, requests with headers
  rpscope browser --browser all --format json > browsers.json
  rpscope browser --record                            # write measured verdicts into corpus/cases/*.toml
  rpscope browser --browser all --write-docs docs/browsers.md

  # Which Public Suffix List does each browser use? (docs/profiles.md)
  git clone https://github.com/publicsuffix/list /tmp/psl
  rpscope browser --browser all --psl-snapshot --psl-git /tmp/psl --write

With --psl-snapshot the corpus is not run: the browser is asked, one page per rule, whether it
has rules of the Public Suffix List's history (a page at https://a.x.y claims x.y as its RP ID;
a browser whose list has the rule refuses). A bisect finds the newest list commit it includes,
then every rule changed after that commit is probed, and the exact difference from the vendored
list is printed (and, with --write, recorded in data/psl/snapshots.toml, which the profiles
decide with after a rebuild). Exit 3 when --psl-max-probes or --psl-time-limit stops it.

Browsers are found on the system (RPSCOPE_CHROMIUM, RPSCOPE_FIREFOX, RPSCOPE_GECKODRIVER and
RPSCOPE_CERTUTIL override). Firefox needs root: its server must listen on port 443.

Exit codes: 0 every measured case reproduces and nothing errored, 1 a measured-verdict mismatch,
an error (or, with --strict, an unclassified disagreement), 2 usage error or a browser that
cannot start.";

#[cfg(feature = "browser")]
#[derive(Args)]
struct BrowserArgs {
    /// The browser, or `all`
    #[arg(long, value_name = "BROWSER", default_value = "chromium", value_parser = browser_values())]
    browser: String,

    /// Run only cases whose id contains this text (e.g. `dots::` for one topic)
    #[arg(long, value_name = "SUBSTR")]
    filter: Option<String>,

    /// Report format: human, json, junit or markdown
    #[arg(long, value_name = "FORMAT", default_value = "human")]
    format: String,

    /// Read the corpus from this directory instead of the embedded one (--record writes there;
    /// default `corpus`)
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,

    /// The disagreement classifications [default: corpus/browsers/annotations.toml when present]
    #[arg(long, value_name = "FILE")]
    annotations: Option<PathBuf>,

    /// Write every measured verdict into the corpus files (`measured.<browser>`), comments kept
    #[arg(long)]
    record: bool,

    /// Write the measured-results section of this Markdown file (e.g. docs/browsers.md)
    #[arg(long, value_name = "FILE")]
    write_docs: Option<PathBuf>,

    /// Per-case progress on stderr; every explanation and request (with headers) in the report
    #[arg(long, short)]
    verbose: bool,

    /// Unclassified disagreements fail the run too
    #[arg(long)]
    strict: bool,

    /// Keep Chromium's FIDO log in the run directory (debugging the oracle)
    #[arg(long, hide = true)]
    fido_log: bool,

    /// Instead of the corpus: measure which Public Suffix List the browser uses, by
    /// bisecting the list's git history (needs --psl-git)
    #[arg(long, requires = "psl_git")]
    psl_snapshot: bool,

    /// The publicsuffix/list git directory (a clone or a bare mirror) for --psl-snapshot
    #[arg(long, value_name = "DIR")]
    psl_git: Option<PathBuf>,

    /// Where the history starts: the newest list commit on or before this date is assumed
    /// included (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", default_value = "2026-01-01")]
    psl_since: String,

    /// The most probes per browser (one page each)
    #[arg(long, value_name = "N", default_value_t = 5000)]
    psl_max_probes: usize,

    /// The time limit per browser, in seconds
    #[arg(long, value_name = "SECS", default_value_t = 1800)]
    psl_time_limit: u64,

    /// Record the measured snapshot in this file [with no value: data/psl/snapshots.toml]
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "data/psl/snapshots.toml")]
    write: Option<PathBuf>,
}

const CONFORMANCE_EXAMPLES: &str = "\
Client-side cases run under every profile (see --profile) and server-side cases run
once (reported under the profile `server`), unless --profile picks one. Against an adapter,
server-side cases run once per ceremony the adapter verifies (reported as `registration` and
`authentication`) with real, signed responses, and client-side verdicts are held to the profile
the adapter names (docs/protocol.md). A case conforms when the
verdict is one its expectation admits (`acceptable` admits both) and, where the case names a
reason code, the reason agrees.

Examples:
  rpscope conformance                                   # everything, human report
  rpscope conformance --profile chromium --filter related-origins::
  rpscope conformance --format junit > rpscope.xml      # for CI test reporting
  rpscope conformance --format markdown >> \"$GITHUB_STEP_SUMMARY\"
  rpscope conformance --known-divergences ours.json     # excuse what you knowingly do differently

  # A real RP library, through its adapter (adapters/README.md):
  rpscope conformance --target 'adapter:python3 adapters/py_webauthn/adapter.py'
  # Your own configuration: adversarial origins derived from your policy file:
  rpscope conformance --target 'adapter:./my-rp-adapter' --policy my-rp.toml

Known-divergence file: {\"<case id>\": {\"expected\": \"reject\", \"actual\": \"accept\", \"reason\": \"…\",
\"profile\": \"spec\"}} (profile optional). A listed case that conforms (unexpected pass) and a
listed id the corpus lacks (stale) fail the run too.

Reports: --format for stdout, --output FORMAT=PATH (repeatable) for files from the same run.
Each result carries what was presented and, when it fails, its class: security (a false
accept), configuration (an invalid policy accepted), interoperability (a false reject), error,
reason (right verdict, other code) or stale-divergence.

Exit codes: 0 every case conforms, 1 a failure, 2 usage or input error, 3 the target could not
be run or the run was interrupted (the report is still written).";

const PROBE_EXAMPLES: &str = "\
rpscope probe fetches https://{rp-id}/.well-known/webauthn the way each profile's browser does:
TLS verified against the system's roots (plus --cacert), no cookies, no credentials, no Referer,
redirects followed only to https and at most 20 times, the body read up to the profile's cap
(Chromium: 256 KiB, WebKit: 64 KiB) plus one byte, or 16 MiB, and everything within --timeout. Profiles that
fetch alike share one fetch. Every --origin (and every exact origin of --policy) is then decided
under each profile by rpscope's core, exactly as `rpscope check --well-known` would decide on the
same bytes, and the label table shows which registrable-origin labels count, in order, and where
each profile stops examining new ones.

Examples:
  # A country domain using the brand's RP ID (docs/probe.md walks it end to end):
  rpscope probe --rp-id example.com --origin https://example.co.uk --origin https://example.de

  # Every origin of a policy, only under Chromium, as JSON:
  rpscope probe --policy rp.toml --profile chromium --json

  # A staging host or a home lab: connect to another address, trust a private CA.
  rpscope probe --rp-id pve.example.com --origin https://pve.lan.example.com:8006 \\
    --connect-to pve.example.com:443:192.168.1.10:8006 --cacert pve-root.pem

  # Also fetch and judge what Android and iOS read for passkeys shared with apps, and compare
  # it with the policy's app origins (docs/mobile.md explains each finding):
  rpscope probe --policy rp.toml --android --ios

--android and --ios fetch the association files as the platforms do (no redirect followed, the
file's cap plus one byte) and read them with the same rules as `rpscope lint --assetlinks/--aasa`:
the login origins each android_app statement derives, webcredentials.apps, and with --policy the
comparison both ways (apps the policy lacks, android:apk-key-hash: origins the file lacks, and
whether the policy admits https://{rp-id}, the origin iOS apps present).

--connect-to HOST:PORT:ADDR:PORT2 works as in curl: a request for HOST:PORT connects to
ADDR:PORT2 while the URL, the TLS server name and the certificate check keep HOST (an empty field
matches any host or port, or keeps the original). Progress goes to stderr, the report to stdout.
`rpscope probe --schema` prints the JSON report's schema.

Exit codes: 0 every origin accepted under every profile, 1 a reject or an error-severity finding
in an association file asked for (--android, --ios), 2 usage or input error,
3 a document could not be fetched at all (DNS, connection, TLS, timeout, too many redirects or a
loop, a body over 16 MiB): the report is still printed, and browsers would decide on the local
check alone, as shown.";

#[derive(Args)]
struct ProbeArgs {
    /// The RP ID whose https://{RP_ID}/.well-known/webauthn is fetched [default: the policy's first
    /// RP ID]
    #[arg(long, value_name = "RP_ID", required_unless_present_any = ["policy", "schema"])]
    rp_id: Option<String>,
    /// A caller origin to decide (repeat for several)
    #[arg(long, value_name = "ORIGIN")]
    origin: Vec<String>,
    /// Decide every exact origin of this policy too (TOML as for `rpscope verify`, at most 4 MiB)
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Decide under this profile (repeat for several) [default: every profile]
    #[arg(long, value_name = "PROFILE", value_parser = profile_values(&[]))]
    profile: Vec<String>,
    /// Also fetch and judge https://{RP_ID}/.well-known/assetlinks.json (Android apps), without
    /// redirects, at most 1 MiB
    #[arg(long)]
    android: bool,
    /// Also fetch and judge https://{RP_ID}/.well-known/apple-app-site-association (iOS apps),
    /// without redirects, at most 128 KiB
    #[arg(long)]
    ios: bool,
    /// Connect to ADDR:PORT2 for requests to HOST:PORT, as curl does (repeatable; first match wins)
    #[arg(long, value_name = "HOST:PORT:ADDR:PORT2")]
    connect_to: Vec<String>,
    /// Also trust the CA certificates of this PEM file (repeatable; at most 1 MiB each)
    #[arg(long, value_name = "FILE")]
    cacert: Vec<PathBuf>,
    /// Trust only the --cacert certificates, not the system's store
    #[arg(long, requires = "cacert")]
    no_system_roots: bool,
    /// Seconds one fetch may take, connection, redirects and body together (0 < SECONDS <= 3600)
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = timeout_seconds)]
    timeout: f64,
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
    /// Print the JSON report's schema and exit
    #[arg(long, exclusive = true)]
    schema: bool,
}

const VERIFY_EXAMPLES: &str = "\
The policy file (TOML):
  rp_ids = [\"example.com\"]
  origins = [\"https://example.com\", \"https://*.example.com\", \"https://pve.example.com:*\",
             \"android:apk-key-hash:2jmj7l5rSw0yVb_vlWAYkK_YBwk\"]
  allow_cross_origin = false      # default
  top_origins = []                # default

Patterns: an exact origin (case, a trailing / and a default port are normalised away), a
subdomain wildcard https://*.example.com (strict subdomains, never the apex), a port wildcard
https://example.com:*, or an app origin (exact, case-sensitive). The presented origin must be a
serialised origin, as browsers send it. Checks run in order: origin, cross-origin consistency,
top origin, rpIdHash.

Examples:
  rpscope verify --policy rp.toml --origin https://login.example.com
  rpscope verify --policy rp.toml --origin https://example.com --cross-origin --top-origin https://shop.example.net
  rpscope verify --policy rp.toml --origin https://example.com \\
    --rp-id-hash a379a6f6eeafb9a55e378c118034e2751e682fab9f2d30ab13d2125586ce1947

Batch lines: {\"id\", \"policy\": {…}, \"origin\", \"cross_origin\", \"top_origin\", \"rp_id_hash\" (hex)}; a line
without \"policy\" uses --policy FILE. Output {\"id\", \"verdict\", \"reason\", \"explanation\"}, or {\"id\", \"line\",
\"error\"} for a line that cannot be read (a line over 1 MiB is one such error, and the run goes on).
Each answer is written as soon as its line is decided, so rpscope can run as a co-process.

Exit codes: 0 accept, 1 reject, 2 usage or input error (a batch exits 0 unless its input cannot be read).";

#[derive(Args)]
struct VerifyArgs {
    /// The RP's policy (TOML, at most 4 MiB); with --batch, the policy of lines that carry none
    #[arg(long, value_name = "FILE", required_unless_present = "batch")]
    policy: Option<PathBuf>,
    /// clientDataJSON.origin
    #[arg(long, value_name = "ORIGIN", required_unless_present = "batch")]
    origin: Option<String>,
    /// clientDataJSON.crossOrigin is true
    #[arg(long)]
    cross_origin: bool,
    /// clientDataJSON.topOrigin
    #[arg(long, value_name = "ORIGIN")]
    top_origin: Option<String>,
    /// authenticatorData.rpIdHash, as hex
    #[arg(long, value_name = "HEX")]
    rp_id_hash: Option<String>,
    /// Print the verdict as one JSON object
    #[arg(long)]
    json: bool,
    /// Read JSON Lines requests from FILE (`-` for stdin), each with its own policy or the
    /// --policy one; a line may be at most 1 MiB
    #[arg(long, value_name = "FILE", conflicts_with_all = ["origin", "cross_origin", "top_origin", "rp_id_hash", "json"])]
    batch: Option<PathBuf>,
}

const LINT_EXAMPLES: &str = "\
The configuration is a policy (as for `rpscope verify`) with an optional [deployment] table:

  rp_ids = [\"pve.example.com\"]
  origins = [\"https://pve.example.com\", \"https://local.pve.example.com\"]

  [deployment]
  served_at = [\"https://local.pve.example.com:8006/\"]   # the URLs users actually open
  well_known = \"webauthn.json\"   # served at https://{rp_ids[0]}/.well-known/webauthn

For this home-lab configuration rpscope lint reports port-not-configured: users open the
hypervisor on :8006, browsers put the port into clientDataJSON.origin, and the policy lists the
host without it. Fix: add https://local.pve.example.com:8006 (or https://local.pve.example.com:*).

It also reports: origins no RP ID covers (and no related-origins document lists), RP IDs that are
public suffixes or IPs, http origins other than localhost, origins not written as browsers send
them, related-origins documents over 5 labels, wildcards that admit any subdomain, cross-origin
settings that cannot work, and malformed android:apk-key-hash values. docs/lint.md lists every code.

Mobile apps and migrations (docs/mobile.md):
  rpscope lint rp.toml --assetlinks assetlinks.json   # get_login_creds, fingerprints, app origins both ways
  rpscope lint rp.toml --aasa apple-app-site-association   # webcredentials.apps, HTML fallbacks, https://<rp_id>
  rpscope lint new.toml --previous old.toml           # a changed RP ID strands every passkey

The files are judged as served at https://{rp_ids[0]} with status 200 and application/json;
a file over its cap (assetlinks.json 1 MiB, apple-app-site-association 128 KB) is a finding,
and is not read whole.

Exit codes: 0 no error (warnings allowed), 1 at least one error, 2 usage or input error.";

#[derive(Args)]
struct LintArgs {
    /// The RP configuration (TOML, at most 4 MiB)
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The /.well-known/webauthn document served at the first RP ID (overrides [deployment]
    /// well_known; at most 16 MiB)
    #[arg(long, value_name = "FILE")]
    well_known: Option<PathBuf>,
    /// The HTTP status the well-known document is served with
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = clap::value_parser!(u16).range(100..=599))]
    well_known_status: u16,
    /// The Content-Type the well-known document is served with
    #[arg(long, value_name = "TYPE", default_value = "application/json")]
    well_known_content_type: String,
    /// /.well-known/assetlinks.json as served at the first RP ID (Android apps; read up to
    /// 1 MiB)
    #[arg(long, value_name = "FILE")]
    assetlinks: Option<PathBuf>,
    /// /.well-known/apple-app-site-association as served at the first RP ID (iOS apps; read up
    /// to 128 KB)
    #[arg(long, value_name = "FILE")]
    aasa: Option<PathBuf>,
    /// The configuration this one replaces: a dropped RP ID strands every passkey registered
    /// under it (error), dropped origins are noted (at most 4 MiB)
    #[arg(long, value_name = "FILE")]
    previous: Option<PathBuf>,
    /// Print the findings as JSON (the same as --format json)
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// Output format: human, json, or sarif (SARIF 2.1.0 for code scanning, each finding on
    /// the line of the configuration it concerns)
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = ["human", "json", "sarif"])]
    format: String,
}

const ANDROID_ORIGIN_EXAMPLES: &str = "\
An Android app's clientDataJSON.origin is android:apk-key-hash: followed by the base64url (no
padding) of the SHA-256 fingerprint of its signing certificate. List that origin in the RP's
policy, and the fingerprint in /.well-known/assetlinks.json (docs/mobile.md).

Examples:
  keytool -list -v -keystore release.jks | grep SHA256
  rpscope android-origin F0:D0:46:D0:BD:07:D1:15:2C:F3:65:16:FF:21:AB:11:5C:D8:D7:00:93:F3:B4:42:35:A6:AD:7F:11:5E:29:E1
  android:apk-key-hash:8NBG0L0H0RUs82UW_yGrEVzY1wCT87RCNaatfxFeKeE

Colon-separated or plain hex, either case. A 20-byte SHA-1 fingerprint (keytool prints both) is
refused with that reason.

Exit codes: 0 printed, 2 not a SHA-256 fingerprint.";

#[derive(Args)]
struct AndroidOriginArgs {
    /// The SHA-256 fingerprint of the signing certificate (32 bytes as hex, with or without colons)
    #[arg(value_name = "SHA256_FINGERPRINT")]
    fingerprint: String,
}

#[derive(Args)]
struct ConformanceArgs {
    /// What to run the cases against: `builtin` (rpscope's core) or `adapter:COMMAND`
    /// (a shell command speaking docs/protocol.md)
    #[arg(long, value_name = "TARGET", default_value = "builtin")]
    target: String,

    /// Instead of the corpus, run adversarial cases derived from this RP policy file
    /// (sibling subdomains, look-alikes, suffix extensions, scheme and port changes, …; the file
    /// at most 4 MiB)
    #[arg(long, value_name = "FILE", conflicts_with = "corpus")]
    policy: Option<PathBuf>,

    /// Seconds an adapter may take to answer one case before it is restarted (0 < SECONDS <= 3600)
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = timeout_seconds)]
    timeout: f64,

    /// Seconds an adapter may take to start and answer the handshake, at the first start and
    /// at every restart [default: the --timeout value]
    #[arg(long, value_name = "SECONDS")]
    start_timeout: Option<f64>,

    /// Run only this client profile, or `server` for the server-side cases only
    /// [default: every client profile and the server-side cases]
    #[arg(long, value_name = "PROFILE", value_parser = profile_values(&[("server", "the server-side cases only")]))]
    profile: Option<String>,

    /// Run only cases whose id contains this text (e.g. `dots::` for one topic)
    #[arg(long, value_name = "SUBSTR")]
    filter: Option<String>,

    /// Report format on stdout: human, json, junit or markdown
    #[arg(long, value_name = "FORMAT", default_value = "human")]
    format: String,

    /// Also write the report as FORMAT to PATH, from the same run (repeatable:
    /// `--output junit=rpscope.xml --output json=rpscope.json --output markdown=$GITHUB_STEP_SUMMARY`)
    #[arg(long = "output", value_name = "FORMAT=PATH")]
    outputs: Vec<String>,

    /// Which failures make the exit code 1: `any` failing result, or only `security`
    /// findings (false accepts); 2 and 3 keep their meaning either way
    #[arg(long, value_name = "WHICH", default_value = "any", value_parser = ["any", "security"])]
    fail_on: String,

    /// Print only the summary lines (human format)
    #[arg(long, short, conflicts_with = "verbose")]
    quiet: bool,

    /// List every skipped result with its reason (human format)
    #[arg(long, short)]
    verbose: bool,

    /// Read the corpus from this directory (flags.toml, cases/*.toml) instead of the embedded one
    /// (at most 4 MiB a file, 32 MiB in all)
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,

    /// A JSON file of cases this implementation knowingly decides otherwise (at most 4 MiB)
    #[arg(long, value_name = "FILE")]
    known_divergences: Option<PathBuf>,
}

const MATRIX_EXAMPLES: &str = "\
Each adapter runs the corpus as `rpscope conformance --target adapter:COMMAND` would. A library
that accepts what must be rejected has a security finding, one that rejects what must be accepted
an interoperability finding; both are results, listed per case in the Markdown, and do not make
the command fail unless --strict is given.

Examples:
  rpscope matrix --install --write docs/results.md     # install pinned libraries, run all
  rpscope matrix --only py_webauthn --filter server-port::
  rpscope matrix --json results.json                    # every report, for comparing runs

Exit codes: 0 every adapter ran (findings included), 1 an adapter could not be installed or
started (or, with --strict, any finding), 2 usage or input error.";

#[derive(Args)]
struct MatrixArgs {
    /// The adapter manifest
    #[arg(long, value_name = "FILE", default_value = "adapters/adapters.toml")]
    adapters: PathBuf,
    /// Only these adapters (by name; repeat or separate with commas)
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    only: Vec<String>,
    /// Run each adapter's install command first
    #[arg(long)]
    install: bool,
    /// Write the Markdown matrix to this file instead of stdout
    #[arg(long, value_name = "FILE")]
    write: Option<PathBuf>,
    /// Also write every report as one JSON document
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Run only cases whose id contains this text
    #[arg(long, value_name = "SUBSTR")]
    filter: Option<String>,
    /// Seconds an adapter may take to answer one case (0 < SECONDS <= 3600)
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = timeout_seconds)]
    timeout: f64,
    /// Exit 1 when any library has a finding or error
    #[arg(long)]
    strict: bool,
}

const SITE_EXAMPLES: &str = "\
Writes DIR/index.html (the matrix: library x topic, findings by case, browsers, every case),
DIR/cases/<topic>.<name>.html, DIR/libraries/<adapter>.html, DIR/badges/<adapter>.json (shields.io
endpoint badges) and DIR/style.css. Plain HTML, relative links, no scripts: open it from file://
or publish it as it is (docs/site.md).

Examples:
  rpscope site target/site                              # docs/results.json, embedded corpus
  rpscope site _site --results results.json --corpus corpus

Exit codes: 0 written, 2 an input cannot be read or the site cannot be written.";

#[derive(Args)]
struct SiteArgs {
    /// The directory to write (created when missing; files in it are overwritten)
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// The results matrix, as `rpscope matrix --json` writes it (at most 64 MiB)
    #[arg(long, value_name = "FILE", default_value = "docs/results.json")]
    results: PathBuf,
    /// Read the corpus from this directory instead of the embedded one
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
}

#[derive(Subcommand)]
enum AdapterCommand {
    /// Print, as JSON Lines, every message the runner would send to an adapter
    #[command(after_long_help = "\
Pipe the output into an adapter to see what it answers before running it under the runner:
  rpscope adapter requests --filter server-port:: | python3 adapters/py_webauthn/adapter.py

The first lines are `start` and the control ceremonies (seq 0), the last is `stop`.")]
    Requests {
        /// Only cases whose id contains this text
        #[arg(long, value_name = "SUBSTR")]
        filter: Option<String>,
        /// registration, authentication or both
        #[arg(long, value_name = "CEREMONY", default_value = "both", value_parser = ["registration", "authentication", "both"])]
        ceremony: String,
        /// Also print the client-side cases
        #[arg(long)]
        client: bool,
        /// Derive the cases from this policy file instead of the corpus
        #[arg(long, value_name = "FILE", conflicts_with = "corpus")]
        policy: Option<PathBuf>,
        /// Read this corpus directory instead of the embedded one
        #[arg(long, value_name = "DIR")]
        corpus: Option<PathBuf>,
    },
    /// Print the protocol's JSON Schemas (or write them into a directory)
    Schema {
        /// Write runner-to-adapter.schema.json and adapter-to-runner.schema.json into this directory
        #[arg(long, value_name = "DIR")]
        write: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum CorpusCommand {
    /// Check ids, uniqueness, sources, flags, notes and reason codes of every case
    Lint {
        /// Lint this corpus directory instead of the embedded one
        #[arg(long, value_name = "DIR")]
        corpus: Option<PathBuf>,
    },
    /// Write the whole corpus as one document, for harnesses in other languages
    Export {
        /// Output format (only json)
        #[arg(long, value_name = "FORMAT", default_value = "json", value_parser = ["json"])]
        format: String,
        /// Export this corpus directory instead of the embedded one
        #[arg(long, value_name = "DIR")]
        corpus: Option<PathBuf>,
    },
    /// Convert the Public Suffix List's test_psl.txt into the psl-tests topic (TOML on stdout)
    ImportPslTests {
        /// The test_psl.txt file (data/psl/test_psl.txt is the vendored one)
        file: PathBuf,
    },
    /// Write fuzz seeds generated from the corpus into DIR/<target>/ (corpus/fuzz is the committed set)
    FuzzSeeds {
        /// The output directory
        dir: PathBuf,
        /// Read this corpus directory (and its mobile/ cases, for mobile_files) instead of the embedded one
        #[arg(long, value_name = "DIR")]
        corpus: Option<PathBuf>,
    },
    /// Print the JSON Schemas of the case file and the report (or write them)
    Schema {
        /// Write case-file.schema.json, mobile-file.schema.json and report.schema.json into this directory
        #[arg(long, value_name = "DIR")]
        write: Option<PathBuf>,
    },
}

const CHECK_EXAMPLES: &str = "\
Examples:
  # The spec's own example: a page on port 1337 may use its parent domain.
  rpscope check --origin https://login.example.com:1337 --rp-id example.com

  # A look-alike is not a subdomain (exit 1).
  rpscope check --origin https://evil-example.com --rp-id example.com

  # A country domain using the brand's RP ID through /.well-known/webauthn.
  echo '{\"origins\":[\"https://example.co.uk\"]}' > wk.json
  rpscope check --origin https://example.co.uk --rp-id example.com --well-known wk.json

  # Many requests as JSON Lines, one verdict line per input line.
  echo '{\"id\":\"a\",\"origin\":\"https://pve.example.com:8006\",\"rp_id\":\"example.com\"}' \\
    | rpscope check --batch -

Batch input lines: {\"id\", \"origin\", \"rp_id\", \"profile\", \"well_known\": {\"status\", \
\"content_type\", \"body\", \"redirects\": [URL, …]}}; only \"origin\" is required; \"well_known\" absent or null means the \
fetch failed. A line without \"profile\" is decided under --profile. Output lines: {\"id\", \"verdict\", \"reason\", \
\"rp_id\", \"profile\", \"explanation\"}, or {\"id\", \"line\", \"error\"} for a line that could not be read \
(a line over 1 MiB is one such error, and the run goes on). Each answer is written as soon as its \
line is decided, so rpscope can run as a co-process.

Exit codes: 0 accept, 1 reject, 2 usage or input error (a batch exits 0 unless its input \
could not be read).";

#[derive(Args)]
struct CheckArgs {
    /// The caller's origin (any URL of the calling page works)
    #[arg(long, value_name = "ORIGIN", required_unless_present = "batch")]
    origin: Option<String>,

    /// The requested RP ID [default: the caller's effective domain]
    #[arg(long, value_name = "RP_ID")]
    rp_id: Option<String>,

    /// The client profile to decide under
    #[arg(long, value_name = "PROFILE", default_value = "spec", value_parser = profile_values(&[]), long_help = "The client profile to decide under (docs/profiles.md lists every divergence)")]
    profile: String,

    /// The body served at https://{rp-id}/.well-known/webauthn (`-` for stdin; at most 16 MiB,
    /// or the profile's body cap and one byte); without it, the fetch counts as failed
    #[arg(long, value_name = "FILE")]
    well_known: Option<PathBuf>,

    /// The HTTP status of the well-known response
    #[arg(long, value_name = "N", default_value_t = 200, requires = "well_known", value_parser = clap::value_parser!(u16).range(100..=599))]
    well_known_status: u16,

    /// The Content-Type of the well-known response
    #[arg(
        long,
        value_name = "TYPE",
        default_value = "application/json",
        requires = "well_known"
    )]
    well_known_content_type: String,

    /// A URL the well-known fetch was redirected through before the final response
    /// (repeat for a chain, in order)
    #[arg(long, value_name = "URL", requires = "well_known")]
    well_known_redirect: Vec<String>,

    /// Print the verdict as one JSON object
    #[arg(long)]
    json: bool,

    /// Read JSON Lines requests from FILE (`-` for stdin) and write one verdict line each;
    /// --profile decides lines that name none; a line may be at most 1 MiB
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["origin", "rp_id", "well_known", "json"]
    )]
    batch: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "rpscope: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: Cli) -> Result<Exit, CliError> {
    let psl = load_psl(cli.psl.as_deref())?;
    match cli.command {
        Command::Check(args) => run_check(args, &psl),
        Command::Verify(args) => run_verify(args, &psl),
        Command::Probe(args) => {
            if args.schema {
                return probe::schema();
            }
            probe::run(
                probe::Args {
                    rp_id: args.rp_id.as_deref(),
                    origins: &args.origin,
                    policy: args.policy.as_deref(),
                    profiles: &args.profile,
                    android: args.android,
                    ios: args.ios,
                    connect_to: &args.connect_to,
                    cacerts: &args.cacert,
                    no_system_roots: args.no_system_roots,
                    timeout: std::time::Duration::from_secs_f64(args.timeout),
                    json: args.json,
                },
                &psl,
            )
        }
        Command::Lint(args) => lint::run(
            &args.file,
            lint::WellKnownArgs {
                file: args.well_known.as_deref(),
                status: args.well_known_status,
                content_type: &args.well_known_content_type,
            },
            lint::MoreArgs {
                assetlinks: args.assetlinks.as_deref(),
                aasa: args.aasa.as_deref(),
                previous: args.previous.as_deref(),
            },
            match (args.json, args.format.as_str()) {
                (true, _) | (_, "json") => lint::Output::Json,
                (_, "sarif") => lint::Output::Sarif,
                _ => lint::Output::Human,
            },
            &psl,
        ),
        Command::AndroidOrigin(args) => android_origin::run(&args.fingerprint),
        Command::Conformance(args) => {
            let (profile, side) = match args.profile.as_deref() {
                None => (None, None),
                Some("server") => (None, Some(Side::Server)),
                Some(name) => (
                    Some(
                        check::profile_named(name)
                            .map_err(|e| CliError::new(format!("{e}, or server")))?,
                    ),
                    Some(Side::Client),
                ),
            };
            let format = Format::parse(&args.format).ok_or_else(|| {
                CliError::new(format!(
                    "unknown format `{}` (expected one of: human, json, junit, markdown)",
                    args.format
                ))
            })?;
            let seconds =
                |flag: &str, value: f64| match std::time::Duration::try_from_secs_f64(value) {
                    Ok(d) if !d.is_zero() => Ok(d),
                    _ => Err(CliError::new(format!(
                        "{flag} must be a positive number of seconds"
                    ))),
                };
            let timeout = seconds("--timeout", args.timeout)?;
            let start_timeout = seconds(
                "--start-timeout",
                args.start_timeout.unwrap_or(args.timeout),
            )?;
            conformance::run(
                conformance::Args {
                    target: conformance::TargetSpec::parse(&args.target)?,
                    policy: args.policy.as_deref(),
                    timeout,
                    start_timeout,
                    corpus: args.corpus.as_deref(),
                    profile,
                    side,
                    filter: args.filter.as_deref(),
                    format,
                    outputs: args
                        .outputs
                        .iter()
                        .map(|o| parse_output(o))
                        .collect::<Result<_, _>>()?,
                    security_only: args.fail_on == "security",
                    detail: match (args.quiet, args.verbose) {
                        (true, _) => Detail::Quiet,
                        (_, true) => Detail::Verbose,
                        _ => Detail::Normal,
                    },
                    known_divergences: args.known_divergences.as_deref(),
                },
                &psl,
            )
        }
        Command::Matrix(args) => {
            if !(args.timeout.is_finite() && args.timeout > 0.0) {
                return Err(CliError::new(
                    "--timeout must be a positive number of seconds",
                ));
            }
            matrix::run(
                matrix::Args {
                    manifest: &args.adapters,
                    only: &args.only,
                    install: args.install,
                    write: args.write.as_deref(),
                    json: args.json.as_deref(),
                    filter: args.filter.as_deref(),
                    timeout: std::time::Duration::from_secs_f64(args.timeout),
                    strict: args.strict,
                },
                &psl,
            )
        }
        Command::Site(args) => site::run(site::Args {
            out: &args.dir,
            results: &args.results,
            corpus: args.corpus.as_deref(),
        }),
        Command::Adapter(AdapterCommand::Requests {
            filter,
            ceremony,
            client,
            policy,
            corpus,
        }) => {
            use rpscope_adapter::protocol::Ceremony;
            let ceremonies = match ceremony.as_str() {
                "registration" => vec![Ceremony::Registration],
                "authentication" => vec![Ceremony::Authentication],
                _ => vec![Ceremony::Registration, Ceremony::Authentication],
            };
            adapter::requests(
                adapter::RequestsArgs {
                    corpus: corpus.as_deref(),
                    policy: policy.as_deref(),
                    filter: filter.as_deref(),
                    ceremonies,
                    client,
                },
                &psl,
            )
        }
        Command::Adapter(AdapterCommand::Schema { write }) => adapter::schema(write.as_deref()),
        #[cfg(feature = "browser")]
        #[cfg(feature = "browser")]
        Command::Browser(args) if args.psl_snapshot => {
            rpscope_cli::psl_snapshot::run(rpscope_cli::psl_snapshot::Args {
                browsers: browser::parse_browsers(&args.browser)?,
                git: args.psl_git.as_deref().unwrap_or(Path::new(".")),
                since: &args.psl_since,
                max_probes: args.psl_max_probes,
                time_limit: std::time::Duration::from_secs(args.psl_time_limit),
                write: args.write.as_deref(),
                today: rpscope_cli::psl_snapshot::today(),
            })
        }
        Command::Browser(args) => browser::run(browser::Args {
            browsers: browser::parse_browsers(&args.browser)?,
            filter: args.filter.as_deref(),
            format: parse_format(&args.format)?,
            corpus: args.corpus.as_deref(),
            annotations: args.annotations.as_deref(),
            record: args.record,
            write_docs: args.write_docs.as_deref(),
            verbose: args.verbose,
            strict: args.strict,
            fido_log: args.fido_log,
        }),
        Command::Corpus(CorpusCommand::Lint { corpus }) => corpus::lint(corpus.as_deref()),
        Command::Corpus(CorpusCommand::Export { corpus, .. }) => corpus::export(corpus.as_deref()),
        Command::Corpus(CorpusCommand::Schema { write }) => corpus::schema(write.as_deref()),
        Command::Corpus(CorpusCommand::ImportPslTests { file }) => {
            corpus::import_psl_tests(&file, psl.current())
        }
        Command::Corpus(CorpusCommand::FuzzSeeds { dir, corpus }) => {
            corpus::fuzz_seeds(corpus.as_deref(), &dir)
        }
    }
}

/// `--output FORMAT=PATH`.
fn parse_output(text: &str) -> Result<(Format, PathBuf), CliError> {
    let bad = || {
        CliError::new(format!(
            "--output takes FORMAT=PATH with FORMAT one of human, json, junit, markdown (got `{text}`)"
        ))
    };
    let (format, path) = text.split_once('=').ok_or_else(bad)?;
    let format = Format::parse(format).ok_or_else(bad)?;
    if path.is_empty() {
        return Err(bad());
    }
    Ok((format, PathBuf::from(path)))
}

#[cfg(feature = "browser")]
fn parse_format(name: &str) -> Result<Format, CliError> {
    Format::parse(name).ok_or_else(|| {
        CliError::new(format!(
            "unknown format `{name}` (expected one of: human, json, junit, markdown)"
        ))
    })
}

fn run_check(args: CheckArgs, psl: &PslSnapshots) -> Result<Exit, CliError> {
    let profile = check::profile_named(&args.profile).map_err(CliError::new)?;
    if let Some(path) = &args.batch {
        return check::batch(input::open(path)?, &profile, psl);
    }
    let body = match &args.well_known {
        Some(path) => Some(check::read_well_known(path, &profile)?),
        None => None,
    };
    let origin = args.origin.as_deref().unwrap_or_default();
    check::single(
        check::Single {
            origin,
            rp_id: args.rp_id.as_deref(),
            profile,
            well_known: body.as_ref().map(|b| {
                (
                    args.well_known_status,
                    args.well_known_content_type.as_str(),
                    b,
                )
            }),
            redirects: &args.well_known_redirect,
            json: args.json,
        },
        psl,
    )
}

fn run_verify(args: VerifyArgs, psl: &PslSnapshots) -> Result<Exit, CliError> {
    if let Some(path) = &args.batch {
        let default = args
            .policy
            .as_deref()
            .map(verify::read_policy)
            .transpose()?;
        return verify::batch(input::open(path)?, default.as_ref(), psl);
    }
    let (Some(policy), Some(origin)) = (&args.policy, &args.origin) else {
        return Err(CliError::new(
            "--policy and --origin are required without --batch",
        ));
    };
    let policy = verify::read_policy(policy)?;
    let rp_id_hash = match &args.rp_id_hash {
        Some(h) => Some(verify::decode_hash(h).map_err(CliError::new)?),
        None => None,
    };
    verify::single(
        &policy,
        verify::Single {
            origin,
            cross_origin: args.cross_origin,
            top_origin: args.top_origin.as_deref(),
            rp_id_hash,
            json: args.json,
        },
        psl,
    )
}

/// Each profile's built-in snapshot, or `--psl FILE` for every profile.
fn load_psl(path: Option<&Path>) -> Result<PslSnapshots, CliError> {
    let Some(path) = path else {
        return Ok(PslSnapshots::builtin());
    };
    let text = input::read_text(path, &input::PSL)?;
    PublicSuffixList::parse(&text)
        .map(PslSnapshots::only)
        .map_err(|e| CliError::new(format!("{}: {e}", path.display())))
}
