//! A local HTTPS server for probe tests: one listener on 127.0.0.1, certificates
//! issued per SNI name by a per-run CA (`rpscope_browser::certs`), and a handler
//! that answers each request from its Host and path, including hostile answers
//! (slow and endless bodies, a lying Content-Length, redirect chains).
//!
//! Shared by `crates/rpscope-probe/tests/` and `crates/rpscope-cli/tests/probe.rs`.

#![allow(dead_code)]

pub mod site;

use rpscope_browser::certs::{LocalCa, SniResolver};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// What the server answers.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response.
    Full {
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
    },
    /// A redirect to `location`.
    Redirect { status: u16, location: String },
    /// Headers, then one byte every `tick`, forever.
    Slow { tick: Duration },
    /// Headers without a length, then bytes until the client goes away.
    Endless,
    /// `Content-Length: 1073741824`, then bytes until the client goes away.
    GigabyteLength,
    /// The connection is closed without a response.
    Close,
}

impl Reply {
    /// 200 with this content type and body.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status: 200,
            content_type: Some(content_type.to_owned()),
            body: body.into(),
        }
    }

    /// 200 application/json with this body.
    pub fn json(body: impl Into<Vec<u8>>) -> Reply {
        Reply::ok("application/json", body)
    }
}

/// One request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub host: String,
    pub path: String,
    pub head: String,
}

type Handler = dyn Fn(&str, &str) -> Reply + Send + Sync;

/// The running server (its threads end with the test process).
pub struct Server {
    pub port: u16,
    pub ca_pem: String,
    pub log: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Starts a server answering `handler(host, path)`.
    pub fn start(handler: impl Fn(&str, &str) -> Reply + Send + Sync + 'static) -> Server {
        let ca = LocalCa::new().expect("CA");
        let ca_pem = ca.cert_pem().to_owned();
        let resolver = Arc::new(SniResolver::new(ca));
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_cert_resolver(resolver);
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let handler: Arc<Handler> = Arc::new(handler);
        let log = Arc::new(Mutex::new(Vec::new()));
        let shared = log.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (config, handler, log) = (config.clone(), handler.clone(), shared.clone());
                thread::spawn(move || {
                    let _ = serve(stream, config, &*handler, &log);
                });
            }
        });
        Server { port, ca_pem, log }
    }

    /// `--connect-to` sending every host and port here.
    pub fn connect_to(&self) -> String {
        format!("::127.0.0.1:{}", self.port)
    }

    /// The requests seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.log.lock().expect("log").clone()
    }
}

/// A port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A CA no server certificate chains to, PEM.
pub fn other_ca_pem() -> String {
    LocalCa::new().expect("CA").cert_pem().to_owned()
}

fn serve(
    stream: TcpStream,
    config: Arc<rustls::ServerConfig>,
    handler: &Handler,
    log: &Mutex<Vec<Seen>>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let conn = rustls::ServerConnection::new(config).map_err(std::io::Error::other)?;
    let mut tls = rustls::StreamOwned::new(conn, stream);
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 || tls.read(&mut byte)? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let host = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("host")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default();
    let host = host
        .rsplit_once(':')
        .map_or(host.as_str(), |(h, _)| h)
        .to_owned();
    log.lock().expect("log").push(Seen {
        host: host.clone(),
        path: path.clone(),
        head: head.clone(),
    });
    match handler(&host, &path) {
        Reply::Full {
            status,
            content_type,
            body,
        } => {
            let ct = content_type
                .map(|c| format!("content-type: {c}\r\n"))
                .unwrap_or_default();
            write!(
                tls,
                "HTTP/1.1 {status} X\r\n{ct}content-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            )?;
            tls.write_all(&body)?;
        }
        Reply::Redirect { status, location } => write!(
            tls,
            "HTTP/1.1 {status} X\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        )?,
        Reply::Slow { tick } => {
            write!(
                tls,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"
            )?;
            loop {
                tls.write_all(b" ")?;
                tls.flush()?;
                thread::sleep(tick);
            }
        }
        Reply::Endless | Reply::GigabyteLength => {
            let length = match handler(&host, &path) {
                Reply::GigabyteLength => "content-length: 1073741824\r\n",
                _ => "",
            };
            write!(
                tls,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{length}connection: close\r\n\r\n"
            )?;
            let chunk = vec![b' '; 64 * 1024];
            loop {
                tls.write_all(&chunk)?;
            }
        }
        Reply::Close => return Ok(()),
    }
    tls.flush()?;
    tls.conn.send_close_notify();
    tls.flush()
}
