//! A JSON Lines driver shared by every `--batch` mode.
//!
//! One output line per input line, in order. A line that cannot be handled
//! becomes `{"id": … (if known), "line": N, "error": "…"}` and the run goes on;
//! only an unreadable input, an unwritable output, or a line with no end in
//! sight ([`Limits::max_skip_bytes`]) stops it.
//!
//! Memory is bounded whatever the input: a line is kept only up to
//! [`Limits::max_line_bytes`]; the rest of a longer line is read and dropped
//! until its newline, and the line is answered with an error object.
//!
//! The answers are written through a buffer that is flushed whenever the reader
//! has used up what the input had delivered, before it waits for more: a program
//! that writes one line and waits for the answer (a co-process) gets it, and a
//! large file is still written in large blocks.

use serde::Serialize;
use std::fmt;
use std::io::{self, BufRead, IsTerminal, Write};

/// The longest line a batch reads, in bytes, without its line ending: 1 MiB.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// How many bytes of an over-long line are skipped looking for its end before
/// the run stops: 64 MiB (endless input without a newline, such as `/dev/zero`,
/// ends in an error instead of running for ever).
pub const MAX_SKIP_BYTES: u64 = 64 << 20;

/// The driver's bounds on its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest line handled, in bytes, without its line ending; a longer
    /// line is answered with an error object.
    pub max_line_bytes: usize,
    /// How many bytes past `max_line_bytes` are skipped looking for the end of
    /// an over-long line before the run stops with [`Error::NoLineEnd`].
    pub max_skip_bytes: u64,
}

impl Default for Limits {
    /// [`MAX_LINE_BYTES`] and [`MAX_SKIP_BYTES`].
    fn default() -> Self {
        Limits {
            max_line_bytes: MAX_LINE_BYTES,
            max_skip_bytes: MAX_SKIP_BYTES,
        }
    }
}

/// A line that could not be handled.
pub struct LineError(pub String);

/// Why a batch run stopped before the end of its input.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The input could not be read.
    Read(io::Error),
    /// The output could not be written (`BrokenPipe`: the reader went away).
    Write(io::Error),
    /// A line ran on past the skip bound without a newline (its error object
    /// was written first).
    NoLineEnd {
        /// The line number, from 1.
        line: u64,
        /// How many bytes of it were read.
        bytes: u64,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Read(e) => write!(f, "could not read the batch input: {e}"),
            Error::Write(e) => write!(f, "could not write the batch output: {e}"),
            Error::NoLineEnd { line, bytes } => write!(
                f,
                "line {line} has no line end in its first {bytes} bytes; the input is not \
                 JSON Lines (one request per line, each at most {MAX_LINE_BYTES} bytes)"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Read(e) | Error::Write(e) => Some(e),
            Error::NoLineEnd { .. } => None,
        }
    }
}

/// What a batch run saw, for the summary on stderr.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Lines read.
    pub lines: u64,
    /// Lines that produced an error object.
    pub errors: u64,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    line: u64,
    error: &'a str,
}

/// Runs `handle` over every line of `input` with the default [`Limits`].
///
/// `handle` gets the line's text and serialises its answer into the writer it
/// is given, or fails with a [`LineError`]. Progress goes to stderr every
/// 100,000 lines when stderr is a terminal.
pub fn run<R, W, F>(input: R, output: W, handle: F) -> Result<Tally, Error>
where
    R: BufRead,
    W: Write,
    F: FnMut(&str, &mut Vec<u8>) -> Result<(), LineError>,
{
    run_with(input, output, Limits::default(), handle)
}

/// How one line ended up.
enum Line {
    /// The line's bytes, line ending removed.
    Text,
    /// The line was longer than the limit; its bytes were dropped.
    TooLong,
}

/// Reads lines from a [`BufRead`] without ever holding more than the line limit,
/// flushing the output before each read that may wait.
struct Lines<R> {
    input: R,
    limits: Limits,
    /// Everything `fill_buf` returned was consumed: the next call reads the source.
    drained: bool,
}

impl<R: BufRead> Lines<R> {
    /// The next line into `raw`; `None` at the end of the input.
    fn next<W: Write>(
        &mut self,
        raw: &mut Vec<u8>,
        out: &mut W,
        number: u64,
    ) -> Result<Option<Line>, Error> {
        raw.clear();
        // One more byte than the limit may be a `\r` before the `\n`.
        let keep = self.limits.max_line_bytes.saturating_add(1);
        let mut too_long = false;
        let mut seen: u64 = 0;
        loop {
            if self.drained {
                out.flush().map_err(Error::Write)?;
            }
            let buf = match self.input.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::Read(e)),
            };
            if buf.is_empty() {
                self.drained = true;
                return Ok(match (seen, too_long) {
                    (0, _) => None,
                    (_, true) => Some(Line::TooLong),
                    (_, false) => Some(Line::Text),
                });
            }
            let newline = buf.iter().position(|&b| b == b'\n');
            let (piece, used) = match newline {
                Some(i) => (&buf[..i], i + 1),
                None => (buf, buf.len()),
            };
            seen = seen.saturating_add(used as u64);
            if !too_long {
                if raw.len() + piece.len() > keep {
                    too_long = true;
                    raw.clear();
                } else {
                    raw.extend_from_slice(piece);
                }
            }
            self.drained = used == buf.len();
            self.input.consume(used);
            if newline.is_some() {
                let ending = raw.ends_with(b"\r");
                if ending {
                    raw.pop();
                }
                if raw.len() > self.limits.max_line_bytes {
                    too_long = true;
                }
                return Ok(Some(if too_long { Line::TooLong } else { Line::Text }));
            }
            let bound =
                (self.limits.max_line_bytes as u64).saturating_add(self.limits.max_skip_bytes);
            if too_long && seen > bound {
                return Err(Error::NoLineEnd {
                    line: number,
                    bytes: seen,
                });
            }
        }
    }
}

/// Runs `handle` over every line of `input`, writing one JSON line per input
/// line, within `limits`.
pub fn run_with<R, W, F>(input: R, output: W, limits: Limits, mut handle: F) -> Result<Tally, Error>
where
    R: BufRead,
    W: Write,
    F: FnMut(&str, &mut Vec<u8>) -> Result<(), LineError>,
{
    let mut out = io::BufWriter::with_capacity(1 << 16, output);
    let progress = io::stderr().is_terminal();
    let mut lines = Lines {
        input,
        limits,
        drained: true,
    };
    let mut raw = Vec::with_capacity(1024);
    let mut answer = Vec::with_capacity(512);
    let mut tally = Tally::default();
    loop {
        let line = match lines.next(&mut raw, &mut out, tally.lines + 1) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(Error::NoLineEnd { line, bytes }) => {
                write_error(&mut out, None, line, &too_long(limits))?;
                out.flush().map_err(Error::Write)?;
                return Err(Error::NoLineEnd { line, bytes });
            }
            Err(e) => return Err(e),
        };
        tally.lines += 1;
        answer.clear();
        let result = match line {
            Line::TooLong => Err((None, LineError(too_long(limits)))),
            Line::Text => match std::str::from_utf8(&raw) {
                Err(e) => Err((
                    None,
                    LineError(format!("the line is not valid UTF-8 ({e})")),
                )),
                Ok(text) if text.trim().is_empty() => Err((
                    None,
                    LineError("the line is empty; expected a JSON object".into()),
                )),
                Ok(text) => handle(text, &mut answer).map_err(|e| (id_of(text), e)),
            },
        };
        match result {
            Ok(()) => {
                out.write_all(&answer).map_err(Error::Write)?;
                out.write_all(b"\n").map_err(Error::Write)?;
            }
            Err((id, LineError(message))) => {
                tally.errors += 1;
                write_error(&mut out, id.as_deref(), tally.lines, &message)?;
            }
        }
        if progress && tally.lines % 100_000 == 0 {
            let _ = write!(io::stderr(), "\rrpscope: {} lines", tally.lines);
        }
    }
    out.flush().map_err(Error::Write)?;
    if progress && tally.lines >= 100_000 {
        let _ = writeln!(io::stderr());
    }
    Ok(tally)
}

fn too_long(limits: Limits) -> String {
    format!(
        "line over {} bytes, the limit for one request; skipped",
        limits.max_line_bytes
    )
}

fn write_error<W: Write>(
    out: &mut W,
    id: Option<&str>,
    line: u64,
    error: &str,
) -> Result<(), Error> {
    serde_json::to_writer(&mut *out, &ErrorLine { id, line, error })
        .map_err(|e| Error::Write(e.into()))?;
    out.write_all(b"\n").map_err(Error::Write)
}

/// The `id` of a line that failed, when the line is JSON with a string `id`.
fn id_of(text: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct IdOnly {
        id: Option<serde_json::Value>,
    }
    match serde_json::from_str::<IdOnly>(text).ok()?.id? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn double(text: &str, answer: &mut Vec<u8>) -> Result<(), LineError> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| LineError(e.to_string()))?;
        let n = v
            .get("n")
            .and_then(|n| n.as_i64())
            .ok_or_else(|| LineError("no n".into()))?;
        serde_json::to_writer(answer, &serde_json::json!({ "double": n * 2 }))
            .map_err(|e| LineError(e.to_string()))
    }

    fn drive_with(input: &[u8], limits: Limits) -> (String, Result<Tally, Error>) {
        let mut out = Vec::new();
        let result = run_with(input, &mut out, limits, double);
        (String::from_utf8(out).unwrap(), result)
    }

    fn drive(input: &[u8]) -> (String, Tally) {
        let (out, tally) = drive_with(input, Limits::default());
        (out, tally.unwrap())
    }

    #[test]
    fn one_output_line_per_input_line_in_order() {
        let (out, tally) = drive(b"{\"n\":1}\r\n\n{\"id\":\"x\"}\n\xff\n{\"n\":3}");
        let lines: Vec<_> = out.lines().collect();
        assert_eq!(lines.len(), 5, "{out}");
        assert_eq!(lines[0], r#"{"double":2}"#);
        assert!(
            lines[1].starts_with(r#"{"line":2,"error":"the line is empty"#),
            "{}",
            lines[1]
        );
        assert_eq!(lines[2], r#"{"id":"x","line":3,"error":"no n"}"#);
        assert!(lines[3].starts_with(r#"{"line":4,"error":"the line is not valid UTF-8"#));
        assert_eq!(lines[4], r#"{"double":6}"#);
        assert_eq!(
            tally,
            Tally {
                lines: 5,
                errors: 3
            }
        );
    }

    const SMALL: Limits = Limits {
        max_line_bytes: 8,
        max_skip_bytes: 32,
    };

    #[test]
    fn a_line_over_the_limit_is_one_error_and_the_run_goes_on() {
        // Exactly 8 bytes passes (with either line ending); 9 does not.
        let input = b"{\"n\":10}\n{\"n\":20}\r\n{\"n\": 30}\n{\"n\":4}\n{\"n\":5}";
        let (out, tally) = drive_with(input, SMALL);
        let lines: Vec<_> = out.lines().collect();
        assert_eq!(
            lines,
            [
                r#"{"double":20}"#,
                r#"{"double":40}"#,
                r#"{"line":3,"error":"line over 8 bytes, the limit for one request; skipped"}"#,
                r#"{"double":8}"#,
                r#"{"double":10}"#,
            ]
        );
        assert_eq!(
            tally.unwrap(),
            Tally {
                lines: 5,
                errors: 1
            }
        );
    }

    #[test]
    fn an_over_long_last_line_without_newline_is_one_error() {
        let (out, tally) = drive_with(b"{\"n\":1}\n0123456789abc", SMALL);
        assert_eq!(
            out.lines().collect::<Vec<_>>(),
            [
                r#"{"double":2}"#,
                r#"{"line":2,"error":"line over 8 bytes, the limit for one request; skipped"}"#
            ]
        );
        assert_eq!(tally.unwrap().lines, 2);
    }

    /// A reader that hands out its bytes a few at a time, as a pipe does.
    struct Trickle<'a>(&'a [u8]);
    impl io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(3).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn lines_split_across_reads_are_whole() {
        let input = b"{\"n\":1}\n{\"n\":20}\n0123456789\n{\"n\":3}\n";
        let mut out = Vec::new();
        let reader = io::BufReader::with_capacity(4, Trickle(input));
        let tally = run_with(reader, &mut out, SMALL, double).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap().lines().collect::<Vec<_>>(),
            [
                r#"{"double":2}"#,
                r#"{"double":40}"#,
                r#"{"line":3,"error":"line over 8 bytes, the limit for one request; skipped"}"#,
                r#"{"double":6}"#,
            ]
        );
        assert_eq!(tally.lines, 4);
    }

    /// Endless bytes with no newline, like `/dev/zero`.
    struct Zeros(u64);
    impl io::Read for Zeros {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            buf.fill(0);
            self.0 += buf.len() as u64;
            Ok(buf.len())
        }
    }

    #[test]
    fn endless_input_without_newline_stops_with_an_error_after_the_skip_bound() {
        let mut out = Vec::new();
        let mut zeros = Zeros(0);
        let reader = io::BufReader::with_capacity(16, &mut zeros);
        let err = run_with(reader, &mut out, SMALL, double).unwrap_err();
        assert!(
            matches!(err, Error::NoLineEnd { line: 1, bytes } if bytes > 40 && bytes <= 56),
            "{err:?}"
        );
        assert!(err.to_string().contains("line 1 has no line end"), "{err}");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"line\":1,\"error\":\"line over 8 bytes, the limit for one request; skipped\"}\n"
        );
        assert!(zeros.0 <= 64, "read {} bytes", zeros.0);
    }

    /// Records what reached the output at the moment each read of the input began.
    struct Watched<'a> {
        input: &'a [&'a [u8]],
        seen: std::rc::Rc<std::cell::RefCell<Vec<u8>>>,
        at_read: Vec<usize>,
    }
    impl io::Read for Watched<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.at_read.push(self.seen.borrow().len());
            let Some((first, rest)) = self.input.split_first() else {
                return Ok(0);
            };
            buf[..first.len()].copy_from_slice(first);
            self.input = rest;
            Ok(first.len())
        }
    }
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_answer_is_flushed_before_the_next_read_waits() {
        let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let chunks: [&[u8]; 2] = [b"{\"n\":1}\n", b"{\"n\":2}\n{\"n\":3}\n"];
        let mut watched = Watched {
            input: &chunks,
            seen: seen.clone(),
            at_read: Vec::new(),
        };
        let reader = io::BufReader::with_capacity(64, &mut watched);
        run_with(reader, Shared(seen.clone()), Limits::default(), double).unwrap();
        let first = r#"{"double":2}"#.len() + 1;
        let three = first + 2 * (r#"{"double":4}"#.len() + 1);
        // Nothing before the first read; the first answer before the second read;
        // the two answers of the second chunk before the read that finds the end.
        assert_eq!(watched.at_read, [0, first, three]);
    }

    #[test]
    fn a_closed_output_is_a_write_error() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let err = run(&b"{\"n\":1}\n"[..], Closed, double).unwrap_err();
        assert!(
            matches!(&err, Error::Write(e) if e.kind() == io::ErrorKind::BrokenPipe),
            "{err:?}"
        );
    }
}
