//! The local server every page and well-known fetch reaches.
//!
//! Browsers are pointed at it for every host name (Chromium: `--host-resolver-rules`,
//! Firefox: `network.dns.forceResolve`), so it answers any `Host`:
//!
//! * `GET /.well-known/webauthn`: the current case's `well_known` response, exactly as
//!   the case gives it (status, `Content-Type` only when non-empty, body). A case without
//!   one makes the fetch **fail as a network error**: the server closes the connection
//!   without writing any HTTP response. Fetch turns a connection that ends before a
//!   response into a network error (Fetch §4.6 "HTTP-network fetch": a failed
//!   response), which is what the corpus means by "the fetch failed"; an HTTP error
//!   status would instead be a *response* the client judges by its status rule.
//!   The response is served whatever the `Host`: the RP ID a page passes is canonicalised
//!   by the browser before the fetch, and the request log shows which host asked.
//! * anything else: a small HTML page, the caller's page.
//!
//! One port speaks both TLS and plain HTTP (the first byte of a TLS connection is a
//! handshake record, 0x16), so `http://localhost` pages and `https://` pages share it.
//! Every request is logged with its headers until [`Server::take_log`] collects them.

use crate::certs::{CertError, LocalCa, SniResolver};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use serde::Serialize;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener as StdListener};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

/// The page every caller origin is served.
pub const PAGE: &str = "<!doctype html><meta charset=utf-8><title>rpscope browser oracle</title><p>rpscope browser oracle</p>\n";

/// The well-known path of Related Origin Requests (WebAuthn L3 §5.11.1).
pub const WELL_KNOWN_PATH: &str = "/.well-known/webauthn";

/// The response served at `/.well-known/webauthn` for the current case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WellKnownReply {
    /// The status; the caller has checked that a body may go with it.
    pub status: StatusCode,
    /// The `Content-Type` header, or none.
    pub content_type: Option<HeaderValue>,
    /// The body.
    pub body: Bytes,
    /// The redirect chain before this response: `/.well-known/webauthn` answers
    /// `302 Found` to the first URL, a request for each URL's path and query to the
    /// next, and the last one gets this response. The planner has checked that the
    /// paths differ from each other and from the well-known path.
    pub redirects: Vec<String>,
}

impl WellKnownReply {
    /// Where a request for `target` (path and query) is sent next: `Some(url)` for
    /// a redirect, `None` for the final response; `Err(())` when `target` is no step
    /// of this chain.
    fn next_hop(&self, target: &str) -> Result<Option<&str>, ()> {
        let step = if target.split('?').next() == Some(WELL_KNOWN_PATH) {
            0
        } else {
            match self
                .redirects
                .iter()
                .position(|hop| path_and_query(hop).as_deref() == Some(target))
            {
                Some(i) => i + 1,
                None => return Err(()),
            }
        };
        Ok(self.redirects.get(step).map(String::as_str))
    }
}

/// The path and query of a URL, as a request line carries them.
pub fn path_and_query(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    Some(match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    })
}

/// One request the server received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRecord {
    /// The local port it arrived on.
    pub port: u16,
    /// Whether it came over TLS.
    pub tls: bool,
    /// The TLS server name indication, when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sni: Option<String>,
    /// The request method.
    pub method: String,
    /// The request target (path and query).
    pub target: String,
    /// Every header, in order, values decoded lossily as UTF-8.
    pub headers: Vec<(String, String)>,
    /// What the server did with it.
    pub answer: String,
}

impl RequestRecord {
    /// The `Host` header, if any.
    pub fn host(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("host"))
            .map(|(_, v)| v.as_str())
    }

    /// Whether this was a well-known fetch.
    pub fn is_well_known(&self) -> bool {
        self.target.split('?').next() == Some(WELL_KNOWN_PATH)
    }
}

/// The server could not start or listen.
#[derive(Debug)]
pub enum ServerError {
    /// Binding or configuring a socket failed.
    Io(String, std::io::Error),
    /// The certificate authority could not be made.
    Cert(CertError),
    /// The server's thread is gone.
    Stopped,
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerError::Io(what, e) => write!(f, "server: {what}: {e}"),
            ServerError::Cert(e) => write!(f, "server: {e}"),
            ServerError::Stopped => f.write_str("server: its thread has stopped"),
        }
    }
}

impl std::error::Error for ServerError {}

#[derive(Default)]
struct CaseState {
    well_known: Option<WellKnownReply>,
    log: Vec<RequestRecord>,
}

struct Shared {
    case: Mutex<CaseState>,
    resolver: Arc<SniResolver>,
    tls: TlsAcceptor,
}

impl Shared {
    fn case(&self) -> std::sync::MutexGuard<'_, CaseState> {
        self.case.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A running server: a thread with a single-threaded tokio runtime, stopped and joined
/// on drop.
pub struct Server {
    shared: Arc<Shared>,
    handle: tokio::runtime::Handle,
    ports: Vec<u16>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("ports", &self.ports)
            .finish_non_exhaustive()
    }
}

/// A connection that ends without a response: the fetch fails as a network error.
#[derive(Debug)]
struct NetworkError;

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection closed without a response")
    }
}

impl std::error::Error for NetworkError {}

impl Server {
    /// Starts a server with a fresh CA, listening on an ephemeral loopback port.
    pub fn start() -> Result<Server, ServerError> {
        let ca = LocalCa::new().map_err(ServerError::Cert)?;
        let resolver = Arc::new(SniResolver::new(ca));
        let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| ServerError::Cert(CertError(format!("TLS configuration: {e}"))))?
        .with_no_client_auth()
        .with_cert_resolver(resolver.clone());
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let shared = Arc::new(Shared {
            case: Mutex::new(CaseState::default()),
            resolver,
            tls: TlsAcceptor::from(Arc::new(config)),
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| ServerError::Io("start the runtime".into(), e))?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("rpscope-browser-server".into())
            .spawn(move || {
                let _ = runtime.block_on(stopped);
            })
            .map_err(|e| ServerError::Io("start the server thread".into(), e))?;
        let mut server = Server {
            shared,
            handle,
            ports: Vec::new(),
            stop: Some(stop),
            thread: Some(thread),
        };
        server.listen(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0))?;
        Ok(server)
    }

    /// Also listens on `addr` (Firefox cannot remap ports, so the server listens on
    /// every port a case's URLs name). Returns the bound port.
    pub fn listen(&mut self, addr: SocketAddr) -> Result<u16, ServerError> {
        let listener =
            StdListener::bind(addr).map_err(|e| ServerError::Io(format!("listen on {addr}"), e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| ServerError::Io("make the listener non-blocking".into(), e))?;
        let port = listener
            .local_addr()
            .map_err(|e| ServerError::Io("read the bound address".into(), e))?
            .port();
        let shared = self.shared.clone();
        self.handle.spawn(accept_loop(listener, port, shared));
        self.ports.push(port);
        Ok(port)
    }

    /// The first port (ephemeral, on 127.0.0.1).
    pub fn port(&self) -> u16 {
        self.ports.first().copied().unwrap_or_default()
    }

    /// Every port listened on.
    pub fn ports(&self) -> &[u16] {
        &self.ports
    }

    /// The CA certificate browsers must trust, PEM-encoded.
    pub fn ca_pem(&self) -> &str {
        self.shared.resolver.ca().cert_pem()
    }

    /// Sets what the next case serves, and forgets the previous case's log.
    pub fn set_case(
        &self,
        well_known: Option<WellKnownReply>,
        ip_hosts: &[IpAddr],
    ) -> Result<(), ServerError> {
        if !ip_hosts.is_empty() {
            self.shared
                .resolver
                .set_ip_hosts(ip_hosts)
                .map_err(ServerError::Cert)?;
        }
        let mut case = self.shared.case();
        case.well_known = well_known;
        case.log.clear();
        Ok(())
    }

    /// The requests received since the last [`Server::set_case`] or `take_log`.
    pub fn take_log(&self) -> Vec<RequestRecord> {
        std::mem::take(&mut self.shared.case().log)
    }

    /// Whether the server thread is still running.
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(listener: StdListener, port: u16, shared: Arc<Shared>) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of descriptors or a reset in the backlog: back off instead of spinning.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        tokio::spawn(connection(stream, port, shared.clone()));
    }
}

async fn connection(stream: tokio::net::TcpStream, port: u16, shared: Arc<Shared>) {
    let mut first = [0u8; 1];
    // A TLS connection starts with a handshake record (RFC 8446 §5.1: ContentType 22).
    let tls = matches!(stream.peek(&mut first).await, Ok(1) if first[0] == 0x16);
    if tls {
        let Ok(tls_stream) = shared.tls.accept(stream).await else {
            return;
        };
        let sni = tls_stream.get_ref().1.server_name().map(str::to_owned);
        serve(tls_stream, port, Some(sni), shared).await;
    } else {
        serve(stream, port, None, shared).await;
    }
}

async fn serve<S>(io: S, port: u16, tls: Option<Option<String>>, shared: Arc<Shared>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let answer = respond(&shared, port, tls.clone(), &request);
        async move { answer }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(hyper_util::rt::TokioIo::new(io), service)
        .await;
}

fn respond(
    shared: &Shared,
    port: u16,
    tls: Option<Option<String>>,
    request: &Request<Incoming>,
) -> Result<Response<Full<Bytes>>, NetworkError> {
    let mut record = RequestRecord {
        port,
        tls: tls.is_some(),
        sni: tls.flatten(),
        method: request.method().to_string(),
        target: request
            .uri()
            .path_and_query()
            .map_or_else(|| request.uri().to_string(), |p| p.to_string()),
        headers: request
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        answer: String::new(),
    };
    let mut case = shared.case();
    let hop = case
        .well_known
        .as_ref()
        .and_then(|reply| reply.next_hop(&record.target).ok());
    let result = if record.is_well_known() || hop.is_some() {
        match &case.well_known {
            Some(_) if matches!(hop, Some(Some(_))) => {
                let location = hop.flatten().unwrap_or_default();
                record.answer = format!("302 redirect to {location}");
                let mut response = Response::new(Full::new(Bytes::new()));
                *response.status_mut() = StatusCode::FOUND;
                match HeaderValue::from_str(location) {
                    Ok(v) => {
                        response.headers_mut().insert(hyper::header::LOCATION, v);
                    }
                    Err(_) => record.answer = format!("redirect to an unsendable {location:?}"),
                }
                no_store(&mut response);
                Ok(response)
            }
            Some(reply) => {
                record.answer = format!(
                    "well-known {} {} ({} bytes)",
                    reply.status.as_u16(),
                    reply
                        .content_type
                        .as_ref()
                        .map_or("<no content type>".into(), |v| String::from_utf8_lossy(
                            v.as_bytes()
                        )),
                    reply.body.len()
                );
                let mut response = Response::new(Full::new(reply.body.clone()));
                *response.status_mut() = reply.status;
                if let Some(ct) = &reply.content_type {
                    response.headers_mut().insert(CONTENT_TYPE, ct.clone());
                }
                no_store(&mut response);
                Ok(response)
            }
            None => {
                record.answer = "connection closed without a response (network error)".into();
                Err(NetworkError)
            }
        }
    } else if record.target == "/favicon.ico" {
        record.answer = "404 (no icon)".into();
        let mut response = Response::new(Full::new(Bytes::new()));
        *response.status_mut() = StatusCode::NOT_FOUND;
        no_store(&mut response);
        Ok(response)
    } else {
        record.answer = "page".into();
        let mut response = Response::new(Full::new(Bytes::from_static(PAGE.as_bytes())));
        response.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        no_store(&mut response);
        Ok(response)
    };
    case.log.push(record);
    result
}

fn no_store(response: &mut Response<Full<Bytes>>) {
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    fn get(port: u16, host: &str, path: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nX-Probe: yes\r\nConnection: close\r\n\r\n"
        )
        .expect("write");
        let mut out = String::new();
        let _ = stream.read_to_string(&mut out);
        out
    }

    fn reply(status: u16, ct: &str, body: &str) -> WellKnownReply {
        WellKnownReply {
            status: StatusCode::from_u16(status).expect("status"),
            content_type: (!ct.is_empty()).then(|| HeaderValue::from_str(ct).expect("ct")),
            body: Bytes::from(body.to_owned()),
            redirects: Vec::new(),
        }
    }

    #[test]
    fn a_redirect_chain_is_followed_hop_by_hop() {
        let server = Server::start().expect("server");
        let mut chain = reply(200, "application/json", "{}");
        chain.redirects = vec![
            "http://example.com/hop-1?x=1".into(),
            "https://cdn.example.net/webauthn.json".into(),
        ];
        server.set_case(Some(chain), &[]).expect("case");
        let first = get(server.port(), "example.com", WELL_KNOWN_PATH);
        assert!(first.starts_with("HTTP/1.1 302"), "{first}");
        assert!(
            first
                .to_ascii_lowercase()
                .contains("location: http://example.com/hop-1?x=1"),
            "{first}"
        );
        let second = get(server.port(), "example.com", "/hop-1?x=1");
        assert!(
            second
                .to_ascii_lowercase()
                .contains("location: https://cdn.example.net/webauthn.json"),
            "{second}"
        );
        let last = get(server.port(), "cdn.example.net", "/webauthn.json");
        assert!(
            last.starts_with("HTTP/1.1 200") && last.ends_with("{}"),
            "{last}"
        );
        // A path outside the chain is the page.
        assert!(get(server.port(), "example.com", "/hop-1").ends_with(PAGE));
    }

    #[test]
    fn serves_the_cases_well_known_response_exactly() {
        let server = Server::start().expect("server");
        let body = r#"{"origins": ["https://example.co.uk"]}"#;
        server
            .set_case(
                Some(reply(299, "application/json; charset=utf-8", body)),
                &[],
            )
            .expect("case");
        let raw = get(server.port(), "example.com", WELL_KNOWN_PATH);
        assert!(raw.starts_with("HTTP/1.1 299"), "{raw}");
        assert!(
            raw.to_ascii_lowercase()
                .contains("content-type: application/json; charset=utf-8"),
            "{raw}"
        );
        assert!(raw.ends_with(body), "{raw}");
    }

    #[test]
    fn an_empty_content_type_sends_no_header() {
        let server = Server::start().expect("server");
        server
            .set_case(Some(reply(200, "", "{}")), &[])
            .expect("case");
        let raw = get(server.port(), "example.com", WELL_KNOWN_PATH);
        assert!(!raw.to_ascii_lowercase().contains("content-type"), "{raw}");
    }

    #[test]
    fn no_well_known_closes_the_connection_without_a_response() {
        let server = Server::start().expect("server");
        server.set_case(None, &[]).expect("case");
        let raw = get(server.port(), "example.com", WELL_KNOWN_PATH);
        assert_eq!(raw, "", "a network error, not an HTTP response");
        let log = server.take_log();
        assert_eq!(log.len(), 1);
        assert!(log[0].answer.contains("network error"));
    }

    #[test]
    fn any_other_path_on_any_host_is_the_page() {
        let server = Server::start().expect("server");
        let raw = get(server.port(), "login.example.com:1337", "/some/page?x=1");
        assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
        assert!(raw.ends_with(PAGE), "{raw}");
    }

    #[test]
    fn logs_every_request_with_its_headers_per_case() {
        let server = Server::start().expect("server");
        server.set_case(None, &[]).expect("case");
        let _ = get(server.port(), "a.example", "/");
        let _ = get(server.port(), "b.example", WELL_KNOWN_PATH);
        let log = server.take_log();
        assert_eq!(log.len(), 2);
        assert_eq!(log[0].host(), Some("a.example"));
        assert!(!log[0].tls);
        assert!(log[0]
            .headers
            .iter()
            .any(|(n, v)| n == "x-probe" && v == "yes"));
        assert!(log[1].is_well_known());
        assert!(server.take_log().is_empty(), "taken");
        let _ = get(server.port(), "c.example", "/");
        server.set_case(None, &[]).expect("next case");
        assert!(server.take_log().is_empty(), "a new case starts a new log");
    }

    #[test]
    fn speaks_tls_on_the_same_port() {
        let server = Server::start().expect("server");
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(server.shared.resolver.ca().cert_der().clone())
            .expect("root");
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
        let name = rustls::pki_types::ServerName::try_from("login.example.com").expect("name");
        let conn = rustls::ClientConnection::new(Arc::new(config), name).expect("client");
        let tcp = TcpStream::connect(("127.0.0.1", server.port())).expect("connect");
        tcp.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let mut tls = rustls::StreamOwned::new(conn, tcp);
        tls.write_all(b"GET / HTTP/1.1\r\nHost: login.example.com\r\nConnection: close\r\n\r\n")
            .expect("write");
        let mut out = Vec::new();
        let _ = tls.read_to_end(&mut out);
        assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 200"));
        let log = server.take_log();
        assert_eq!(log[0].sni.as_deref(), Some("login.example.com"));
        assert!(log[0].tls);
    }
}
