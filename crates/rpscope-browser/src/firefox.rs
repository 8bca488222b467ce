//! Firefox ESR over WebDriver (geckodriver), with its WebAuthn virtual authenticator.
//!
//! Firefox has no host-resolver remapping: `network.dns.forceResolve` sends every name
//! to 127.0.0.1 but keeps the port, so the oracle's server listens on every port a
//! case's page uses (443, 80, 1337…), which needs root for ports below 1024. The run's
//! CA goes into the profile's `cert9.db` (certutil), so no certificate override is
//! involved (WebAuthn refuses overridden certificates unless
//! `security.webauthn.allow_with_certificate_override`). The soft token must be enabled
//! and the USB token disabled, or the virtual authenticator is ignored and every
//! ceremony waits for a timeout.
//!
//! The profile, `HOME` and `TMPDIR` all live in a temporary directory the run owns.

use crate::ceremony::{self, PageOutcome};
use crate::driver::RunDir;
use crate::driver::{find_program, trust_in_nss_db, BrowserDriver, Failure, OwnedChild};
use crate::plan::Plan;
use crate::server::Server;
use crate::webdriver::Session;
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Where Firefox is looked for (`RPSCOPE_FIREFOX` overrides).
pub const FIREFOX_CANDIDATES: &[&str] =
    &["/usr/lib/firefox-esr/firefox-esr", "firefox-esr", "firefox"];

/// Where geckodriver is looked for (`RPSCOPE_GECKODRIVER` overrides); `cargo install`
/// puts it in `~/.cargo/bin`.
pub const GECKODRIVER_CANDIDATES: &[&str] = &["geckodriver", "/root/.cargo/bin/geckodriver"];

/// Preferences the oracle's profile gets (`user.js`).
pub const PREFS: &[(&str, &str)] = &[
    // The virtual authenticator is the soft token; without these it is ignored.
    ("security.webauth.webauthn_enable_softtoken", "true"),
    ("security.webauth.webauthn_enable_usbtoken", "false"),
    // Every name to the oracle's server.
    ("network.dns.forceResolve", "\"127.0.0.1\""),
    ("network.dns.disableIPv6", "false"),
    // Keep `http:` callers on `http:` (HTTPS-First would measure another origin).
    ("dom.security.https_first", "false"),
    ("dom.security.https_first_pbm", "false"),
    ("dom.security.https_first_schemeless", "false"),
    ("dom.security.https_only_mode", "false"),
    // Background services would reach the oracle's server through forceResolve.
    ("network.http.http3.enable", "false"),
    ("network.captive-portal-service.enabled", "false"),
    ("network.connectivity-service.enabled", "false"),
    ("network.dns.disablePrefetch", "true"),
    ("network.prefetch-next", "false"),
    ("network.predictor.enabled", "false"),
    ("browser.safebrowsing.malware.enabled", "false"),
    ("browser.safebrowsing.phishing.enabled", "false"),
    ("browser.safebrowsing.downloads.enabled", "false"),
    ("browser.safebrowsing.update.enabled", "false"),
    (
        "services.settings.server",
        "\"https://remote-settings.invalid/v1\"",
    ),
    ("app.update.auto", "false"),
    ("app.update.enabled", "false"),
    ("extensions.update.enabled", "false"),
    ("extensions.getAddons.cache.enabled", "false"),
    ("datareporting.healthreport.uploadEnabled", "false"),
    ("datareporting.policy.dataSubmissionEnabled", "false"),
    ("toolkit.telemetry.enabled", "false"),
    ("toolkit.telemetry.server", "\"\""),
    ("browser.region.network.url", "\"\""),
    ("browser.newtabpage.enabled", "false"),
    ("browser.startup.homepage_override.mstone", "\"ignore\""),
    ("browser.shell.checkDefaultBrowser", "false"),
];

/// Options for starting Firefox.
#[derive(Debug, Clone, Default)]
pub struct FirefoxOptions {
    /// The Firefox binary (found on the system when `None`).
    pub binary: Option<PathBuf>,
    /// The geckodriver binary (found on the system when `None`).
    pub geckodriver: Option<PathBuf>,
}

/// A running Firefox session with a virtual authenticator.
pub struct Firefox {
    session: Session,
    authenticator: String,
    version: String,
    driver: OwnedChild,
    _dir: RunDir,
}

impl std::fmt::Debug for Firefox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Firefox")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl Firefox {
    /// Starts geckodriver and Firefox, and makes sure `server` listens on 443.
    pub fn start(server: &mut Server, options: &FirefoxOptions) -> Result<Firefox, String> {
        let firefox = match &options.binary {
            Some(b) => b.clone(),
            None => find_program("RPSCOPE_FIREFOX", FIREFOX_CANDIDATES).ok_or(
                "Firefox not found (install it with scripts/install-browsers.sh, or set RPSCOPE_FIREFOX)",
            )?,
        };
        let geckodriver = match &options.geckodriver {
            Some(b) => b.clone(),
            None => find_program("RPSCOPE_GECKODRIVER", GECKODRIVER_CANDIDATES).ok_or(
                "geckodriver not found (scripts/install-browsers.sh runs `cargo install geckodriver`; or set RPSCOPE_GECKODRIVER)",
            )?,
        };
        let certutil = find_program("RPSCOPE_CERTUTIL", &["certutil"]).ok_or(
            "certutil not found (Debian libnss3-tools): Firefox needs the run's CA in its profile",
        )?;
        ensure_listening(server, 443).map_err(|e| {
            format!(
                "{e} (Firefox cannot remap ports: the server must listen on 443, which needs root)"
            )
        })?;
        let dir = RunDir::create("rpscope-firefox-", server)?;
        let (home, profile, tmp, ca_file) = (&dir.home, &dir.profile, &dir.tmp, &dir.ca_file);
        trust_in_nss_db(&certutil, profile, ca_file, true)?;
        let user_js: String = PREFS
            .iter()
            .map(|(k, v)| format!("user_pref(\"{k}\", {v});\n"))
            .collect();
        std::fs::write(profile.join("user.js"), user_js)
            .map_err(|e| format!("cannot write user.js: {e}"))?;

        let port = free_port()?;
        let log = std::fs::File::create(dir.path().join("geckodriver.log"))
            .map_err(|e| format!("cannot create geckodriver.log: {e}"))?;
        let mut command = Command::new(&geckodriver);
        command
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .env("HOME", home)
            .env("TMPDIR", tmp)
            .env("MOZ_HEADLESS", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        let mut driver = OwnedChild::spawn("geckodriver", &mut command)?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(exit) = driver.exited() {
                return Err(exit);
            }
            if Instant::now() > deadline {
                return Err("geckodriver did not listen within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let session = Session::new(
            port,
            json!({
                "browserName": "firefox",
                "acceptInsecureCerts": false,
                "webauthn:virtualAuthenticators": true,
                "moz:firefoxOptions": {
                    "binary": firefox.display().to_string(),
                    "args": ["-headless", "-profile", profile.display().to_string()],
                },
            }),
        )
        .map_err(|e| e.to_string())?;
        let version = session
            .capabilities()
            .get("browserVersion")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        session
            .post("/timeouts", json!({ "script": 30_000, "pageLoad": 15_000 }))
            .map_err(|e| e.to_string())?;
        let authenticator = session
            .post(
                "/webauthn/authenticator",
                json!({
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": true,
                    "hasUserVerification": true,
                    "isUserConsenting": true,
                    "isUserVerified": true,
                }),
            )
            .map_err(|e| e.to_string())?
            .as_str()
            .map(str::to_owned)
            .ok_or("Add Virtual Authenticator answered without an id")?;
        Ok(Firefox {
            session,
            authenticator,
            version,
            driver,
            _dir: dir,
        })
    }
}

fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind(("127.0.0.1", 0)).map_err(|e| format!("no free port: {e}"))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// Listens on `port` on both loopback addresses (an `[::1]` page connects over IPv6)
/// unless it already does.
fn ensure_listening(server: &mut Server, port: u16) -> Result<(), String> {
    if server.ports().contains(&port) {
        return Ok(());
    }
    server
        .listen(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port))
        .map_err(|e| e.to_string())?;
    // IPv6 loopback is optional: a machine without it has no [::1] pages either.
    let _ = server.listen(SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port));
    Ok(())
}

/// Why a plan would make Firefox contact an address other than this machine's, if it
/// would. `network.dns.forceResolve` maps names only: an IP-literal page, or an IP RP
/// ID whose related-origins document Firefox fetches (its fetcher does not refuse IP
/// RP IDs), would be reached directly. Such cases are not run in Firefox, and neither
/// are URLs the WHATWG parser here refuses (Firefox's parser might read them as an
/// address).
pub fn off_machine_address(plan: &Plan) -> Option<String> {
    if plan.expected_origin.is_none() {
        return Some(
            "the URL parser here refuses this caller, and Firefox's parser might read it as an IP address, which network.dns.forceResolve does not map to the oracle".into(),
        );
    }
    let url_host = url::Url::parse(&plan.url)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()));
    let rp_host = plan.rp_id.as_deref().map(url::Host::parse);
    let outside = |h: &url::Host<String>| match h {
        url::Host::Ipv4(ip) => !ip.is_loopback(),
        url::Host::Ipv6(ip) => !ip.is_loopback(),
        url::Host::Domain(_) => false,
    };
    if let Some(h) = url_host.as_ref().filter(|h| outside(h)) {
        return Some(format!(
            "the caller's host {h} is an address off this machine: network.dns.forceResolve maps names only, so Firefox would contact it"
        ));
    }
    match rp_host {
        Some(Ok(h)) if outside(&h) => Some(format!(
            "the RP ID {h} is an address off this machine: Firefox fetches its related-origins document directly"
        )),
        Some(Err(_))
            if plan.rp_id.as_deref().is_some_and(|r| {
                r.chars()
                    .all(|c| c.is_ascii_hexdigit() || ".:[]%xX".contains(c))
            }) =>
        {
            Some("the RP ID looks like an address this parser refuses; Firefox might fetch from it directly".into())
        }
        _ => None,
    }
}

/// Firefox's network error page codes (`about:neterror?e=…`) that mean "Firefox does
/// not load this URL" (docshell/base/nsDocShell.cpp error page mapping).
const NOT_NAVIGABLE: &[&str] = &["deniedPortAccess", "malformedURI", "unknownProtocolFound"];

fn navigation_failure(code: &str, message: &str) -> Failure {
    if code == "invalid argument"
        || NOT_NAVIGABLE
            .iter()
            .any(|c| message.contains(&format!("e={c}")))
    {
        Failure::NotNavigable(format!("Firefox does not load this page: {message}"))
    } else if code == "insecure certificate" {
        // Seen for hosts with a trailing dot (`https://example.com.`): Firefox refuses
        // the leaf issued for the SNI name, and WebAuthn refuses overridden certificates,
        // so the page cannot be a trusted caller in this oracle.
        Failure::NotNavigable(
            "Firefox refuses the oracle's certificate for this host (WebDriver `insecure certificate`), and WebAuthn does not run on overridden certificates".into(),
        )
    } else {
        Failure::Broken(format!("navigation failed: {code}: {message}"))
    }
}

impl BrowserDriver for Firefox {
    fn browser(&self) -> rpscope_model::Browser {
        rpscope_model::Browser::Firefox
    }

    fn version(&self) -> &str {
        &self.version
    }

    fn run(&mut self, plan: &Plan, server: &mut Server) -> Result<PageOutcome, Failure> {
        off_machine_address(plan).map_or(Ok(()), |why| Err(Failure::NotNavigable(why)))?;
        for port in plan.port.iter().chain(&plan.hop_ports) {
            ensure_listening(server, *port).map_err(Failure::Broken)?;
        }
        let broken = |e: crate::webdriver::WebDriverError| Failure::Broken(e.to_string());
        self.session
            .delete(&format!(
                "/webauthn/authenticator/{}/credentials",
                self.authenticator
            ))
            .map_err(broken)?;
        if let Err(e) = self.session.post("/url", json!({ "url": plan.url })) {
            return Err(navigation_failure(&e.code, &e.message));
        }
        let script = format!(
            "const done = arguments[arguments.length - 1];\n({}).then(done, (e) => done(JSON.stringify({{ result: 'script-error', message: String(e) }})));",
            ceremony::script(plan.rp_id.as_deref())
        );
        let value = self
            .session
            .post("/execute/async", json!({ "script": script, "args": [] }))
            .map_err(broken)?;
        let text = value
            .as_str()
            .ok_or_else(|| Failure::Broken(format!("no report from the page: {value}")))?;
        let page = PageOutcome::parse(text).map_err(Failure::Broken)?;
        if page.result == "script-error" {
            return Err(Failure::Broken(format!(
                "the ceremony script failed: {}",
                page.message.unwrap_or_default()
            )));
        }
        Ok(page)
    }
}

impl Drop for Firefox {
    fn drop(&mut self) {
        // Deleting the session makes geckodriver end Firefox; then geckodriver itself
        // is ended by its id.
        let _ = self.session.delete("");
        self.driver.end(Duration::from_secs(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_urls_are_skips() {
        assert!(matches!(
            navigation_failure(
                "unknown error",
                "Reached error page: about:neterror?e=deniedPortAccess&u=…"
            ),
            Failure::NotNavigable(_)
        ));
        assert!(matches!(
            navigation_failure(
                "unknown error",
                "Reached error page: about:neterror?e=connectionFailure"
            ),
            Failure::Broken(_)
        ));
    }

    fn plan_for(origin: &str, rp_id: Option<&str>) -> Plan {
        let case = rpscope_corpus::ClientCase {
            id: "t::t".into(),
            description: String::new(),
            source: vec![],
            origin: origin.into(),
            rp_id: rp_id.map(str::to_owned),
            well_known: None,
            flags: vec![],
            expected: rpscope_corpus::Expected::all(rpscope_corpus::Outcome::Reject),
            reason: None,
            note: None,
        };
        crate::plan::plan(&case).expect("plan")
    }

    #[test]
    fn never_sends_firefox_to_an_address_off_this_machine() {
        assert!(off_machine_address(&plan_for("https://192.0.2.1", None)).is_some());
        assert!(off_machine_address(&plan_for("https://0xc0.0.2.1:8443", None)).is_some());
        assert!(off_machine_address(&plan_for("https://[2001:db8::1]", None)).is_some());
        assert!(off_machine_address(&plan_for("https://example.com", Some("10.0.0.1"))).is_some());
        assert!(
            off_machine_address(&plan_for("https://example.com", Some("[2001:db8::1]"))).is_some()
        );
        assert!(off_machine_address(&plan_for("https://256.0.0.1", None)).is_some());
        assert!(off_machine_address(&plan_for("https://example.com", Some("1.2.3.4.5"))).is_some());
        assert_eq!(
            off_machine_address(&plan_for("https://127.0.0.1", Some("0x7f.1"))),
            None
        );
        assert_eq!(
            off_machine_address(&plan_for("http://[::1]:8080", None)),
            None
        );
        assert_eq!(
            off_machine_address(&plan_for("https://login.example.com", Some("example.com"))),
            None
        );
    }

    #[test]
    fn prefs_are_valid_user_js_values() {
        for (k, v) in PREFS {
            assert!(
                matches!(*v, "true" | "false") || v.starts_with('"') && v.ends_with('"'),
                "{k} = {v}"
            );
        }
    }
}
