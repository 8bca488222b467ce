//! A small, synchronous Chrome DevTools Protocol client over one WebSocket.
//!
//! The oracle needs about ten commands (Target, Page, Runtime, WebAuthn domains), a
//! reply per command and one event (`Page.loadEventFired`). A blocking client over
//! `tungstenite` does exactly that with a handful of dependencies; crates that model
//! the whole protocol (chromiumoxide generates thousands of types and brings an async
//! runtime of its own) cost minutes of build time on a two-core machine for nothing the
//! oracle uses. Protocol reference: <https://chromedevtools.github.io/devtools-protocol/>.

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::fmt;
use std::io::ErrorKind;
use std::net::TcpStream;
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

/// A DevTools failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdpError(pub String);

impl fmt::Display for CdpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DevTools: {}", self.0)
    }
}

impl std::error::Error for CdpError {}

/// A connection to a browser's DevTools endpoint.
pub struct Cdp {
    socket: WebSocket<TcpStream>,
    next_id: u64,
    events: VecDeque<Value>,
}

impl fmt::Debug for Cdp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cdp")
            .field("next_id", &self.next_id)
            .finish_non_exhaustive()
    }
}

/// Events kept while waiting for replies; anything else is dropped.
const KEPT_EVENTS: &[&str] = &["Page.loadEventFired"];

impl Cdp {
    /// Connects to `ws://127.0.0.1:{port}{path}`.
    pub fn connect(port: u16, path: &str) -> Result<Cdp, CdpError> {
        let stream = TcpStream::connect(("127.0.0.1", port))
            .map_err(|e| CdpError(format!("connect to port {port}: {e}")))?;
        let _ = stream.set_nodelay(true);
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| CdpError(format!("socket timeout: {e}")))?;
        let url = format!("ws://127.0.0.1:{port}{path}");
        let (socket, _) = tungstenite::client(url.as_str(), stream)
            .map_err(|e| CdpError(format!("WebSocket handshake with {url}: {e}")))?;
        Ok(Cdp {
            socket,
            next_id: 1,
            events: VecDeque::new(),
        })
    }

    /// Sends a command (to a target session when `session` is given) and waits for its
    /// reply, returning `result`; a protocol error reply is an error.
    pub fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value, CdpError> {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let (Some(s), Some(obj)) = (session, message.as_object_mut()) {
            obj.insert("sessionId".into(), Value::String(s.to_owned()));
        }
        self.socket
            .send(Message::text(message.to_string()))
            .map_err(|e| CdpError(format!("send {method}: {e}")))?;
        let deadline = Instant::now() + timeout;
        loop {
            let value = self.next_message(deadline, method)?;
            if value.get("id").and_then(Value::as_u64) == Some(id) {
                if let Some(error) = value.get("error") {
                    return Err(CdpError(format!("{method}: {error}")));
                }
                return Ok(value.get("result").cloned().unwrap_or(Value::Null));
            }
            self.keep_event(value);
        }
    }

    /// Waits for an event (`Page.loadEventFired`) of a session.
    pub fn wait_event(
        &mut self,
        session: &str,
        method: &str,
        timeout: Duration,
    ) -> Result<Value, CdpError> {
        let matches = |v: &Value| {
            v.get("method").and_then(Value::as_str) == Some(method)
                && v.get("sessionId").and_then(Value::as_str) == Some(session)
        };
        if let Some(pos) = self.events.iter().position(matches) {
            return Ok(self.events.remove(pos).unwrap_or(Value::Null));
        }
        let deadline = Instant::now() + timeout;
        loop {
            let value = self.next_message(deadline, method)?;
            if matches(&value) {
                return Ok(value);
            }
            self.keep_event(value);
        }
    }

    /// Forgets every kept event (before a navigation).
    pub fn clear_events(&mut self) {
        self.events.clear();
    }

    fn keep_event(&mut self, value: Value) {
        let kept = value
            .get("method")
            .and_then(Value::as_str)
            .is_some_and(|m| KEPT_EVENTS.contains(&m));
        if kept {
            self.events.push_back(value);
        }
    }

    fn next_message(&mut self, deadline: Instant, waiting_for: &str) -> Result<Value, CdpError> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(CdpError(format!("timed out waiting for {waiting_for}")));
            }
            self.socket
                .get_mut()
                .set_read_timeout(Some(left))
                .map_err(|e| CdpError(format!("socket timeout: {e}")))?;
            match self.socket.read() {
                Ok(Message::Text(text)) => {
                    return serde_json::from_str(text.as_str())
                        .map_err(|e| CdpError(format!("unreadable message: {e}")));
                }
                Ok(Message::Close(_)) => {
                    return Err(CdpError("the browser closed the connection".into()))
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => return Err(CdpError(format!("reading: {e}"))),
            }
        }
    }
}
