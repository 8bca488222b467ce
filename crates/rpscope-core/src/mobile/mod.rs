//! Mobile association files: how a site declares the Android and iOS apps that
//! may use its passkeys, judged from the bytes a fetcher hands in.
//!
//! | module | holds |
//! |---|---|
//! | [`android_origin`] | a SHA-256 certificate fingerprint → `android:apk-key-hash:…` |
//! | [`assetlinks`] | `/.well-known/assetlinks.json` (Digital Asset Links) |
//! | [`aasa`] | `/.well-known/apple-app-site-association` |
//!
//! The core never fetches: a caller (a file reader, `rpscope probe`) passes a
//! [`Served`] (status, content type, body, redirects, declared length) and gets
//! typed [`Problem`]s back. Every read is bounded: a body over the file's cap is
//! refused from its length alone, JSON nesting is limited by the parser, and lists
//! of problems stop at [`MAX_LISTED`] with a count of the rest.
//!
//! ```
//! use rpscope_core::mobile::{assetlinks, Served, Problem};
//! let body = br#"[{"relation": ["delegate_permission/common.get_login_creds"],
//!   "target": {"namespace": "android_app", "package_name": "com.example.app",
//!   "sha256_cert_fingerprints": ["F0:D0:46:D0:BD:07:D1:15:2C:F3:65:16:FF:21:AB:11:5C:D8:D7:00:93:F3:B4:42:35:A6:AD:7F:11:5E:29:E1"]}}]"#;
//! let file = assetlinks::read(&Served::file(body));
//! assert!(file.problems.is_empty());
//! assert_eq!(file.login_origins().collect::<Vec<_>>(),
//!            ["android:apk-key-hash:8NBG0L0H0RUs82UW_yGrEVzY1wCT87RCNaatfxFeKeE"]);
//! ```

pub mod aasa;
pub mod android_origin;
pub mod assetlinks;
mod problem;

pub use problem::{MobileFile, Problem};

/// How many problems of one kind (bad fingerprints, bad app ids, origins missing
/// from the policy) are listed before the rest are only counted.
pub const MAX_LISTED: usize = 16;

/// A response as a fetcher received it (or a file as the user gives it: see
/// [`Served::file`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Served<'a> {
    /// The final HTTP status.
    pub status: u16,
    /// The `Content-Type` header as sent (`""`: none).
    pub content_type: &'a str,
    /// The body bytes read (a fetcher stops reading past the file's cap).
    pub body: &'a [u8],
    /// The URLs the fetch was redirected to, in order (empty: none).
    pub redirects: &'a [String],
    /// The body's whole length when it is known to exceed `body` (a
    /// `Content-Length`, or the count a reader saw before it stopped); `None`:
    /// `body` is the whole body.
    pub length: Option<u64>,
}

impl<'a> Served<'a> {
    /// A local file: status 200, `application/json`, no redirects, complete.
    pub fn file(body: &'a [u8]) -> Served<'a> {
        Served {
            status: 200,
            content_type: "application/json",
            body,
            redirects: &[],
            length: None,
        }
    }

    /// The body's length: the declared one when larger than what was read.
    pub fn len(&self) -> u64 {
        let read = self.body.len() as u64;
        self.length.map_or(read, |l| l.max(read))
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whether a `Content-Type` is `application/json` (case-insensitive, parameters
/// such as `charset` allowed).
fn is_application_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// Whether a body reads as HTML: what a single-page app's fallback route or an
/// error page serves at a path it does not know.
fn looks_like_html(content_type: &str, body: &[u8]) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("text/html") {
        return true;
    }
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head = &body[start..body.len().min(start + 15)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || lower.starts_with(b"<head")
}

/// The checks both files share, in the order a platform meets them; `Some` with
/// the parsed JSON when the body is usable at all.
fn read_json(
    file: MobileFile,
    served: &Served<'_>,
    problems: &mut Vec<Problem>,
) -> Option<serde_json::Value> {
    if let Some(to) = served.redirects.first() {
        problems.push(Problem::Redirected {
            file,
            to: to.clone(),
            hops: served.redirects.len(),
        });
        // A fetcher that follows no redirect (as the platforms) ends at the
        // redirect itself: its 3xx status is the redirect, already reported, and
        // there is no file to read.
        if (300..400).contains(&served.status) {
            return None;
        }
    }
    if served.status != 200 {
        problems.push(Problem::BadStatus {
            file,
            status: served.status,
        });
        return None;
    }
    let cap = file.max_bytes();
    if served.len() > cap as u64 {
        problems.push(Problem::TooLarge {
            file,
            length: served.len(),
            cap,
        });
        return None;
    }
    if looks_like_html(served.content_type, served.body) {
        problems.push(Problem::Html {
            file,
            content_type: served.content_type.to_owned(),
        });
        return None;
    }
    if !is_application_json(served.content_type) {
        problems.push(Problem::BadContentType {
            file,
            content_type: served.content_type.to_owned(),
        });
    }
    if let Err(e) = std::str::from_utf8(served.body) {
        problems.push(Problem::NotJson {
            file,
            why: format!("the body is not UTF-8 (byte {})", e.valid_up_to()),
        });
        return None;
    }
    // serde_json refuses nesting deeper than 128 levels with an error, not a crash.
    match serde_json::from_slice(served.body) {
        Ok(value) => Some(value),
        Err(e) => {
            problems.push(Problem::NotJson {
                file,
                why: e.to_string(),
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_recognised_by_type_or_by_its_first_bytes() {
        assert!(looks_like_html("text/html; charset=utf-8", b"{}"));
        assert!(looks_like_html(
            "application/json",
            b"\n  <!DOCTYPE html><html>"
        ));
        assert!(looks_like_html("", b"<html lang=en>"));
        assert!(!looks_like_html("application/json", b"[]"));
        assert!(!looks_like_html("application/json", b""));
    }

    #[test]
    fn content_type_essence() {
        assert!(is_application_json("application/json"));
        assert!(is_application_json(" Application/JSON ; charset=utf-8"));
        assert!(!is_application_json("text/plain"));
        assert!(!is_application_json("application/octet-stream"));
        assert!(!is_application_json(""));
    }

    #[test]
    fn a_redirect_not_followed_is_one_problem_not_two() {
        let to = ["https://www.example.com/.well-known/assetlinks.json".to_owned()];
        let served = Served {
            status: 301,
            content_type: "text/html",
            body: b"<html>moved</html>",
            redirects: &to,
            length: None,
        };
        let mut problems = Vec::new();
        assert!(read_json(MobileFile::AssetLinks, &served, &mut problems).is_none());
        assert!(
            matches!(problems.as_slice(), [Problem::Redirected { hops: 1, .. }]),
            "{problems:?}"
        );
        // A redirect followed to a 404: both the redirect and the status.
        let served = Served {
            status: 404,
            ..served
        };
        let mut problems = Vec::new();
        assert!(read_json(MobileFile::AssetLinks, &served, &mut problems).is_none());
        assert!(
            matches!(
                problems.as_slice(),
                [
                    Problem::Redirected { .. },
                    Problem::BadStatus { status: 404, .. }
                ]
            ),
            "{problems:?}"
        );
    }

    #[test]
    fn a_declared_length_counts_even_when_little_was_read() {
        let served = Served {
            length: Some(1 << 30),
            ..Served::file(b"[]")
        };
        assert_eq!(served.len(), 1 << 30);
        let mut problems = Vec::new();
        assert!(read_json(MobileFile::AssetLinks, &served, &mut problems).is_none());
        assert!(matches!(
            problems.as_slice(),
            [Problem::TooLarge { length, .. }] if *length == 1 << 30
        ));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Bodies near the shapes the readers expect, and arbitrary bytes.
    fn body() -> impl Strategy<Value = Vec<u8>> {
        let pieces = prop::sample::select(vec![
            "[",
            "]",
            "{",
            "}",
            ",",
            ":",
            "\"relation\"",
            "\"target\"",
            "\"namespace\"",
            "\"android_app\"",
            "\"package_name\"",
            "\"sha256_cert_fingerprints\"",
            "\"delegate_permission/common.get_login_creds\"",
            "\"webcredentials\"",
            "\"apps\"",
            "\"ABCDE12345.com.example\"",
            "\"F0:D0\"",
            "null",
            "7",
            "<html>",
            "\u{e9}",
        ]);
        prop_oneof![
            prop::collection::vec(pieces, 0..40).prop_map(|p| p.concat().into_bytes()),
            prop::collection::vec(any::<u8>(), 0..200),
        ]
    }

    proptest! {
        /// Any response reads without a panic; a body over the cap is refused
        /// with `TooLarge` and nothing else is read from it.
        #[test]
        fn any_response_reads(
            body in body(),
            status in prop::sample::select(vec![200u16, 204, 301, 404]),
            content_type in prop::sample::select(vec!["application/json", "text/html", "", "application/json; charset=utf-8"]),
            length in prop::option::of(0u64..(1 << 21)),
        ) {
            let served = Served { status, content_type, body: &body, redirects: &[], length };
            let android = assetlinks::read(&served);
            let ios = aasa::read(&served);
            for (file, problems, readable) in [
                (MobileFile::AssetLinks, &android.problems, android.readable),
                (MobileFile::Aasa, &ios.problems, ios.readable),
            ] {
                let over = status == 200 && served.len() > file.max_bytes() as u64;
                prop_assert_eq!(
                    problems.iter().any(|p| matches!(p, Problem::TooLarge { .. })),
                    over
                );
                if over || status != 200 {
                    prop_assert!(!readable);
                }
                for p in problems {
                    prop_assert!(!p.to_string().is_empty() && !p.fix().is_empty());
                }
            }
        }
    }
}
