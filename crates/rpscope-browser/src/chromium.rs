//! Headless Chromium over the DevTools protocol, with a virtual CTAP2 authenticator.
//!
//! Every run starts a fresh browser in a temporary directory it owns: `--user-data-dir`
//! and `HOME` both point inside it (Chromium writes under `$HOME` even with a user data
//! dir), and so does `TMPDIR`. `--host-resolver-rules=MAP * 127.0.0.1:<port>` sends every
//! host to the oracle's server while the page keeps its own origin (scheme, host and
//! port), and the run's CA is trusted through an NSS database at `$HOME/.pki/nssdb`,
//! so pages are ordinary secure pages. Without `certutil` the run falls back to
//! `--ignore-certificate-errors` (the same verdicts were seen both ways) and says so.
//!
//! Per case: `WebAuthn.clearCredentials` (the virtual authenticator's store is small
//! and a full store fails `create()` with a misleading `NotAllowedError`),
//! `Page.navigate`, `Page.loadEventFired`, then `Runtime.evaluate` of the ceremony
//! script with `awaitPromise`.

use crate::cdp::Cdp;
use crate::ceremony::{self, PageOutcome};
use crate::driver::RunDir;
use crate::driver::{find_program, trust_in_nss_db, BrowserDriver, Failure, OwnedChild};
use crate::plan::Plan;
use crate::server::Server;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const STEP: Duration = Duration::from_secs(15);
const CEREMONY: Duration = Duration::from_secs(30);

/// Where the Chromium binary is looked for (`RPSCOPE_CHROMIUM` overrides). Debian's
/// `/usr/bin/chromium` is a shell wrapper that adds flags from `/etc/chromium.d`; the
/// binary behind it is used when present, so the flags are exactly the oracle's.
pub const CHROMIUM_CANDIDATES: &[&str] = &[
    "/usr/lib/chromium/chromium",
    "chromium",
    "chromium-browser",
    "google-chrome",
];

/// How the run's certificates are trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// The CA in `$HOME/.pki/nssdb`: pages are secure.
    NssDb,
    /// `--ignore-certificate-errors`: pages load, the security state is broken.
    IgnoreErrors,
}

/// Options for starting Chromium.
#[derive(Debug, Clone, Default)]
pub struct ChromiumOptions {
    /// The binary (found on the system when `None`).
    pub binary: Option<PathBuf>,
    /// Keep Chromium's FIDO logging in `chromium.log` in the run directory.
    pub fido_log: bool,
}

/// A running headless Chromium with a virtual authenticator.
pub struct Chromium {
    cdp: Cdp,
    session: String,
    authenticator: String,
    version: String,
    trust: Trust,
    child: OwnedChild,
    // Dropped last: the browser is gone before its files are removed.
    _dir: RunDir,
}

impl std::fmt::Debug for Chromium {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chromium")
            .field("version", &self.version)
            .field("trust", &self.trust)
            .finish_non_exhaustive()
    }
}

impl Chromium {
    /// Starts Chromium pointed at `server`.
    pub fn start(server: &Server, options: &ChromiumOptions) -> Result<Chromium, String> {
        let binary = match &options.binary {
            Some(b) => b.clone(),
            None => find_program("RPSCOPE_CHROMIUM", CHROMIUM_CANDIDATES).ok_or(
                "Chromium not found (install it with scripts/install-browsers.sh, or set RPSCOPE_CHROMIUM)",
            )?,
        };
        let dir = RunDir::create("rpscope-chromium-", server)?;
        let (home, profile, tmp, ca_file) = (&dir.home, &dir.profile, &dir.tmp, &dir.ca_file);
        let trust = match find_program("RPSCOPE_CERTUTIL", &["certutil"]) {
            Some(certutil) => {
                trust_in_nss_db(&certutil, &home.join(".pki/nssdb"), ca_file, true)?;
                Trust::NssDb
            }
            None => Trust::IgnoreErrors,
        };
        let mut command = Command::new(&binary);
        command
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                // HTTPS-Upgrades would turn an `http:` caller into `https:` (the server
                // speaks both on one port), measuring another origin than the case's.
                "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,MediaRouter",
                "--remote-debugging-port=0",
                "--remote-debugging-address=127.0.0.1",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!(
                "--host-resolver-rules=MAP * 127.0.0.1:{}",
                server.port()
            ))
            .env("HOME", home)
            .env("TMPDIR", tmp)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        if trust == Trust::IgnoreErrors {
            command.arg("--ignore-certificate-errors");
        }
        if options.fido_log {
            command.args(["--enable-logging=stderr", "--vmodule=*fido*=2,*webauth*=2"]);
        }
        let log = std::fs::File::create(dir.path().join("chromium.log"))
            .map_err(|e| format!("cannot create chromium.log: {e}"))?;
        command.stderr(log);
        command.arg("about:blank");
        let mut child = OwnedChild::spawn("chromium", &mut command)?;
        let (port, path) = wait_for_devtools(profile, &mut child, dir.path())?;
        let mut cdp = Cdp::connect(port, &path).map_err(|e| e.to_string())?;
        let call = |cdp: &mut Cdp, session: Option<&str>, method: &str, params: Value| {
            cdp.call(session, method, params, STEP)
                .map_err(|e| e.to_string())
        };
        let version = call(&mut cdp, None, "Browser.getVersion", json!({}))?
            .get("product")
            .and_then(Value::as_str)
            .map(|p| p.rsplit('/').next().unwrap_or(p).to_owned())
            .unwrap_or_default();
        let target = call(
            &mut cdp,
            None,
            "Target.createTarget",
            json!({ "url": "about:blank" }),
        )?;
        let target_id = str_field(&target, "targetId")?;
        let attached = call(
            &mut cdp,
            None,
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        )?;
        let session = str_field(&attached, "sessionId")?;
        let s = Some(session.as_str());
        call(&mut cdp, s, "Page.enable", json!({}))?;
        call(&mut cdp, s, "WebAuthn.enable", json!({ "enableUI": false }))?;
        let added = call(
            &mut cdp,
            s,
            "WebAuthn.addVirtualAuthenticator",
            json!({ "options": {
                "protocol": "ctap2",
                "ctap2Version": "ctap2_1",
                "transport": "internal",
                "hasResidentKey": true,
                "hasUserVerification": true,
                "isUserVerified": true,
                "automaticPresenceSimulation": true,
            }}),
        )?;
        let authenticator = str_field(&added, "authenticatorId")?;
        Ok(Chromium {
            cdp,
            session,
            authenticator,
            version,
            trust,
            child,
            _dir: dir,
        })
    }

    /// How certificates are trusted in this run.
    pub fn trust(&self) -> Trust {
        self.trust
    }

    fn call(&mut self, method: &str, params: Value, timeout: Duration) -> Result<Value, Failure> {
        self.cdp
            .call(Some(&self.session), method, params, timeout)
            .map_err(|e| Failure::Broken(self.with_exit(e.to_string())))
    }

    fn with_exit(&mut self, message: String) -> String {
        match self.child.exited() {
            Some(exit) => format!("{message} ({exit})"),
            None => message,
        }
    }
}

impl BrowserDriver for Chromium {
    fn browser(&self) -> rpscope_model::Browser {
        rpscope_model::Browser::Chromium
    }

    fn version(&self) -> &str {
        &self.version
    }

    fn run(&mut self, plan: &Plan, _server: &mut Server) -> Result<PageOutcome, Failure> {
        let authenticator = self.authenticator.clone();
        self.call(
            "WebAuthn.clearCredentials",
            json!({ "authenticatorId": authenticator }),
            STEP,
        )?;
        self.cdp.clear_events();
        let navigated = match self.cdp.call(
            Some(&self.session),
            "Page.navigate",
            json!({ "url": plan.url }),
            STEP,
        ) {
            Ok(v) => v,
            // content/browser/devtools/protocol/page_handler.cc: "Cannot navigate to
            // invalid URL" when GURL refuses the string.
            Err(e) if e.0.contains("invalid URL") => return Err(navigation_failure(&e.0)),
            Err(e) => return Err(Failure::Broken(self.with_exit(e.to_string()))),
        };
        if let Some(error) = navigated
            .get("errorText")
            .and_then(Value::as_str)
            .filter(|e| !e.is_empty())
        {
            return Err(navigation_failure(error));
        }
        // A navigation that only changes the fragment keeps the document: no load event.
        if navigated.get("loaderId").is_some() {
            let session = self.session.clone();
            self.cdp
                .wait_event(&session, "Page.loadEventFired", STEP)
                .map_err(|e| Failure::Broken(format!("waiting for the page to load: {e}")))?;
        }
        let evaluated = self.call(
            "Runtime.evaluate",
            json!({
                "expression": ceremony::script(plan.rp_id.as_deref()),
                "awaitPromise": true,
                "returnByValue": true,
                "userGesture": true,
            }),
            CEREMONY,
        )?;
        if let Some(details) = evaluated.get("exceptionDetails") {
            return Err(Failure::Broken(format!(
                "the ceremony script threw: {details}"
            )));
        }
        let text = evaluated
            .pointer("/result/value")
            .and_then(Value::as_str)
            .ok_or_else(|| Failure::Broken(format!("no report from the page: {evaluated}")))?;
        PageOutcome::parse(text).map_err(Failure::Broken)
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        // Browser.close ends Chromium and every process it started; the owned child is
        // then reaped, or killed by its id if it does not exit in time.
        let _ = self
            .cdp
            .call(None, "Browser.close", json!({}), Duration::from_secs(2));
        self.child.end(Duration::from_secs(5));
    }
}

/// Net errors meaning "this browser does not load that URL" rather than "the oracle
/// broke" (Chromium `net/base/net_error_list.h`).
const NOT_NAVIGABLE: &[&str] = &[
    "net::ERR_UNSAFE_PORT",
    "net::ERR_INVALID_URL",
    "net::ERR_DISALLOWED_URL_SCHEME",
    "net::ERR_UNKNOWN_URL_SCHEME",
    "net::ERR_ADDRESS_INVALID",
    "net::ERR_BLOCKED_BY_CLIENT",
    "net::ERR_BLOCKED_BY_ADMINISTRATOR",
];

fn navigation_failure(error: &str) -> Failure {
    if NOT_NAVIGABLE.iter().any(|e| error.starts_with(e)) || error.contains("invalid URL") {
        Failure::NotNavigable(format!("Chromium does not load this page: {error}"))
    } else {
        Failure::Broken(format!("navigation failed: {error}"))
    }
}

fn str_field(value: &Value, field: &str) -> Result<String, String> {
    value
        .get(field)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("DevTools reply without `{field}`: {value}"))
}

/// Reads `DevToolsActivePort` (port, then the browser target's path) once Chromium
/// has written it.
fn wait_for_devtools(
    profile: &Path,
    child: &mut OwnedChild,
    dir: &Path,
) -> Result<(u16, String), String> {
    let file = profile.join("DevToolsActivePort");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(&file) {
            let mut lines = text.lines();
            if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                if let Ok(port) = port.trim().parse::<u16>() {
                    return Ok((port, path.trim().to_owned()));
                }
            }
        }
        if let Some(exit) = child.exited() {
            let log = std::fs::read_to_string(dir.join("chromium.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(10).collect();
            return Err(format!(
                "{exit} before DevTools was ready:\n{}",
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            ));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Err("Chromium did not open DevTools within 30 s".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_urls_are_skips_and_network_trouble_is_an_error() {
        assert!(matches!(
            navigation_failure("net::ERR_UNSAFE_PORT"),
            Failure::NotNavigable(_)
        ));
        assert!(matches!(
            navigation_failure("Cannot navigate to invalid URL"),
            Failure::NotNavigable(_)
        ));
        assert!(matches!(
            navigation_failure("net::ERR_CONNECTION_REFUSED"),
            Failure::Broken(_)
        ));
    }
}
