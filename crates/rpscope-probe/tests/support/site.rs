//! The deployments the probe tests fetch from, one host each (served by `Server`).

use super::Reply;
use std::time::Duration;

/// The related-origins document of `brand.example`.
pub const BRAND_DOC: &str = r#"{"origins":["https://brand.co.uk","https://www.brand.co.uk","https://brand.de","https://10.0.0.1","not a url"]}"#;

/// Seven distinct labels: Chromium and the spec examine five.
pub const SEVEN_LABELS: &str = r#"{"origins":["https://a.com","https://b.com","https://c.com","https://d.com","https://e.com","https://f.com","https://g.com"]}"#;

/// 150 entries over the one label `example` (`https://h{i}.example.com`): WebKit
/// examines the first 100 (`maxCandidates`), the other profiles all of them.
pub fn candidates_doc() -> String {
    let entries: Vec<String> = (0..150)
        .map(|i| format!("\"https://h{i}.example.com\""))
        .collect();
    format!(r#"{{"origins":[{}]}}"#, entries.join(","))
}

/// A well-formed signing-certificate fingerprint and the origin it derives
/// (the `rpscope android-origin` example of docs/mobile.md).
pub const FINGERPRINT: &str = "F0:D0:46:D0:BD:07:D1:15:2C:F3:65:16:FF:21:AB:11:5C:D8:D7:00:93:F3:B4:42:35:A6:AD:7F:11:5E:29:E1";
/// The `android:apk-key-hash:` origin of [`FINGERPRINT`].
pub const APP_ORIGIN: &str = "android:apk-key-hash:8NBG0L0H0RUs82UW_yGrEVzY1wCT87RCNaatfxFeKeE";

/// An `assetlinks.json` with one `android_app` statement of `relation`.
pub fn assetlinks(relation: &str) -> String {
    format!(
        r#"[{{"relation":["{relation}"],"target":{{"namespace":"android_app","package_name":"com.example.app","sha256_cert_fingerprints":["{FINGERPRINT}"]}}}}]"#
    )
}

/// What each host answers; every test host ends in `.example`.
pub fn handler(host: &str, path: &str) -> Reply {
    let doc = |body: &str| Reply::json(body.as_bytes().to_vec());
    let redirect = |location: String| Reply::Redirect {
        status: 302,
        location,
    };
    match (host, path) {
        ("brand.example", "/.well-known/webauthn") => doc(BRAND_DOC),
        ("brand.example", "/.well-known/assetlinks.json") => {
            doc(&assetlinks("delegate_permission/common.get_login_creds"))
        }
        ("brand.example", "/.well-known/apple-app-site-association") => {
            doc(r#"{"webcredentials":{"apps":["ABCDE12345.com.example.app"]}}"#)
        }
        // App Links only: no credential sharing (handle_all_urls, applinks).
        ("applinks.example", "/.well-known/assetlinks.json") => {
            doc(&assetlinks("delegate_permission/common.handle_all_urls"))
        }
        ("applinks.example", "/.well-known/apple-app-site-association") => doc(
            r#"{"applinks":{"details":[{"appIDs":["ABCDE12345.com.example.app"],"components":[{"/":"/*"}]}]}}"#,
        ),
        // The apex sends the association files to www.
        ("moved.example", path) if path.starts_with("/.well-known/a") => {
            redirect(format!("https://www.moved.example{path}"))
        }
        ("spa.example", _) => Reply::ok(
            "text/html; charset=utf-8",
            b"<!doctype html><title>app</title><div id=root></div>".to_vec(),
        ),
        ("labels.example", _) => doc(SEVEN_LABELS),
        ("candidates.example", _) => doc(&candidates_doc()),
        ("charset.example", _) => Reply::ok(
            "application/json; charset=utf-8",
            br#"{"origins":["https://brand.co.uk"]}"#.to_vec(),
        ),
        ("upper.example", _) => Reply::ok(
            "Application/JSON",
            br#"{"origins":["https://brand.co.uk"]}"#.to_vec(),
        ),
        ("text.example", _) => Reply::ok(
            "text/plain",
            br#"{"origins":["https://brand.co.uk"]}"#.to_vec(),
        ),
        ("status203.example", _) => Reply::Full {
            status: 203,
            content_type: Some("application/json".into()),
            body: br#"{"origins":["https://brand.co.uk"]}"#.to_vec(),
        },
        ("big.example", _) => {
            let mut body = br#"{"origins":["https://brand.co.uk"]}"#.to_vec();
            body.resize(300 * 1024, b' ');
            Reply::json(body)
        }
        ("notjson.example", _) => Reply::json(b"origins: brand.co.uk".to_vec()),
        ("moved.example", "/.well-known/webauthn") => {
            redirect("https://cdn.moved.example/webauthn.json".into())
        }
        ("cdn.moved.example", _) => doc(r#"{"origins":["https://brand.co.uk"]}"#),
        ("http-hop.example", _) => redirect("http://http-hop.example/webauthn.json".into()),
        ("loop.example", "/.well-known/webauthn") => redirect("/a".into()),
        ("loop.example", _) => redirect("/.well-known/webauthn".into()),
        ("chain20.example" | "chain21.example", path) => {
            let n: usize = path
                .strip_prefix("/hop/")
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            if host == "chain20.example" && n == 20 {
                doc(r#"{"origins":["https://brand.co.uk"]}"#)
            } else {
                redirect(format!("/hop/{}", n + 1))
            }
        }
        ("slow.example", _) => Reply::Slow {
            tick: Duration::from_millis(100),
        },
        ("endless.example", _) => Reply::Endless,
        ("gigabyte.example", _) => Reply::GigabyteLength,
        ("close.example", _) => Reply::Close,
        ("bigheader.example", _) => Reply::ok(
            &format!("application/json; x={}", "a".repeat(100_000)),
            br#"{"origins":[]}"#.to_vec(),
        ),
        ("badlocation.example", _) => redirect("https://[::1".into()),
        _ => Reply::Full {
            status: 404,
            content_type: Some("text/html".into()),
            body: b"not found".to_vec(),
        },
    }
}
