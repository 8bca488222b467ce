//! A minimal W3C WebDriver client (the endpoints the oracle uses), over `ureq`.
//!
//! Commands: New Session, Navigate To, Execute Async Script, Set Timeouts, Delete
//! Session (WebDriver §8–§13), and the WebAuthn extension's Add Virtual Authenticator
//! and Remove All Credentials (WebAuthn L3 §11.3, §11.9). Raw commands are used on
//! purpose: some client libraries refuse the credential commands for Firefox on their
//! side while geckodriver implements them.

use serde_json::{json, Value};
use std::fmt;
use std::time::Duration;

/// A WebDriver failure: the error code and message, or a transport error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebDriverError {
    /// The WebDriver error code (`unknown error`, `invalid argument`…), or `transport`.
    pub code: String,
    /// The message.
    pub message: String,
}

impl fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebDriver {}: {}", self.code, self.message)
    }
}

impl std::error::Error for WebDriverError {}

/// A session on a WebDriver server.
#[derive(Debug)]
pub struct Session {
    agent: ureq::Agent,
    base: String,
    id: String,
    capabilities: Value,
}

fn transport(e: impl fmt::Display) -> WebDriverError {
    WebDriverError {
        code: "transport".into(),
        message: e.to_string(),
    }
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

fn unwrap_value(mut response: ureq::http::Response<ureq::Body>) -> Result<Value, WebDriverError> {
    let status = response.status();
    let body: Value = response.body_mut().read_json().map_err(transport)?;
    let value = body.get("value").cloned().unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(value);
    }
    let field = |k: &str| {
        value
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    Err(WebDriverError {
        code: field("error"),
        message: field("message"),
    })
}

impl Session {
    /// Creates a session on the server at `http://127.0.0.1:{port}`.
    pub fn new(port: u16, capabilities: Value) -> Result<Session, WebDriverError> {
        let base = format!("http://127.0.0.1:{port}");
        let agent = agent(Duration::from_secs(60));
        let response = agent
            .post(format!("{base}/session"))
            .send_json(json!({ "capabilities": { "alwaysMatch": capabilities } }))
            .map_err(transport)?;
        let value = unwrap_value(response)?;
        let id = value
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                transport(format!(
                    "New Session answered without a session id: {value}"
                ))
            })?
            .to_owned();
        Ok(Session {
            agent,
            base,
            id,
            capabilities: value.get("capabilities").cloned().unwrap_or(Value::Null),
        })
    }

    /// The capabilities the server matched (`browserVersion`…).
    pub fn capabilities(&self) -> &Value {
        &self.capabilities
    }

    /// POSTs a command under the session.
    pub fn post(&self, path: &str, body: Value) -> Result<Value, WebDriverError> {
        let response = self
            .agent
            .post(format!("{}/session/{}{path}", self.base, self.id))
            .send_json(body)
            .map_err(transport)?;
        unwrap_value(response)
    }

    /// DELETEs under the session (an empty path deletes the session).
    pub fn delete(&self, path: &str) -> Result<Value, WebDriverError> {
        let response = self
            .agent
            .delete(format!("{}/session/{}{path}", self.base, self.id))
            .call()
            .map_err(transport)?;
        unwrap_value(response)
    }
}
