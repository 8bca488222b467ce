//! The one MIME question related origins ask: is this `Content-Type` JSON?
//!
//! Implements the WHATWG MIME Sniffing "parse a MIME type" steps as far as the
//! essence (<https://mimesniff.spec.whatwg.org/#parse-a-mime-type>): type and
//! subtype must be non-empty HTTP tokens, compared case-insensitively, and
//! parameters after `;` do not matter. A general MIME crate follows RFC grammar
//! instead, which differs on exactly these edge cases.

/// HTTP whitespace (Fetch): tab, line feed, carriage return, space.
fn is_http_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' ')
}

/// HTTP token code points (Fetch, RFC 9110 `tchar`).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether the parsed MIME type's essence is `application/json`.
///
/// ```
/// use rpscope_core::client::mime::essence_is_json;
/// assert!(essence_is_json("application/json"));
/// assert!(essence_is_json(" Application/JSON ; charset=utf-8"));
/// assert!(!essence_is_json("application/json-seq"));
/// assert!(!essence_is_json("text/json"));
/// ```
pub fn essence_is_json(value: &str) -> bool {
    let value = value.trim_matches(is_http_whitespace);
    let Some((ty, rest)) = value.split_once('/') else {
        return false;
    };
    let subtype = rest
        .split(';')
        .next()
        .unwrap_or("")
        .trim_end_matches(is_http_whitespace);
    is_token(ty)
        && is_token(subtype)
        && ty.eq_ignore_ascii_case("application")
        && subtype.eq_ignore_ascii_case("json")
}

/// Whether the value is exactly `application/json`, ASCII case-insensitively, once
/// surrounding HTTP whitespace is stripped (as a header value is): no parameters.
///
/// WebKit's `isWellKnownResponseAcceptable` compares with
/// `equalLettersIgnoringASCIICase(mimeType, "application/json")`
/// (`Source/WebCore/Modules/webauthn/WellKnownOriginList.cpp`).
///
/// ```
/// use rpscope_core::client::mime::exactly_json_ignoring_case;
/// assert!(exactly_json_ignoring_case("APPLICATION/JSON"));
/// assert!(!exactly_json_ignoring_case("application/json; charset=utf-8"));
/// ```
pub fn exactly_json_ignoring_case(value: &str) -> bool {
    value
        .trim_matches(is_http_whitespace)
        .eq_ignore_ascii_case("application/json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_cases() {
        for ok in [
            "application/json",
            "Application/JSON",
            " application/json\t",
        ] {
            assert!(exactly_json_ignoring_case(ok), "{ok:?}");
        }
        for bad in [
            "application/json;charset=utf-8",
            "application/json; charset=utf-8",
            "application/json-seq",
            "application / json",
            "text/json",
            "",
            "application/json\u{0}",
            "applicatıon/json",
        ] {
            assert!(!exactly_json_ignoring_case(bad), "{bad:?}");
        }
    }

    #[test]
    fn essence_cases() {
        for ok in [
            "application/json",
            "application/json;charset=utf-8",
            "APPLICATION/JSON",
            "\tapplication/json \t",
        ] {
            assert!(essence_is_json(ok), "{ok:?}");
        }
        for bad in [
            "",
            "application",
            "application/",
            "/json",
            "application /json",
            "text/plain",
            "application/json, text/html",
            "application/jsonp",
            "application/x-json",
        ] {
            assert!(!essence_is_json(bad), "{bad:?}");
        }
    }
}
