//! `/.well-known/assetlinks.json`: the Digital Asset Links statement list with
//! which a site lets Android apps use its credentials.
//!
//! Sources: the Digital Asset Links specification (statement list: an array of
//! statements, each with `relation` and `target`; `android_app` targets name
//! `package_name` and `sha256_cert_fingerprints`; `include` statements); Android
//! Credential Manager, "Prerequisites" (relation
//! `delegate_permission/common.get_login_creds` for passkeys; the file served as
//! `application/json` over https without redirects). Field reports ("the incoming
//! request cannot be validated", "RP ID cannot be validated"):
//! android/identity-samples#88 (only `handle_all_urls`), #63;
//! corbado/flutter-passkeys#148, #177; f-23/react-native-passkey#68 (a debug key).

use super::android_origin::{apk_key_hash_origin, parse_fingerprint, APK_KEY_HASH_PREFIX};
use super::problem::Lister;
use super::{read_json, MobileFile, Problem, Served};
use serde_json::Value;
use std::collections::HashSet;

/// The relation that lets an app use the site's passkeys and passwords.
pub const GET_LOGIN_CREDS: &str = "delegate_permission/common.get_login_creds";

/// The relation that enables Android App Links (not credential sharing).
pub const HANDLE_ALL_URLS: &str = "delegate_permission/common.handle_all_urls";

/// One `android_app` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AndroidApp {
    /// `target.package_name`.
    pub package_name: String,
    /// Whether `relation` holds [`GET_LOGIN_CREDS`].
    pub login_creds: bool,
    /// Whether `relation` holds [`HANDLE_ALL_URLS`].
    pub handle_all_urls: bool,
    /// The well-formed SHA-256 fingerprints, in order.
    pub fingerprints: Vec<[u8; 32]>,
}

impl AndroidApp {
    /// The origin each fingerprint implies, in order.
    pub fn origins(&self) -> impl Iterator<Item = String> + '_ {
        self.fingerprints.iter().map(apk_key_hash_origin)
    }
}

/// What the file says, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssetLinks {
    /// Whether the body was read as a statement list at all.
    pub readable: bool,
    /// The `android_app` statements, in order.
    pub apps: Vec<AndroidApp>,
    /// `include` statements (URLs of further statement lists; not followed).
    pub includes: Vec<String>,
    /// Problems with the response and the file, in the order found.
    pub problems: Vec<Problem>,
}

impl AssetLinks {
    /// The origins of apps that may use the site's credentials (statements with
    /// `get_login_creds`), each once, in file order.
    pub fn login_origins(&self) -> impl Iterator<Item = String> + '_ {
        let mut seen = HashSet::new();
        self.apps
            .iter()
            .filter(|a| a.login_creds)
            .flat_map(|a| a.origins().map(move |o| (o, a)))
            .filter_map(move |(o, _)| seen.insert(o.clone()).then_some(o))
    }

    /// Compares the file with the policy's `origins` both ways: apps the file
    /// admits whose origin the policy lacks, and `android:apk-key-hash:` entries
    /// of the policy the file does not declare. App origins are compared exactly,
    /// as verifiers compare them.
    ///
    /// ```
    /// use rpscope_core::mobile::{assetlinks, Problem, Served};
    /// let body = br#"[{"relation": ["delegate_permission/common.get_login_creds"], "target": {"namespace": "android_app", "package_name": "com.example", "sha256_cert_fingerprints": ["00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00"]}}]"#;
    /// let file = assetlinks::read(&Served::file(body));
    /// let problems = file.compare(&["https://example.com".to_string()]);
    /// assert!(matches!(&problems[..], [Problem::AppOriginNotInPolicy { package, .. }] if package == "com.example"));
    /// ```
    pub fn compare(&self, policy_origins: &[String]) -> Vec<Problem> {
        let mut problems = Vec::new();
        if !self.readable {
            return problems;
        }
        let declared: Vec<(String, &str)> = {
            let mut seen = HashSet::new();
            self.apps
                .iter()
                .filter(|a| a.login_creds)
                .flat_map(|a| a.origins().map(move |o| (o, a.package_name.as_str())))
                .filter(|(o, _)| seen.insert(o.clone()))
                .collect()
        };
        let in_policy: HashSet<&str> = policy_origins.iter().map(String::as_str).collect();
        let mut lister = Lister::new();
        for (origin, package) in &declared {
            if !in_policy.contains(origin.as_str()) {
                lister.push(
                    Problem::AppOriginNotInPolicy {
                        origin: origin.clone(),
                        package: (*package).to_owned(),
                    },
                    &mut problems,
                );
            }
        }
        lister.close(&mut problems);
        let in_file: HashSet<&str> = declared.iter().map(|(o, _)| o.as_str()).collect();
        let mut lister = Lister::new();
        for origin in policy_origins {
            if origin.starts_with(APK_KEY_HASH_PREFIX) && !in_file.contains(origin.as_str()) {
                lister.push(
                    Problem::AppOriginNotInFile {
                        origin: origin.clone(),
                    },
                    &mut problems,
                );
            }
        }
        lister.close(&mut problems);
        problems
    }
}

/// Reads a served `assetlinks.json`: the response facts, the JSON, every
/// statement. Never fails: what cannot be read is a [`Problem`].
pub fn read(served: &Served<'_>) -> AssetLinks {
    let mut out = AssetLinks::default();
    let Some(json) = read_json(MobileFile::AssetLinks, served, &mut out.problems) else {
        return out;
    };
    let Value::Array(statements) = json else {
        out.problems.push(Problem::BadShape {
            file: MobileFile::AssetLinks,
            why: format!(
                "the top level is {}, not an array of statements",
                kind(&json)
            ),
        });
        return out;
    };
    out.readable = true;
    let mut shapes = Lister::new();
    let mut fingerprints = Lister::new();
    for (i, statement) in statements.iter().enumerate() {
        match statement_of(statement) {
            Ok(Statement::Include(url)) => out.includes.push(url),
            Ok(Statement::Other) => {}
            Ok(Statement::App {
                package_name,
                relations,
                fingerprint_texts,
            }) => {
                let mut app = AndroidApp {
                    login_creds: relations.contains(&GET_LOGIN_CREDS),
                    handle_all_urls: relations.contains(&HANDLE_ALL_URLS),
                    package_name,
                    fingerprints: Vec::new(),
                };
                for text in fingerprint_texts {
                    match text.map(|t| (t, parse_fingerprint(t))) {
                        Some((_, Ok(fp))) => app.fingerprints.push(fp),
                        Some((t, Err(error))) => fingerprints.push(
                            Problem::BadFingerprint {
                                package: app.package_name.clone(),
                                fingerprint: clip(t),
                                error,
                            },
                            &mut out.problems,
                        ),
                        None => shapes.push(
                            Problem::BadShape {
                                file: MobileFile::AssetLinks,
                                why: format!("statement {i}: a `sha256_cert_fingerprints` entry is not a string"),
                            },
                            &mut out.problems,
                        ),
                    }
                }
                out.apps.push(app);
            }
            Err(why) => shapes.push(
                Problem::BadShape {
                    file: MobileFile::AssetLinks,
                    why: format!("statement {i}: {why}"),
                },
                &mut out.problems,
            ),
        }
    }
    shapes.close(&mut out.problems);
    fingerprints.close(&mut out.problems);
    if !out.apps.iter().any(|a| a.login_creds) {
        let mut handle_all_urls_only: Vec<String> = out
            .apps
            .iter()
            .filter(|a| a.handle_all_urls)
            .map(|a| a.package_name.clone())
            .collect();
        handle_all_urls_only.dedup();
        handle_all_urls_only.truncate(super::MAX_LISTED);
        out.problems.push(Problem::NoLoginCreds {
            handle_all_urls_only,
            includes: out.includes.len(),
        });
    }
    out
}

enum Statement<'a> {
    App {
        package_name: String,
        relations: Vec<&'a str>,
        /// Each entry, `None` when it is not a string.
        fingerprint_texts: Vec<Option<&'a str>>,
    },
    Include(String),
    /// A `web` target or another namespace: not about apps.
    Other,
}

fn statement_of(value: &Value) -> Result<Statement<'_>, String> {
    let Value::Object(map) = value else {
        return Err(format!("{} where a statement object belongs", kind(value)));
    };
    if let Some(include) = map.get("include") {
        return match include.as_str() {
            Some(url) => Ok(Statement::Include(clip(url))),
            None => Err("`include` is not a string".into()),
        };
    }
    let relations: Vec<&str> = match map.get("relation") {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(other) => {
            return Err(format!(
                "`relation` is {}, not an array of strings",
                kind(other)
            ))
        }
        None => return Err("no `relation`".into()),
    };
    let Some(Value::Object(target)) = map.get("target") else {
        return Err("no `target` object".into());
    };
    if target.get("namespace").and_then(Value::as_str) != Some("android_app") {
        return Ok(Statement::Other);
    }
    let package_name = match target.get("package_name").and_then(Value::as_str) {
        Some(name) if !name.is_empty() => clip(name),
        _ => return Err("an `android_app` target without a `package_name` string".into()),
    };
    let fingerprint_texts = match target.get("sha256_cert_fingerprints") {
        Some(Value::Array(items)) if !items.is_empty() => items.iter().map(Value::as_str).collect(),
        Some(Value::Array(_)) => {
            return Err(format!(
                "`{package_name}` has an empty `sha256_cert_fingerprints`"
            ))
        }
        Some(other) => {
            return Err(format!(
                "`{package_name}`: `sha256_cert_fingerprints` is {}, not an array of strings",
                kind(other)
            ))
        }
        None => {
            return Err(format!(
                "`{package_name}` has no `sha256_cert_fingerprints`"
            ))
        }
    };
    Ok(Statement::App {
        package_name,
        relations,
        fingerprint_texts,
    })
}

/// A JSON value's kind, for messages.
pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A value from the file, cut to 120 characters for messages.
pub(super) fn clip(text: &str) -> String {
    const MAX: usize = 120;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "F0:D0:46:D0:BD:07:D1:15:2C:F3:65:16:FF:21:AB:11:5C:D8:D7:00:93:F3:B4:42:35:A6:AD:7F:11:5E:29:E1";
    const ORIGIN: &str = "android:apk-key-hash:8NBG0L0H0RUs82UW_yGrEVzY1wCT87RCNaatfxFeKeE";

    fn statement(relations: &[&str], fps: &[&str]) -> String {
        serde_json::json!({
            "relation": relations,
            "target": {"namespace": "android_app", "package_name": "com.example.app", "sha256_cert_fingerprints": fps},
        })
        .to_string()
    }

    #[test]
    fn a_good_file_derives_its_origin() {
        let body = format!(
            "[{}]",
            statement(&[HANDLE_ALL_URLS, GET_LOGIN_CREDS], &[FP])
        );
        let file = read(&Served::file(body.as_bytes()));
        assert_eq!(file.problems, vec![]);
        assert_eq!(file.login_origins().collect::<Vec<_>>(), [ORIGIN]);
        assert_eq!(file.compare(&[ORIGIN.to_string()]), vec![]);
    }

    #[test]
    fn handle_all_urls_alone_is_named() {
        let body = format!("[{}]", statement(&[HANDLE_ALL_URLS], &[FP]));
        let file = read(&Served::file(body.as_bytes()));
        assert_eq!(
            file.problems,
            vec![Problem::NoLoginCreds {
                handle_all_urls_only: vec!["com.example.app".into()],
                includes: 0
            }]
        );
        assert_eq!(file.login_origins().count(), 0);
        // The policy's app origin is then not declared.
        assert!(matches!(
            &file.compare(&[ORIGIN.to_string()])[..],
            [Problem::AppOriginNotInFile { .. }]
        ));
    }

    #[test]
    fn both_directions_of_the_comparison() {
        let other = "android:apk-key-hash:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        let body = format!("[{}]", statement(&[GET_LOGIN_CREDS], &[FP]));
        let file = read(&Served::file(body.as_bytes()));
        let problems = file.compare(&["https://example.com".into(), other.into()]);
        assert_eq!(
            problems,
            vec![
                Problem::AppOriginNotInPolicy {
                    origin: ORIGIN.into(),
                    package: "com.example.app".into()
                },
                Problem::AppOriginNotInFile {
                    origin: other.into()
                },
            ]
        );
    }

    #[test]
    fn sha1_and_bad_hex_are_reported_and_skipped() {
        let sha1 = "DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09";
        let body = format!("[{}]", statement(&[GET_LOGIN_CREDS], &[sha1, "ZZ", FP]));
        let file = read(&Served::file(body.as_bytes()));
        assert_eq!(file.problems.len(), 2, "{:?}", file.problems);
        assert!(matches!(
            &file.problems[0],
            Problem::BadFingerprint {
                error: crate::mobile::android_origin::FingerprintError::Sha1,
                ..
            }
        ));
        assert_eq!(file.login_origins().collect::<Vec<_>>(), [ORIGIN]);
    }

    #[test]
    fn hostile_bodies_end_in_a_problem() {
        let deep = "[".repeat(100_000);
        let file = read(&Served::file(deep.as_bytes()));
        assert!(
            matches!(&file.problems[..], [Problem::NotJson { why, .. }] if why.contains("recursion"))
        );
        let file = read(&Served::file(b"[\"\xff\xfe\"]"));
        assert!(
            matches!(&file.problems[..], [Problem::NotJson { why, .. }] if why.contains("UTF-8"))
        );
        let file = read(&Served::file(b"{\"relation\": []}"));
        assert!(matches!(&file.problems[..], [Problem::BadShape { .. }]));
        let html = Served {
            content_type: "text/html",
            ..Served::file(b"<!doctype html><html></html>")
        };
        assert!(matches!(&read(&html).problems[..], [Problem::Html { .. }]));
    }

    #[test]
    fn many_bad_fingerprints_are_listed_up_to_the_cap() {
        let bad: Vec<String> = (0..1000).map(|i| format!("{i:04X}")).collect();
        let bad: Vec<&str> = bad.iter().map(String::as_str).collect();
        let body = format!("[{}]", statement(&[GET_LOGIN_CREDS], &bad));
        let file = read(&Served::file(body.as_bytes()));
        // MAX_LISTED fingerprints, one `Unlisted`, and no get_login_creds origin left.
        assert_eq!(file.problems.len(), crate::mobile::MAX_LISTED + 1);
        assert!(matches!(
            file.problems.last(),
            Some(Problem::Unlisted { count, .. }) if *count == 1000 - crate::mobile::MAX_LISTED
        ));
    }
}
