//! The one error type of the browser oracle's public API.

use crate::server::ServerError;
use std::fmt;
use std::path::PathBuf;

/// Why the oracle could not do what was asked. A browser's verdict on a case is never
/// an error: it is an answer in the report.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The local HTTPS server could not start.
    Server(ServerError),
    /// The browser or its driver could not be started.
    Launch(String),
    /// A file the oracle reads (annotations, measurements) is malformed.
    Input {
        /// The file, or what it is.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// Reading or writing a file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Server(e) => write!(f, "{e}"),
            Error::Launch(message) => f.write_str(message),
            Error::Input { file, message } => write!(f, "{file}: {message}"),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Server(e) => Some(e),
            Error::Io { source, .. } => Some(source),
            Error::Launch(_) | Error::Input { .. } => None,
        }
    }
}

impl From<ServerError> for Error {
    fn from(e: ServerError) -> Self {
        Error::Server(e)
    }
}
