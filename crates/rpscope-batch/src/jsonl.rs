//! A JSON Lines driver shared by every `--batch` mode.
//!
//! One output line per input line, in order. A line that cannot be handled
//! becomes `{"id": … (if known), "line": N, "error": "…"}` and the run goes on;
//! only an unreadable input (or an unwritable output) stops it.

use serde::Serialize;
use std::io::{self, BufRead, IsTerminal, Write};

/// A line that could not be handled.
pub struct LineError(pub String);

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

/// Runs `handle` over every line of `input`, writing one JSON line per input line.
///
/// `handle` gets the line's text and serialises its answer into the writer it
/// is given, or fails with a [`LineError`]. Progress goes to stderr every
/// 100,000 lines when stderr is a terminal.
pub fn run<R, W, F>(mut input: R, output: W, mut handle: F) -> io::Result<Tally>
where
    R: BufRead,
    W: Write,
    F: FnMut(&str, &mut Vec<u8>) -> Result<(), LineError>,
{
    let mut out = io::BufWriter::with_capacity(1 << 16, output);
    let progress = io::stderr().is_terminal();
    let mut raw = Vec::with_capacity(1024);
    let mut answer = Vec::with_capacity(512);
    let mut tally = Tally::default();
    loop {
        raw.clear();
        if input.read_until(b'\n', &mut raw)? == 0 {
            break;
        }
        tally.lines += 1;
        let line = trim_line_end(&raw);
        answer.clear();
        let result = match std::str::from_utf8(line) {
            Err(e) => Err((
                None,
                LineError(format!("the line is not valid UTF-8 ({e})")),
            )),
            Ok(text) if text.trim().is_empty() => Err((
                None,
                LineError("the line is empty; expected a JSON object".into()),
            )),
            Ok(text) => handle(text, &mut answer).map_err(|e| (id_of(text), e)),
        };
        match result {
            Ok(()) => out.write_all(&answer)?,
            Err((id, LineError(message))) => {
                tally.errors += 1;
                let error = ErrorLine {
                    id: id.as_deref(),
                    line: tally.lines,
                    error: &message,
                };
                serde_json::to_writer(&mut out, &error)?;
            }
        }
        out.write_all(b"\n")?;
        if progress && tally.lines % 100_000 == 0 {
            eprint!("\rrpscope: {} lines", tally.lines);
        }
    }
    out.flush()?;
    if progress && tally.lines >= 100_000 {
        eprintln!();
    }
    Ok(tally)
}

fn trim_line_end(raw: &[u8]) -> &[u8] {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    raw.strip_suffix(b"\r").unwrap_or(raw)
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

    fn drive(input: &[u8]) -> (String, Tally) {
        let mut out = Vec::new();
        let tally = run(input, &mut out, |text, answer| {
            let v: serde_json::Value =
                serde_json::from_str(text).map_err(|e| LineError(e.to_string()))?;
            let n = v
                .get("n")
                .and_then(|n| n.as_i64())
                .ok_or_else(|| LineError("no n".into()))?;
            serde_json::to_writer(answer, &serde_json::json!({ "double": n * 2 }))
                .map_err(|e| LineError(e.to_string()))
        })
        .unwrap();
        (String::from_utf8(out).unwrap(), tally)
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
}
