//! `/.well-known/apple-app-site-association`: the associated-domains file with
//! which a site lets iOS apps use its credentials (`webcredentials.apps`).
//!
//! Sources: Apple, "Supporting associated domains" (the file's name and place,
//! `webcredentials` with `apps` of App IDs `TEAMID.bundle.id`, served over https
//! without redirects); Apple, App Search Programming Guide revision history
//! 2016-04-01 (128 KB size limit); iOS apps present `https://<rp_id>` as their
//! origin (corbado/flutter-passkeys#199, f-23/react-native-passkey#26). Field
//! reports: open-chat-labs/open-chat#9241 (an SPA fallback answering the path with
//! 200 + HTML); peterferguson/react-native-passkeys#24 (a Team ID mismatch);
//! corbado/flutter-passkeys#121, #233 and Actual-Chat/actual-chat#4578 ("not
//! associated with domain" for causes outside the file: provisioning profile,
//! entitlements, a name Apple's CDN cannot resolve).

use super::assetlinks::{clip, kind};
use super::problem::Lister;
use super::{read_json, MobileFile, Problem, Served};
use crate::server::presented::read as read_presented;
use crate::server::CompiledPolicy;
use serde_json::Value;

/// What the file says, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Aasa {
    /// Whether the body was read as a JSON object at all.
    pub readable: bool,
    /// The well-formed `webcredentials.apps` entries, in order.
    pub apps: Vec<String>,
    /// Problems with the response and the file, in the order found.
    pub problems: Vec<Problem>,
}

impl Aasa {
    /// When apps are declared, the policy must admit `https://<rp_id>`: iOS apps
    /// present the RP ID's origin in `clientDataJSON`.
    ///
    /// ```
    /// use rpscope_core::mobile::{aasa, Problem, Served};
    /// use rpscope_core::server::{Compile, Policy};
    /// use rpscope_core::PublicSuffixList;
    /// let psl = PublicSuffixList::vendored();
    /// let policy = Policy { rp_ids: vec!["example.com".into()], origins: vec!["https://www.example.com".into()], ..Policy::default() };
    /// let file = aasa::read(&Served::file(br#"{"webcredentials": {"apps": ["ABCDE12345.com.example.app"]}}"#));
    /// let problems = file.compare("example.com", &policy.compile(&psl).unwrap());
    /// assert!(matches!(&problems[..], [Problem::RpIdOriginNotAllowed { origin, .. }] if origin == "https://example.com"));
    /// ```
    pub fn compare(&self, rp_id: &str, policy: &CompiledPolicy) -> Vec<Problem> {
        if self.apps.is_empty() {
            return Vec::new();
        }
        let origin = format!("https://{}", rp_id.to_ascii_lowercase());
        let admitted = read_presented(&origin).is_ok_and(|p| policy.origins.find(&p).is_some());
        if admitted {
            Vec::new()
        } else {
            vec![Problem::RpIdOriginNotAllowed {
                origin,
                apps: self.apps.len(),
            }]
        }
    }
}

/// Reads a served `apple-app-site-association`. Never fails: what cannot be read
/// is a [`Problem`].
pub fn read(served: &Served<'_>) -> Aasa {
    let mut out = Aasa::default();
    let Some(json) = read_json(MobileFile::Aasa, served, &mut out.problems) else {
        return out;
    };
    let Value::Object(map) = &json else {
        out.problems.push(Problem::BadShape {
            file: MobileFile::Aasa,
            why: format!("the top level is {}, not an object", kind(&json)),
        });
        return out;
    };
    out.readable = true;
    let applinks = map.contains_key("applinks");
    let apps = match map.get("webcredentials") {
        None => {
            out.problems.push(Problem::NoWebCredentials { applinks });
            return out;
        }
        Some(Value::Object(wc)) => match wc.get("apps") {
            Some(Value::Array(apps)) => apps,
            Some(other) => {
                out.problems.push(Problem::BadShape {
                    file: MobileFile::Aasa,
                    why: format!(
                        "`webcredentials.apps` is {}, not an array of strings",
                        kind(other)
                    ),
                });
                return out;
            }
            None => {
                out.problems.push(Problem::NoWebCredentials { applinks });
                return out;
            }
        },
        Some(other) => {
            out.problems.push(Problem::BadShape {
                file: MobileFile::Aasa,
                why: format!("`webcredentials` is {}, not an object", kind(other)),
            });
            return out;
        }
    };
    let mut bad = Lister::new();
    for app in apps {
        let Some(text) = app.as_str() else {
            bad.push(
                Problem::BadAppId {
                    app_id: clip(&app.to_string()),
                    why: "not a string",
                },
                &mut out.problems,
            );
            continue;
        };
        match app_id_problem(text) {
            None => out.apps.push(text.to_owned()),
            Some(why) => bad.push(
                Problem::BadAppId {
                    app_id: clip(text),
                    why,
                },
                &mut out.problems,
            ),
        }
    }
    bad.close(&mut out.problems);
    if out.apps.is_empty()
        && !out
            .problems
            .iter()
            .any(|p| matches!(p, Problem::BadAppId { .. } | Problem::Unlisted { .. }))
    {
        out.problems.push(Problem::NoWebCredentials { applinks });
    }
    out
}

/// Why an App ID is not `TEAMID.bundle.id`, or `None`.
///
/// The Team ID is the 10-character identifier Apple issues (upper-case letters
/// and digits); the bundle identifier is letters, digits, `-` and `.`.
pub fn app_id_problem(app_id: &str) -> Option<&'static str> {
    let Some((team, bundle)) = app_id.split_once('.') else {
        return Some(
            "no `.`: an App ID is `TEAMID.bundle.id` (the Team ID, a dot, the bundle identifier)",
        );
    };
    if team.len() != 10 {
        return Some("the part before the first `.` is not a 10-character Team ID (a bundle identifier alone is not enough)");
    }
    if !team
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Some("the Team ID is not 10 upper-case letters and digits");
    }
    if bundle.is_empty()
        || bundle.starts_with('.')
        || bundle.ends_with('.')
        || !bundle
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return Some("the bundle identifier after the Team ID is empty or has characters other than letters, digits, `-` and `.`");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_ids() {
        assert_eq!(app_id_problem("ABCDE12345.com.example.app"), None);
        assert!(app_id_problem("com.example.app").is_some());
        assert!(app_id_problem("abcde12345.com.example.app").is_some());
        assert!(app_id_problem("ABCDE12345.").is_some());
        assert!(app_id_problem("ABCDE12345.com example").is_some());
        assert!(app_id_problem("ABCDE1234.com.example").is_some());
        assert!(app_id_problem("ÄBCDE1234.com.example").is_some());
    }

    #[test]
    fn spa_fallback_is_named_html() {
        let served = Served {
            content_type: "text/html; charset=utf-8",
            ..Served::file(b"<!DOCTYPE html><html><head><title>App</title>")
        };
        let file = read(&served);
        assert!(matches!(&file.problems[..], [Problem::Html { .. }]));
        assert!(file.problems[0].to_string().contains("single-page app"));
    }

    #[test]
    fn applinks_without_webcredentials() {
        let file = read(&Served::file(br#"{"applinks": {"details": []}}"#));
        assert_eq!(
            file.problems,
            vec![Problem::NoWebCredentials { applinks: true }]
        );
    }

    #[test]
    fn over_128_kb_is_refused_from_the_length() {
        let served = Served {
            length: Some(200_000),
            ..Served::file(b"{}")
        };
        assert!(matches!(
            &read(&served).problems[..],
            [Problem::TooLarge { cap: 131_072, .. }]
        ));
    }
}
