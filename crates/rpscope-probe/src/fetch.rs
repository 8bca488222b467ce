//! One bounded HTTPS fetch of `https://{host}/.well-known/…`, recorded hop by hop.
//!
//! The fetcher does what a browser's fetch of a well-known document does and no
//! more: a GET over TLS verified against the trusted roots, no cookies, no
//! credentials, no `Referer`; redirects followed by hand so that every hop is
//! recorded, at most [`MAX_REDIRECTS`] of them (Fetch, "HTTP-redirect fetch",
//! step 5: a 21st redirect is a network error), only to the schemes the rules
//! allow; the body read up to the rules' cap plus one byte (all a client needs
//! to refuse an over-cap body) or [`MAX_READ_BYTES`] plus one; and the whole
//! fetch, connection and body, within one deadline.

use crate::connect_to::{ConnectTo, ConnectToResolver};
use rpscope_core::client::WellKnownResponse;
use rpscope_core::profile::{RedirectRule, RelatedOriginsRules};
use schemars::JsonSchema;
use serde::Serialize;
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::unversioned::transport::DefaultConnector;
use url::Url;

/// Fetch's redirect limit: the 21st redirect of one fetch is a network error
/// (<https://fetch.spec.whatwg.org/#http-redirect-fetch>, step 5).
pub const MAX_REDIRECTS: usize = 20;

/// The most body bytes rpscope reads when the rules set no cap: the limit
/// `rpscope check --well-known` reads a file under (16 MiB). A longer body ends the
/// fetch with [`FetchErrorKind::BodyTooLarge`]: no verdict can be given on bytes
/// never read.
pub const MAX_READ_BYTES: usize = 16 << 20;

/// The longest `--cacert` file accepted, in bytes.
pub const MAX_CACERT_BYTES: usize = 1 << 20;

/// Which redirects a fetch follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Redirects {
    /// None: the first redirect ends the fetch, recorded as the final response.
    NotFollowed,
    /// Only to https URLs; a redirect to another scheme is recorded, not requested.
    HttpsOnly,
    /// To http and https URLs.
    HttpAndHttps,
}

/// How one fetch behaves: what differs between profiles on the wire.
///
/// Status and content type do not change what is fetched; the core judges them
/// per profile on the record ([`FetchRecord::response`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
pub struct FetchRules {
    /// Which redirects are followed.
    pub redirects: Redirects,
    /// The largest body the client reads (`None`: no cap; rpscope still stops at
    /// [`MAX_READ_BYTES`]).
    pub max_body_bytes: Option<usize>,
}

impl FetchRules {
    /// The fetch a profile's related-origins rules describe.
    ///
    /// ```
    /// use rpscope_core::Profile;
    /// use rpscope_probe::{FetchRules, Redirects};
    /// let rules = FetchRules::related_origins(&Profile::CHROMIUM.related_origins);
    /// assert_eq!(rules.redirects, Redirects::HttpsOnly);
    /// assert_eq!(rules.max_body_bytes, Some(256 * 1024));
    /// ```
    pub fn related_origins(rules: &RelatedOriginsRules) -> FetchRules {
        FetchRules {
            redirects: match rules.redirects {
                RedirectRule::HttpsOnly => Redirects::HttpsOnly,
                _ => Redirects::HttpAndHttps,
            },
            max_body_bytes: rules.max_body_bytes,
        }
    }

    /// How many bytes to read at most: the cap plus one, or [`MAX_READ_BYTES`] plus one.
    fn read_limit(&self) -> usize {
        self.max_body_bytes
            .unwrap_or(MAX_READ_BYTES)
            .min(MAX_READ_BYTES)
            .saturating_add(1)
    }
}

/// The certificates a fetch trusts.
#[derive(Debug, Clone, Default)]
pub struct Roots {
    certs: Vec<Certificate<'static>>,
}

impl Roots {
    /// No root at all (add some with [`Roots::add_pem`]).
    pub fn empty() -> Roots {
        Roots::default()
    }

    /// The operating system's trust store (`rustls-native-certs`): what a browser
    /// on this machine trusts besides its own store. Certificates the store holds
    /// but cannot be read are skipped; none at all is not an error here (see
    /// [`Roots::len`]).
    pub fn system() -> Roots {
        let found = rustls_native_certs::load_native_certs();
        Roots {
            certs: found
                .certs
                .iter()
                .map(|der| Certificate::from_der(der.as_ref()).to_owned())
                .collect(),
        }
    }

    /// Adds every certificate of a PEM file's text (`--cacert`); returns how many.
    ///
    /// ```
    /// let mut roots = rpscope_probe::Roots::empty();
    /// assert!(roots.add_pem(b"not a certificate").is_err());
    /// ```
    pub fn add_pem(&mut self, pem: &[u8]) -> Result<usize, String> {
        if pem.len() > MAX_CACERT_BYTES {
            return Err(format!(
                "a CA file is at most {MAX_CACERT_BYTES} bytes (got {})",
                pem.len()
            ));
        }
        let mut added = 0;
        for item in ureq::tls::parse_pem(pem) {
            match item {
                Ok(ureq::tls::PemItem::Certificate(cert)) => {
                    self.certs.push(cert);
                    added += 1;
                }
                Ok(_) => {}
                Err(e) => return Err(format!("not a PEM file: {e}")),
            }
        }
        if added == 0 {
            return Err("no `BEGIN CERTIFICATE` block in the PEM file".into());
        }
        Ok(added)
    }

    /// How many certificates are trusted.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// Whether no certificate is trusted (every TLS connection would fail).
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }
}

/// What every fetch of one run shares.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The trusted roots.
    pub roots: Roots,
    /// `--connect-to` rules, first match wins.
    pub connect_to: Vec<ConnectTo>,
    /// The deadline of one fetch, from the first connection to the last body byte,
    /// redirects included.
    pub timeout: Duration,
}

/// Fetches well-known documents; one per run, reused for every fetch.
#[derive(Debug)]
pub struct Fetcher {
    agent: ureq::Agent,
    timeout: Duration,
}

impl Fetcher {
    /// A fetcher with these roots, rules and deadline.
    pub fn new(options: FetchOptions) -> Fetcher {
        let tls = TlsConfig::builder()
            .root_certs(RootCerts::Specific(Arc::new(options.roots.certs)))
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .build();
        let config = ureq::Agent::config_builder()
            .tls_config(tls)
            // Every hop is requested and recorded here, not inside ureq.
            .max_redirects(0)
            .http_status_as_error(false)
            .https_only(false)
            .user_agent(concat!("rpscope-probe/", env!("CARGO_PKG_VERSION")))
            .timeout_global(Some(options.timeout))
            // A fresh connection per fetch: nothing of one hop leaks into the next.
            .max_idle_connections(0)
            .max_response_header_size(64 * 1024)
            .build();
        let resolver = ConnectToResolver {
            rules: Arc::new(options.connect_to),
        };
        Fetcher {
            agent: ureq::Agent::with_parts(config, DefaultConnector::default(), resolver),
            timeout: options.timeout,
        }
    }

    /// Fetches `https://{host}{path}` under `rules` and records what happened.
    ///
    /// `host` must be a host the caller has validated (the RP ID's canonical
    /// form): it is put into the URL as it is. Never panics and never returns
    /// later than the deadline (plus one read of at most 16 KiB).
    pub fn fetch(&self, host: &str, path: &str, rules: &FetchRules) -> FetchRecord {
        let start = Instant::now();
        let first = format!("https://{host}{path}");
        let mut record = FetchRecord::new(&first);
        let result = self.run(&first, rules, start, &mut record);
        record.elapsed_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        if let Err(error) = result {
            record.body.clear();
            record.bytes = 0;
            record.error = Some(error);
        }
        record
    }

    fn run(
        &self,
        first: &str,
        rules: &FetchRules,
        start: Instant,
        record: &mut FetchRecord,
    ) -> Result<(), FetchError> {
        let deadline = start + self.timeout;
        let mut url = Url::parse(first)
            .map_err(|e| FetchError::new(FetchErrorKind::BadUrl, format!("{first}: {e}")))?;
        let mut seen = vec![url.clone()];
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(self.timed_out());
            }
            let response = self
                .agent
                .get(url.as_str())
                .config()
                .timeout_global(Some(remaining))
                .build()
                .call()
                .map_err(|e| self.classify(e))?;
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            };
            let location = header("location");
            if let (true, Some(location)) = (is_redirect(status), location) {
                let next = url.join(&location);
                record.hops.push(Hop {
                    url: url.to_string(),
                    status,
                    location: location.clone(),
                });
                let next = next.map_err(|e| {
                    FetchError::new(
                        FetchErrorKind::BadRedirect,
                        format!("{url} redirected to `{location}`, which is not a URL ({e})"),
                    )
                })?;
                let https = next.scheme() == "https";
                let stop = match rules.redirects {
                    Redirects::NotFollowed => Some(format!(
                        "{url} redirected to {next}: this file must be served without redirects, so the redirect is not followed"
                    )),
                    Redirects::HttpsOnly if !https => Some(format!(
                        "{url} redirected to {next}: only https redirects are followed, so {next} was not requested"
                    )),
                    _ if !matches!(next.scheme(), "http" | "https") => Some(format!(
                        "{url} redirected to {next}: not an http(s) URL, not requested"
                    )),
                    _ => None,
                };
                if let Some(stop) = stop {
                    record.redirects.push(next.to_string());
                    record.status = Some(status);
                    record.content_type = header("content-type");
                    record.stopped = Some(stop);
                    return Ok(());
                }
                if record.redirects.len() >= MAX_REDIRECTS {
                    return Err(FetchError::new(
                        FetchErrorKind::TooManyRedirects,
                        format!(
                            "{url} redirected a {}st time; Fetch allows at most {MAX_REDIRECTS} redirects",
                            MAX_REDIRECTS + 1
                        ),
                    ));
                }
                if let Some(at) = seen.iter().position(|u| *u == next) {
                    return Err(FetchError::new(
                        FetchErrorKind::RedirectLoop,
                        format!(
                            "redirect loop: {url} redirected to {next}, already requested at hop {at}"
                        ),
                    ));
                }
                record.redirects.push(next.to_string());
                seen.push(next.clone());
                url = next;
                continue;
            }
            record.status = Some(status);
            record.content_type = header("content-type");
            record.content_length = header("content-length").and_then(|v| v.trim().parse().ok());
            let limit = rules.read_limit();
            let mut reader = response.into_body().into_with_config().reader();
            let mut chunk = [0u8; 16 * 1024];
            loop {
                if Instant::now() >= deadline {
                    return Err(self.timed_out());
                }
                let want = chunk.len().min(limit - record.body.len());
                if want == 0 {
                    break;
                }
                let n = match reader.read(&mut chunk[..want]) {
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(self.classify_io(e, "reading the body")),
                };
                if n == 0 {
                    break;
                }
                record.body.extend_from_slice(&chunk[..n]);
            }
            record.bytes = record.body.len();
            if record.body.len() == limit {
                match rules.max_body_bytes {
                    Some(cap) if cap <= MAX_READ_BYTES => {
                        record.truncated = true;
                        record.stopped = Some(format!(
                            "the body is longer than the {cap}-byte cap: reading stopped after {limit} bytes{}",
                            record
                                .content_length
                                .map(|n| format!(" (Content-Length: {n})"))
                                .unwrap_or_default()
                        ));
                    }
                    _ => {
                        return Err(FetchError::new(
                            FetchErrorKind::BodyTooLarge,
                            format!(
                                "the body is longer than {MAX_READ_BYTES} bytes, the most rpscope reads{}",
                                record
                                    .content_length
                                    .map(|n| format!(" (Content-Length: {n})"))
                                    .unwrap_or_default()
                            ),
                        ))
                    }
                }
            }
            return Ok(());
        }
    }

    fn timed_out(&self) -> FetchError {
        FetchError::new(
            FetchErrorKind::Timeout,
            format!(
                "no complete response within {} (the whole fetch: connection, redirects and body)",
                seconds(self.timeout)
            ),
        )
    }

    fn classify(&self, e: ureq::Error) -> FetchError {
        use FetchErrorKind as K;
        let kind = match &e {
            ureq::Error::Timeout(_) => return self.timed_out(),
            ureq::Error::Io(io) => return self.classify_io_ref(io, "connecting"),
            ureq::Error::HostNotFound => K::Dns,
            ureq::Error::ConnectionFailed => K::Connect,
            ureq::Error::Tls(_) => K::Tls,
            ureq::Error::BadUri(_) => K::BadUrl,
            _ => K::Protocol,
        };
        FetchError::new(kind, e.to_string())
    }

    fn classify_io(&self, e: std::io::Error, what: &str) -> FetchError {
        self.classify_io_ref(&e, what)
    }

    fn classify_io_ref(&self, e: &std::io::Error, what: &str) -> FetchError {
        use std::io::ErrorKind as E;
        if let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
            return FetchError::new(FetchErrorKind::Tls, format!("TLS: {tls}"));
        }
        if let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<ureq::Error>()) {
            if matches!(inner, ureq::Error::Timeout(_)) {
                return self.timed_out();
            }
        }
        let kind = match e.kind() {
            E::TimedOut | E::WouldBlock => return self.timed_out(),
            E::ConnectionRefused | E::ConnectionReset | E::NotConnected | E::AddrNotAvailable => {
                FetchErrorKind::Connect
            }
            _ if what == "connecting" => FetchErrorKind::Connect,
            _ => FetchErrorKind::Protocol,
        };
        FetchError::new(kind, format!("{what}: {e}"))
    }
}

fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

/// Fetch's redirect statuses (<https://fetch.spec.whatwg.org/#redirect-status>).
fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// One redirect of a fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Hop {
    /// The URL requested.
    pub url: String,
    /// Its redirect status.
    pub status: u16,
    /// Its `Location` header, as sent.
    pub location: String,
}

/// Why a fetch produced no response to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FetchErrorKind {
    /// The URL could not be built.
    BadUrl,
    /// The host name did not resolve.
    Dns,
    /// No connection (refused, unreachable).
    Connect,
    /// The TLS handshake failed (an untrusted certificate, a name mismatch).
    Tls,
    /// The deadline passed.
    Timeout,
    /// More than [`MAX_REDIRECTS`] redirects.
    TooManyRedirects,
    /// A redirect back to a URL already requested.
    RedirectLoop,
    /// A `Location` that is not a URL.
    BadRedirect,
    /// A body longer than [`MAX_READ_BYTES`] under rules with no cap.
    BodyTooLarge,
    /// Not HTTP, or the connection broke mid-response.
    Protocol,
}

/// A fetch failure: its kind and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FetchError {
    /// What failed.
    pub kind: FetchErrorKind,
    /// What happened, in one sentence.
    pub message: String,
}

impl FetchError {
    fn new(kind: FetchErrorKind, message: String) -> FetchError {
        FetchError { kind, message }
    }
}

/// What one fetch did: every hop, the final response, or the error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FetchRecord {
    /// The URL first requested.
    pub url: String,
    /// Every redirect, in order.
    pub hops: Vec<Hop>,
    /// The final status (a redirect's own when it was not followed).
    pub status: Option<u16>,
    /// The final `Content-Type` header, as sent.
    pub content_type: Option<String>,
    /// The final `Content-Length` header, when it was a number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_length: Option<u64>,
    /// How many body bytes were read.
    pub bytes: usize,
    /// Whether reading stopped at the cap plus one byte.
    pub truncated: bool,
    /// Milliseconds from the first connection to the end of the fetch.
    pub elapsed_ms: u64,
    /// Why the fetch ended before or while reading, when a rule (not a failure)
    /// ended it: a redirect not followed, a body over its cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// The failure, when there is no response to judge.
    pub error: Option<FetchError>,
    /// The body bytes read.
    #[serde(skip)]
    pub body: Vec<u8>,
    #[serde(skip)]
    redirects: Vec<String>,
}

impl FetchRecord {
    /// An empty record, for a fetch not yet made.
    pub(crate) fn placeholder() -> FetchRecord {
        FetchRecord::new("")
    }

    fn new(url: &str) -> FetchRecord {
        FetchRecord {
            url: url.to_owned(),
            hops: Vec::new(),
            status: None,
            content_type: None,
            content_length: None,
            bytes: 0,
            truncated: false,
            elapsed_ms: 0,
            stopped: None,
            error: None,
            body: Vec::new(),
            redirects: Vec::new(),
        }
    }

    /// The URLs the fetch was redirected to, in order (the last may be one that
    /// was not requested).
    pub fn redirects(&self) -> &[String] {
        &self.redirects
    }

    /// The response as the core reads it; `None` when the fetch failed (then only
    /// the local check can accept, as in a browser whose fetch failed).
    pub fn response(&self) -> Option<WellKnownResponse<'_>> {
        if self.error.is_some() {
            return None;
        }
        Some(WellKnownResponse {
            status: self.status?,
            content_type: self.content_type.as_deref().unwrap_or(""),
            body: &self.body,
            redirects: &self.redirects,
        })
    }
}
