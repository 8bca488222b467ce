//! A served mobile association file with its line codec ([`MobileQuestion`]): the
//! input format of the `mobile_files` fuzz target and its seeds.

use std::fmt;

/// Which reader a [`MobileQuestion`] is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MobileReader {
    /// `/.well-known/assetlinks.json`.
    Assetlinks,
    /// `/.well-known/apple-app-site-association`.
    Aasa,
    /// The body is one SHA-256 certificate fingerprint as text.
    Fingerprint,
    /// Any other first line: every reader.
    All,
}

impl MobileReader {
    /// The name on the first line (`all` for [`MobileReader::All`]).
    pub const fn name(self) -> &'static str {
        match self {
            MobileReader::Assetlinks => "assetlinks",
            MobileReader::Aasa => "aasa",
            MobileReader::Fingerprint => "fingerprint",
            MobileReader::All => "all",
        }
    }

    fn from_name(name: &str) -> MobileReader {
        match name {
            "assetlinks" => MobileReader::Assetlinks,
            "aasa" => MobileReader::Aasa,
            "fingerprint" => MobileReader::Fingerprint,
            _ => MobileReader::All,
        }
    }
}

impl fmt::Display for MobileReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A response serving an association file, as a fetcher hands it to the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobileQuestion {
    /// Which reader.
    pub reader: MobileReader,
    /// The final HTTP status.
    pub status: u16,
    /// The `Content-Type` as sent (empty: none).
    pub content_type: String,
    /// A declared length larger than the body (`None`: the body is whole).
    pub length: Option<u64>,
    /// The redirect URLs, in order.
    pub redirects: Vec<String>,
    /// The body bytes (any bytes: a server controls them).
    pub body: Vec<u8>,
}

impl MobileQuestion {
    /// The line form: reader (`assetlinks`, `aasa`, `fingerprint`; anything else:
    /// all three), status, content type, declared length (empty: none), the redirect
    /// URLs separated by spaces, then the body (every byte after the fifth newline).
    ///
    /// ```
    /// use rpscope_model::{MobileQuestion, MobileReader};
    /// let q = MobileQuestion {
    ///     reader: MobileReader::Aasa,
    ///     status: 200,
    ///     content_type: "application/json".into(),
    ///     length: Some(1 << 30),
    ///     redirects: vec!["https://www.example.com/x".into()],
    ///     body: b"{\"webcredentials\":\n{\"apps\":[]}}".to_vec(),
    /// };
    /// assert!(q.to_lines().starts_with(b"aasa\n200\napplication/json\n1073741824\nhttps://www.example.com/x\n{"));
    /// assert_eq!(MobileQuestion::from_lines(&q.to_lines()), q);
    /// ```
    pub fn to_lines(&self) -> Vec<u8> {
        let mut out = format!(
            "{}\n{}\n{}\n{}\n{}\n",
            self.reader,
            self.status,
            self.content_type,
            self.length.map(|l| l.to_string()).unwrap_or_default(),
            self.redirects.join(" "),
        )
        .into_bytes();
        out.extend_from_slice(&self.body);
        out
    }

    /// Reads the line form; any bytes are a question (missing lines are empty, a
    /// status that is no number is 200, a length that is no number is none, header
    /// lines that are not UTF-8 are read with replacement characters).
    pub fn from_lines(bytes: &[u8]) -> MobileQuestion {
        let mut parts = bytes.splitn(6, |&b| b == b'\n');
        let mut next = || String::from_utf8_lossy(parts.next().unwrap_or(b"")).into_owned();
        let (reader, status, content_type, length, redirects) =
            (next(), next(), next(), next(), next());
        MobileQuestion {
            reader: MobileReader::from_name(reader.trim()),
            status: status.trim().parse().unwrap_or(200),
            content_type,
            length: length.trim().parse().ok(),
            redirects: redirects.split_whitespace().map(str::to_owned).collect(),
            body: parts.next().unwrap_or(b"").to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_bytes_read_and_a_question_round_trips() {
        let q = MobileQuestion::from_lines(b"");
        assert_eq!(
            (q.reader, q.status, q.length, q.body.len()),
            (MobileReader::All, 200, None, 0)
        );
        let q = MobileQuestion::from_lines(b"fingerprint\nx\n\xff\n12\n a  b \nF0:\n\xffD0");
        assert_eq!(q.reader, MobileReader::Fingerprint);
        assert_eq!((q.status, q.length), (200, Some(12)));
        assert_eq!(q.content_type, "\u{fffd}");
        assert_eq!(q.redirects, ["a", "b"]);
        assert_eq!(q.body, b"F0:\n\xffD0");
        assert_eq!(MobileQuestion::from_lines(&q.to_lines()), q);
    }
}
