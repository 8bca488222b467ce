//! `rpscope site`: the site rendered from the real corpus and docs/results.json, every
//! relative link resolving, every library and case reachable from the index, badges in
//! shields.io's endpoint shape, and hostile corpus and results text escaped.

use rpscope_cli::site::{case_path, slug};
use rpscope_corpus::Corpus;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn rpscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rpscope"))
        .args(args)
        .output()
        .expect("the rpscope binary starts")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh directory of this test process.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rpscope-site-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir`, by path relative to it (with `/`), and its text.
fn files(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.insert(rel.join("/"), std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The values of every `href="…"` and `src="…"` attribute of a page, unescaped.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let end = rest.find('"').expect("a closed attribute");
            out.push(
                rest[..end]
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&"),
            );
            rest = &rest[end..];
        }
    }
    out
}

/// Resolves `link` from the page at `page` (relative to the site's root).
fn resolve(page: &str, link: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                assert!(parts.pop().is_some(), "{page}: `{link}` leaves the site");
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Every relative link of every page names a file of the site, and every `#fragment`
/// an `id` in that file; links to other sites are http(s) only.
fn assert_links_resolve(site: &BTreeMap<String, String>) -> usize {
    let mut checked = 0;
    for (page, html) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        for link in links(html) {
            if link.starts_with("https://") || link.starts_with("http://") {
                continue;
            }
            assert!(
                !link.contains(':') && !link.starts_with('/'),
                "{page}: `{link}` is not a relative link"
            );
            let (file, fragment) = match link.split_once('#') {
                Some((f, frag)) => (f, Some(frag)),
                None => (link.as_str(), None),
            };
            let target = if file.is_empty() {
                page.clone()
            } else {
                resolve(page, file)
            };
            let Some(text) = site.get(&target) else {
                panic!("{page}: `{link}` names {target}, which the site lacks");
            };
            if let Some(frag) = fragment {
                assert!(
                    text.contains(&format!("id=\"{frag}\"")),
                    "{page}: `{link}`: {target} has no id `{frag}`"
                );
            }
            checked += 1;
        }
    }
    checked
}

fn finding_statuses() -> [&'static str; 3] {
    ["fail", "unexpected-pass", "error"]
}

#[test]
fn the_site_of_the_real_corpus_and_matrix_links_everything() {
    let dir = temp_dir("real");
    let out = dir.join("site");
    let results = repo().join("docs/results.json");
    let run = rpscope(&[
        "site",
        out.to_str().unwrap(),
        "--results",
        results.to_str().unwrap(),
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let site = files(&out);
    let checked = assert_links_resolve(&site);
    assert!(checked > 2000, "only {checked} links checked");

    let corpus = Corpus::embedded().unwrap();
    let index = &site["index.html"];
    assert!(site.contains_key("style.css"));
    let case_pages = site.keys().filter(|k| k.starts_with("cases/")).count();
    assert_eq!(case_pages, corpus.len());
    for topic in &corpus.topics {
        for case in corpus.cases_of(topic) {
            let path = case_path(case.id());
            assert!(
                index.contains(&format!("href=\"{path}\"")),
                "the index does not link {path}"
            );
            assert!(site[&path].contains(&format!("<h1><code>{}</code></h1>", case.id())));
        }
    }

    let matrix: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&results).unwrap()).unwrap();
    assert!(!matrix.is_empty());
    for entry in &matrix {
        let name = entry["adapter"].as_str().unwrap();
        let page = format!("libraries/{}.html", slug(name));
        assert!(index.contains(&format!("href=\"{page}\"")), "{page}");
        let html = &site[&page];
        let results = entry["report"]["results"].as_array().unwrap();

        // The library page lists each of its security findings, by case.
        let security: BTreeSet<&str> = results
            .iter()
            .filter(|r| {
                r["class"] == "security"
                    && finding_statuses().contains(&r["status"].as_str().unwrap())
            })
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        for id in &security {
            assert!(
                html.contains(&format!("href=\"../{}\"", case_path(id))),
                "{page} does not list {id}"
            );
        }
        if !security.is_empty() {
            assert!(html.contains(&format!(
                "Security findings: accepted what must be rejected ({} case",
                security.len()
            )));
        }

        // The badge: shields.io's endpoint shape, and the count of security findings.
        let badge: Value =
            serde_json::from_str(&site[&format!("badges/{}.json", slug(name))]).unwrap();
        let keys: BTreeSet<&str> = badge
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            BTreeSet::from(["schemaVersion", "label", "message", "color"])
        );
        assert_eq!(badge["schemaVersion"], 1);
        assert_eq!(badge["label"], "rpscope");
        let others = results.iter().any(|r| {
            r["class"].is_string()
                && r["class"] != "security"
                && finding_statuses().contains(&r["status"].as_str().unwrap())
        });
        let (message, color) = match security.len() {
            0 if others => (None, "orange"),
            0 => (Some("conforms".to_owned()), "brightgreen"),
            1 => (Some("1 security finding".to_owned()), "red"),
            n => (Some(format!("{n} security findings")), "red"),
        };
        if let Some(message) = message {
            assert_eq!(badge["message"], message.as_str(), "{name}");
        } else {
            assert!(
                badge["message"]
                    .as_str()
                    .unwrap()
                    .ends_with("none security"),
                "{name}: {badge}"
            );
        }
        assert_eq!(badge["color"], color, "{name}");
    }

    // A case page shows what each library decided, with the class and its message.
    let (id, lib, message) = matrix
        .iter()
        .find_map(|e| {
            e["report"]["results"]
                .as_array()
                .unwrap()
                .iter()
                .find_map(|r| {
                    (r["class"] == "interoperability" && r["explanation"].is_string()).then(|| {
                        (
                            r["id"].as_str().unwrap(),
                            e["adapter"].as_str().unwrap(),
                            r["explanation"].as_str().unwrap(),
                        )
                    })
                })
        })
        .expect("an interoperability finding with the library's message");
    let page = &site[&case_path(id)];
    assert!(page.contains(&format!(
        "href=\"../libraries/{}.html\">{lib}</a>",
        slug(lib)
    )));
    assert!(page.contains("<td>interoperability</td>"), "{id}");
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    assert!(page.contains(&escaped), "{id}: {message}");

    // A case page shows what each browser measured, beside its profile's expectation.
    for (browser, file) in &corpus.measured {
        let (id, m) = file.cases.iter().next().expect("a measurement");
        let page = &site[&case_path(id)];
        let row = format!(
            "<tr><td>{}</td><td>{} <span class=\"muted\">(PSL {})</span></td><td><span class=\"v v-{3}\">{3}</span></td>",
            browser.display_name(),
            m.version,
            m.psl,
            m.outcome
        );
        assert!(page.contains(&row), "{id}: {row}");
    }

    // Expectations per profile, from the case.
    let (_, client) = corpus.client_cases().next().unwrap();
    let page = &site[&case_path(&client.id)];
    for p in rpscope_model::ProfileId::ALL {
        let expected = client.expected.get(*p).unwrap();
        assert!(page.contains(&format!(
            "<tr><td><code>{}</code> <span class=\"muted\">{}</span></td><td><span class=\"v v-{2}\">{2}</span></td>",
            p.as_str(),
            p.description(),
            expected
        )));
    }
    std::fs::remove_dir_all(&dir).ok();
}

const HOSTILE_FLAGS: &str = r#"
[flags.evil]
description = "<b>flag</b> \"description\""
"#;

const HOSTILE_CLIENT: &str = r#"
kind = "client"
description = "Topic <script>alert('topic')</script>"

[[case]]
id = "evil::script"
description = "<script>alert(1)</script> & \"quoted\""
source = ["https://example.com/?a=1&b=\"x\"", "javascript:alert(1)", "\"><img src=x onerror=alert(1)>"]
origin = "https://<script>.example"
rp_id = "\"><svg onload=alert(1)>"
flags = ["evil"]
expected = "reject"
note = "</p><script>alert('note')</script>"

[case.well_known]
status = 200
content_type = "text/html<script>"
body = "</pre><script>alert('body')</script>"
redirects = ["https://x.example/<iframe>"]
"#;

const HOSTILE_SERVER: &str = r#"
kind = "server"
description = "<style>body{display:none}</style>"

[[case]]
id = "evil-server::policy"
description = "policy <iframe src=x>"
source = ["s"]
origin = "https://a.example<iframe>"
top_origin = "<frame>"
rp_id_hash_of = "<b>rp</b>"
expected = "reject"

[case.policy]
rp_ids = ["<rp>"]
origins = ["<origin>"]
"#;

const HOSTILE_MEASURED: &str = r#"
browser = "chromium"

[cases]
"evil::script" = { version = "<i>1</i>", psl = "vendored", outcome = "reject", error = "<Error>" }
"#;

const HOSTILE_RESULTS: &str = r#"[
  {
    "adapter": "../../<b>evil</b>",
    "implementation": {"name": "<lib>", "version": "\"1\"", "language": "<js>", "homepage": "javascript:alert(1)"},
    "report": {
      "target": "<t>", "total": 3, "passed": 0, "failed": 3, "skipped": 0, "known_divergences": 0, "stale_divergences": [],
      "results": [
        {"id": "evil::script", "profile": "spec", "description": "<script>d</script>", "expected": "reject",
         "actual": "accept", "status": "fail", "class": "security", "explanation": "</td><script>alert('lib')</script>"},
        {"id": "evil-server::policy", "profile": "registration", "description": "d", "expected": "reject",
         "actual": "accept", "status": "fail", "class": "security", "message": "<marquee>"},
        {"id": "evil::<not-a-case>", "profile": "spec", "expected": "accept", "actual": "reject",
         "status": "fail", "class": "interoperability", "explanation": "<x>"}
      ]
    }
  },
  {"adapter": "../../<b>evil</b>", "error": "<script>did not start</script>"}
]"#;

#[test]
fn hostile_corpus_and_results_text_is_escaped_and_names_stay_in_the_site() {
    let dir = temp_dir("hostile");
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(corpus.join("cases")).unwrap();
    std::fs::create_dir_all(corpus.join("measured")).unwrap();
    std::fs::write(corpus.join("flags.toml"), HOSTILE_FLAGS).unwrap();
    std::fs::write(corpus.join("cases/evil.toml"), HOSTILE_CLIENT).unwrap();
    std::fs::write(corpus.join("cases/evil-server.toml"), HOSTILE_SERVER).unwrap();
    std::fs::write(corpus.join("measured/chromium.toml"), HOSTILE_MEASURED).unwrap();
    std::fs::write(dir.join("results.json"), HOSTILE_RESULTS).unwrap();
    let out = dir.join("site");
    let run = rpscope(&[
        "site",
        out.to_str().unwrap(),
        "--results",
        dir.join("results.json").to_str().unwrap(),
        "--corpus",
        corpus.to_str().unwrap(),
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    // Nothing was written beside the site, and the site holds only its own layout.
    let beside: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        beside,
        BTreeSet::from(["corpus".into(), "results.json".into(), "site".into()])
    );
    let site = files(&out);
    let evil = slug("../../<b>evil</b>");
    let expected: BTreeSet<String> = [
        "index.html".to_owned(),
        "style.css".into(),
        "cases/evil.script.html".into(),
        "cases/evil-server.policy.html".into(),
        format!("libraries/{evil}.html"),
        format!("libraries/{evil}-2.html"),
        format!("badges/{evil}.json"),
        format!("badges/{evil}-2.json"),
    ]
    .into();
    assert_eq!(site.keys().cloned().collect::<BTreeSet<_>>(), expected);
    assert_links_resolve(&site);

    // No hostile markup survives as markup; it is all there as text.
    for (name, text) in &site {
        let lower = text.to_lowercase();
        for tag in [
            "<script", "<img", "<svg", "<iframe", "<frame", "<style", "<b>", "<i>", "<marquee",
            "<rp>", "<origin>", "<lib>", "<js>", "<x>", "<t>", "<error>",
        ] {
            assert!(!lower.contains(tag), "{name} holds `{tag}`");
        }
        assert!(!lower.contains("href=\"javascript:"), "{name}");
    }
    let case = &site["cases/evil.script.html"];
    for text in [
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;",
        "&lt;/p&gt;&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;",
        "<code>https://&lt;script&gt;.example</code>",
        "<code>&quot;&gt;&lt;svg onload=alert(1)&gt;</code>",
        "<pre>&lt;/pre&gt;&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;</pre>",
        "<a href=\"https://example.com/?a=1&amp;b=&quot;x&quot;\">",
        "<li>javascript:alert(1)</li>",
        "<li>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</li>",
        "&lt;i&gt;1&lt;/i&gt;",
        "<code>&lt;Error&gt;</code>",
        "&lt;/td&gt;&lt;script&gt;alert(&#39;lib&#39;)&lt;/script&gt;",
        "title=\"&lt;b&gt;flag&lt;/b&gt; &quot;description&quot;\"",
    ] {
        assert!(case.contains(text), "the case page lacks {text}");
    }
    let server = &site["cases/evil-server.policy.html"];
    for text in [
        "<code>&lt;rp&gt;</code>",
        "<code>&lt;origin&gt;</code>",
        "<code>&lt;frame&gt;</code>",
        "SHA-256 of <code>&lt;b&gt;rp&lt;/b&gt;</code>",
        "&lt;marquee&gt;",
    ] {
        assert!(server.contains(text), "the server case page lacks {text}");
    }
    let index = &site["index.html"];
    assert!(index.contains("Topic &lt;script&gt;alert(&#39;topic&#39;)&lt;/script&gt;"));
    assert!(index.contains("&lt;script&gt;did not start&lt;/script&gt;"));
    assert!(index.contains(
        "<code>evil::&lt;not-a-case&gt;</code> <span class=\"muted\">(not in this corpus)</span>"
    ));
    let library = &site[&format!("libraries/{evil}.html")];
    assert!(library.contains("<h1>../../&lt;b&gt;evil&lt;/b&gt;</h1>"));
    assert!(library.contains("&lt;lib&gt; &quot;1&quot; (&lt;js&gt;), javascript:alert(1)"));

    let badge: Value = serde_json::from_str(&site[&format!("badges/{evil}.json")]).unwrap();
    assert_eq!(badge["message"], "2 security findings");
    assert_eq!(badge["color"], "red");
    let badge: Value = serde_json::from_str(&site[&format!("badges/{evil}-2.json")]).unwrap();
    assert_eq!(badge["message"], "did not run");
    assert_eq!(badge["color"], "lightgrey");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unreadable_or_malformed_results_exit_2_naming_the_file() {
    let dir = temp_dir("bad");
    let missing = dir.join("missing.json");
    let run = rpscope(&[
        "site",
        dir.join("out").to_str().unwrap(),
        "--results",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("missing.json"));

    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"[{"adapter": "x", "report": {"results": [{"id": 1}]}}]"#,
    )
    .unwrap();
    let run = rpscope(&[
        "site",
        dir.join("out").to_str().unwrap(),
        "--results",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("bad.json is not a results matrix"),
        "{stderr}"
    );
    assert!(
        !dir.join("out").exists(),
        "nothing is written from a bad input"
    );
    std::fs::remove_dir_all(&dir).ok();
}
