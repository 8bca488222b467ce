//! The runner's and linter's contracts, on small corpora written for each test.

use rpscope_core::{Profile, PslSnapshots, Reason, Verdict};
use rpscope_corpus::report::{render, Format};
use rpscope_corpus::{
    lint, run, Answer, ClientCase, Corpus, KnownDivergences, Selection, Status, Target,
};
use rpscope_model::Outcome;
use std::path::PathBuf;

const FLAGS: &str = r#"
[flags.dot-boundary]
description = "d"
[flags.related-origins]
description = "r"
[flags.browser-divergence]
description = "b"
"#;

/// Writes a corpus directory with one topic file `demo.toml`.
fn corpus(cases: &str) -> Corpus {
    let dir = std::env::temp_dir().join(format!(
        "rpscope-runner-{}-{}",
        std::process::id(),
        fastrand()
    ));
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    std::fs::write(dir.join("flags.toml"), FLAGS).unwrap();
    std::fs::write(
        dir.join("cases/demo.toml"),
        format!("kind = \"client\"\ndescription = \"demo\"\n{cases}"),
    )
    .unwrap();
    let c = Corpus::from_dir(&dir).unwrap_or_else(|e| panic!("{e:?}"));
    std::fs::remove_dir_all(&dir).ok();
    c
}

fn fastrand() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

const LOOK_ALIKE: &str = r#"
[[case]]
id = "demo::look-alike"
description = "x"
source = ["HTML"]
origin = "https://evil-example.com"
rp_id = "example.com"
flags = ["dot-boundary"]
expected = "reject"
reason = "rp-id-not-suffix"
"#;

/// A target that accepts everything, as a buggy implementation might.
struct AcceptAll;
impl Target for AcceptAll {
    fn name(&self) -> String {
        "accept-all".into()
    }
    fn check_client(&mut self, _: &ClientCase, _: &Profile) -> Answer {
        Answer::Verdict {
            verdict: Verdict::Accept,
            reason: None,
            explanation: None,
        }
    }
}

/// A target that answers with a fixed reason.
struct Says(Reason);
impl Target for Says {
    fn name(&self) -> String {
        "says".into()
    }
    fn check_client(&mut self, _: &ClientCase, _: &Profile) -> Answer {
        Answer::Verdict {
            verdict: self.0.verdict(),
            reason: Some(self.0),
            explanation: None,
        }
    }
}

fn spec_only() -> Selection<'static> {
    Selection {
        filter: None,
        profile: Some(rpscope_core::ProfileId::Spec),
        side: None,
    }
}

#[test]
fn a_wrong_verdict_fails_and_the_builtin_passes() {
    let c = corpus(LOOK_ALIKE);
    let bad = run(&c, &mut AcceptAll, &spec_only(), &KnownDivergences::none());
    assert_eq!(
        (bad.total, bad.failed, bad.results[0].status),
        (1, 1, Status::Fail)
    );
    assert!(!bad.conforms());
    let psl = PslSnapshots::builtin();
    let good = run(
        &c,
        &mut rpscope_corpus::Builtin::new(&psl),
        &Selection::default(),
        &KnownDivergences::none(),
    );
    let n = rpscope_core::ProfileId::ALL.len();
    assert_eq!((good.total, good.passed), (n, n));
    assert!(good.conforms());
}

#[test]
fn a_right_verdict_with_the_wrong_reason_fails() {
    let c = corpus(LOOK_ALIKE);
    let r = run(
        &c,
        &mut Says(Reason::RpIdPublicSuffix),
        &spec_only(),
        &KnownDivergences::none(),
    );
    assert_eq!(r.results[0].status, Status::Fail);
    assert!(r.results[0]
        .message
        .as_deref()
        .unwrap()
        .contains("expected reason rp-id-not-suffix"));
}

#[test]
fn known_divergences_excuse_but_never_rot() {
    let c = corpus(LOOK_ALIKE);
    let known = KnownDivergences::parse(r#"{"demo::look-alike": {"expected": "reject", "actual": "accept", "reason": "we are lax"}}"#).unwrap();
    let excused = run(&c, &mut AcceptAll, &spec_only(), &known);
    assert_eq!(excused.results[0].status, Status::KnownDivergence);
    assert!(excused.conforms());

    let fixed = run(&c, &mut Says(Reason::RpIdNotSuffix), &spec_only(), &known);
    assert_eq!(fixed.results[0].status, Status::UnexpectedPass);
    assert!(!fixed.conforms());

    let stale = KnownDivergences::parse(
        r#"{"demo::gone": {"expected": "reject", "actual": "accept", "reason": "old"}}"#,
    )
    .unwrap();
    let r = run(&c, &mut Says(Reason::RpIdNotSuffix), &spec_only(), &stale);
    assert_eq!(r.stale_divergences, ["demo::gone"]);
    assert!(!r.conforms());

    let other_profile = KnownDivergences::parse(r#"{"demo::look-alike": {"expected": "reject", "actual": "accept", "reason": "x", "profile": "firefox"}}"#).unwrap();
    assert_eq!(
        run(&c, &mut AcceptAll, &spec_only(), &other_profile).results[0].status,
        Status::Fail
    );
}

#[test]
fn acceptable_admits_both_verdicts() {
    let c = corpus(
        r#"
[[case]]
id = "demo::either"
description = "x"
source = ["s"]
origin = "https://a.example"
expected = "acceptable"
note = "unsettled"
"#,
    );
    assert!(run(
        &c,
        &mut AcceptAll,
        &Selection::default(),
        &KnownDivergences::none()
    )
    .conforms());
    assert!(run(
        &c,
        &mut Says(Reason::RpIdNotSuffix),
        &Selection::default(),
        &KnownDivergences::none()
    )
    .conforms());
}

#[test]
fn filter_and_profile_select() {
    let c = corpus(LOOK_ALIKE);
    let none = run(
        &c,
        &mut AcceptAll,
        &Selection {
            filter: Some("nothing"),
            profile: None,
            side: None,
        },
        &KnownDivergences::none(),
    );
    assert_eq!(none.total, 0);
    let all = run(
        &c,
        &mut AcceptAll,
        &Selection {
            filter: Some("look"),
            profile: None,
            side: None,
        },
        &KnownDivergences::none(),
    );
    assert_eq!(all.total, rpscope_core::ProfileId::ALL.len());
}

/// `[profile_default.<profile>]`: the cases that do not name the profile take its
/// expectation and note; a case that names it keeps its own; the note is required.
#[test]
fn a_topic_default_gives_unnamed_cases_one_expectation() {
    use rpscope_core::ProfileId;
    let c = corpus(
        r#"
[profile_default.webkit]
expected = "acceptable"
note = "closed code"

[[case]]
id = "demo::plain"
description = "x"
source = ["HTML"]
origin = "https://evil-example.com"
rp_id = "example.com"
expected = "reject"
reason = "rp-id-not-suffix"

[[case]]
id = "demo::named"
description = "x"
source = ["HTML"]
origin = "https://evil-example.com"
rp_id = "example.com"
expected = { default = "reject", webkit = "reject" }
reason = "rp-id-not-suffix"
note = "named"
"#,
    );
    let cases: Vec<&ClientCase> = c.client_cases().map(|(_, case)| case).collect();
    let plain = cases[0];
    assert_eq!(
        plain.expected.get(ProfileId::Webkit),
        Some(Outcome::Acceptable)
    );
    assert_eq!(plain.expected.get(ProfileId::Spec), Some(Outcome::Reject));
    let reason = plain.reason.as_ref().unwrap();
    assert_eq!(reason.get(ProfileId::Webkit), None);
    assert_eq!(reason.get(ProfileId::Firefox), Some(Reason::RpIdNotSuffix));
    assert_eq!(plain.note.as_deref(), Some("webkit: closed code"));
    let named = cases[1];
    assert_eq!(named.expected.get(ProfileId::Webkit), Some(Outcome::Reject));
    assert_eq!(named.note.as_deref(), Some("named"));
    assert!(lint::lint(&c).is_empty());
    // The builtin core is held to both: acceptable admits its reject.
    let psl = PslSnapshots::builtin();
    let r = run(
        &c,
        &mut rpscope_corpus::Builtin::new(&psl),
        &Selection::default(),
        &KnownDivergences::none(),
    );
    assert!(r.conforms());

    let dir = std::env::temp_dir().join(format!("rpscope-topic-default-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    std::fs::write(dir.join("flags.toml"), FLAGS).unwrap();
    std::fs::write(
        dir.join("cases/demo.toml"),
        "kind = \"client\"\ndescription = \"d\"\n[profile_default.webkit]\nexpected = \"acceptable\"\n",
    )
    .unwrap();
    let err = Corpus::from_dir(&dir).unwrap_err();
    std::fs::remove_dir_all(&dir).ok();
    let all: String = err.iter().map(|e| e.to_string()).collect();
    assert!(all.contains("missing field `note`"), "{all}");

    let blank = corpus(
        r#"
[profile_default.webkit]
expected = "acceptable"
note = " "
"#,
    );
    let messages: Vec<String> = lint::lint(&blank).iter().map(|f| f.to_string()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`[profile_default.webkit]` needs a `note`")),
        "{messages:?}"
    );
}

#[test]
fn lint_catches_every_rule() {
    let mut c = corpus(
        r#"
[[case]]
id = "demo::Bad_Name"
description = ""
source = []
origin = "https://a.example"
flags = ["no-such-flag", "dot-boundary", "dot-boundary"]
expected = "acceptable"
reason = "rp-id-equals-host"

[[case]]
id = "demo::dup"
description = "x"
source = ["s"]
origin = "https://a.example"
expected = { spec = "accept", chromium = "reject", firefox = "reject", webkit = "reject" }
reason = "rp-id-not-suffix"

[[case]]
id = "demo::no-flag"
description = "x"
source = ["s"]
origin = "https://a.example"
expected = "accept"
[case.well_known]
status = 200
body = "{}"
"#,
    );
    // A loaded corpus cannot hold these (see the next test); one built in code can.
    if let rpscope_corpus::TopicFile::Client(file) = &mut c.topics[0].file {
        let mut foreign = file.cases[0].clone();
        foreign.id = "other::wrong-topic".into();
        let twin = file.cases[1].clone();
        file.cases.extend([foreign, twin]);
    }
    let messages: Vec<String> = lint::lint(&c).iter().map(|f| f.to_string()).collect();
    let all = messages.join("\n");
    for needle in [
        "other::wrong-topic: the id must start with `demo::`",
        "demo::Bad_Name: the id must be `demo::<name>`",
        "demo::Bad_Name: the description is empty",
        "demo::Bad_Name: every case needs at least one non-empty source",
        "demo::Bad_Name: unknown flag `no-such-flag`",
        "demo::Bad_Name: flag `dot-boundary` is listed twice",
        "demo::Bad_Name: `spec` expects `acceptable`, so it cannot name the reason",
        "demo::Bad_Name: an `acceptable` expectation needs a `note`",
        "demo::dup: `spec` expects `accept`, but the reason `rp-id-not-suffix` means `reject`",
        "demo::dup: profiles expect different verdicts (accept and reject), so the case must carry `browser-divergence`",
        "demo::dup: duplicate id",
        "demo::no-flag: a case with `well_known` must carry the `related-origins` flag",
    ] {
        assert!(all.contains(needle), "lint missed: {needle}\n--- got:\n{all}");
    }
}

#[test]
fn unknown_fields_and_bad_values_do_not_load() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("rpscope-runner-bad-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    std::fs::write(dir.join("flags.toml"), FLAGS).unwrap();
    let bad = [
        ("typo.toml", "kind = \"client\"\ndescription = \"d\"\n[[case]]\nid = \"typo::a\"\ndescription = \"x\"\nsource = [\"s\"]\norigin = \"https://a\"\nexpectd = \"accept\"\n"),
        ("verdict.toml", "kind = \"client\"\ndescription = \"d\"\n[[case]]\nid = \"verdict::a\"\ndescription = \"x\"\nsource = [\"s\"]\norigin = \"https://a\"\nexpected = \"valid\"\n"),
        ("code.toml", "kind = \"client\"\ndescription = \"d\"\n[[case]]\nid = \"code::a\"\ndescription = \"x\"\nsource = [\"s\"]\norigin = \"https://a\"\nexpected = \"accept\"\nreason = \"no-such-code\"\n"),
        ("kind.toml", "kind = \"server-ish\"\ndescription = \"d\"\n"),
        ("missing.toml", "kind = \"client\"\ndescription = \"d\"\n[[case]]\nid = \"missing::a\"\ndescription = \"x\"\nsource = [\"s\"]\norigin = \"https://a\"\n"),
        ("table.toml", "kind = \"client\"\ndescription = \"d\"\n[[case]]\nid = \"table::a\"\ndescription = \"x\"\nsource = [\"s\"]\norigin = \"https://a\"\nexpected = { spec = \"valid\" }\n"),
    ];
    for (name, text) in bad {
        std::fs::write(dir.join("cases").join(name), text).unwrap();
    }
    let errors = Corpus::from_dir(&dir).unwrap_err();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(errors.len(), 6, "{errors:#?}");
    // Each error names the file, the line and the case.
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    let cases = dir.join("cases");
    for (file, line, case, message) in [
        (
            "code.toml",
            9,
            Some("code::a"),
            "unknown reason code `no-such-code`",
        ),
        ("table.toml", 8, Some("table::a"), "unknown variant `valid`"),
        (
            "missing.toml",
            3,
            Some("missing::a"),
            "missing field `expected`",
        ),
        ("kind.toml", 1, None, "unknown variant `server-ish`"),
        ("typo.toml", 8, Some("typo::a"), "unknown field `expectd`"),
        ("verdict.toml", 8, Some("verdict::a"), "expected"),
    ] {
        let e = errors
            .iter()
            .find(|e| e.file.ends_with(file))
            .unwrap_or_else(|| panic!("no error for {file}: {shown:#?}"));
        assert_eq!(e.file, cases.join(file).display().to_string());
        assert_eq!((e.line, e.case.as_deref()), (Some(line), case), "{e}");
        assert!(e.message.contains(message), "{e}");
        let prefix = match case {
            Some(id) => format!("{}:{line}: case `{id}`: ", e.file),
            None => format!("{}:{line}: ", e.file),
        };
        assert!(e.to_string().starts_with(&prefix), "{e}");
    }
}

#[test]
fn duplicate_ids_and_ids_outside_the_topic_do_not_load() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("rpscope-runner-ids-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    std::fs::write(dir.join("flags.toml"), FLAGS).unwrap();
    let case = |id: &str| {
        format!("\n[[case]]\nid = \"{id}\"\ndescription = \"x\"\nsource = [\"s\"]\norigin = \"https://a.example\"\nexpected = \"accept\"\n")
    };
    let head = "kind = \"client\"\ndescription = \"d\"\n";
    // a.toml: the ids of a::one at line 5, a::two at line 12, b::stray at line 19.
    std::fs::write(
        dir.join("cases/a.toml"),
        format!(
            "{head}{}{}{}",
            case("a::one"),
            case("a::two"),
            case("b::stray")
        ),
    )
    .unwrap();
    // b.toml: b::stray again (line 5), a::one again (line 12, and outside its topic).
    std::fs::write(
        dir.join("cases/b.toml"),
        format!("{head}{}{}", case("b::stray"), case("a::one")),
    )
    .unwrap();
    let errors = Corpus::from_dir(&dir).unwrap_err();
    std::fs::remove_dir_all(&dir).ok();
    let a = dir.join("cases/a.toml").display().to_string();
    let b = dir.join("cases/b.toml").display().to_string();
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        shown,
        [
            format!("{a}:19: case `b::stray`: the id must start with `a::`, the topic of its file"),
            format!(
                "{b}:5: case `b::stray`: the id is already used ({a}:19); every case id is unique"
            ),
            format!("{b}:12: case `a::one`: the id must start with `b::`, the topic of its file"),
            format!(
                "{b}:12: case `a::one`: the id is already used ({a}:5); every case id is unique"
            ),
        ]
    );
}

#[test]
fn reports_render_in_every_format() {
    let c = corpus(LOOK_ALIKE);
    let r = run(
        &c,
        &mut AcceptAll,
        &Selection::default(),
        &KnownDivergences::none(),
    );
    let json: serde_json::Value = serde_json::from_str(&render(&r, Format::Json)).unwrap();
    let n = rpscope_core::ProfileId::ALL.len() as u64;
    assert_eq!(
        (
            json["total"].as_u64(),
            json["failed"].as_u64(),
            json["passed"].as_u64()
        ),
        (Some(n), Some(n), Some(0))
    );
    for key in ["id", "profile", "expected", "actual", "status"] {
        assert!(json["results"][0].get(key).is_some(), "{key}");
    }
    let junit = render(&r, Format::Junit);
    assert!(junit.starts_with("<?xml"), "{junit}");
    assert!(
        junit.contains(r#"<testsuite name="rpscope.spec" tests="1""#),
        "{junit}"
    );
    assert!(junit.contains("<failure"), "{junit}");
    let md = render(&r, Format::Markdown);
    assert!(md.contains("| spec | 1 | 0 | 1 | 0 | 0 |"), "{md}");
    assert!(md.contains("`demo::look-alike`"));
    let human = render(&r, Format::Human);
    assert!(human.contains("accept-all: DOES NOT CONFORM"), "{human}");
}

const MIXED: &str = r#"
[[case]]
id = "demo::look-alike"
description = "A look-alike host is no subdomain."
source = ["HTML"]
origin = "https://evil-example.com"
rp_id = "example.com"
flags = ["dot-boundary"]
expected = "reject"
reason = "rp-id-not-suffix"

[[case]]
id = "demo::subdomain"
description = "A subdomain may claim its parent."
source = ["HTML"]
origin = "https://login.example.com"
rp_id = "example.com"
expected = "accept"

[[case]]
id = "demo::skipped"
description = "A case the target cannot express."
source = ["HTML"]
origin = "https://a.example.com"
expected = "accept"
"#;

/// Accepts the look-alike, rejects the subdomain, skips the rest: one finding of each
/// direction, as a sloppy `endswith` check and a strict-string one would give.
struct Backwards;
impl Target for Backwards {
    fn name(&self) -> String {
        "backwards".into()
    }
    fn check_client(&mut self, case: &ClientCase, _: &Profile) -> Answer {
        let verdict = match case.id.as_str() {
            "demo::look-alike" => Verdict::Accept,
            "demo::subdomain" => Verdict::Reject,
            _ => return Answer::Skipped("no page for this host".into()),
        };
        Answer::Verdict {
            verdict,
            reason: None,
            explanation: Some("the library said so".into()),
        }
    }
}

#[test]
fn every_result_carries_what_was_presented_and_failures_their_class() {
    use rpscope_corpus::report::{render_detailed, Detail};
    let c = corpus(MIXED);
    let r = run(&c, &mut Backwards, &spec_only(), &KnownDivergences::none());
    let json: serde_json::Value = serde_json::from_str(&render(&r, Format::Json)).unwrap();
    let result = |id: &str| {
        json["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .unwrap()
            .clone()
    };
    let look_alike = result("demo::look-alike");
    assert_eq!(look_alike["class"], "security");
    assert_eq!(
        look_alike["presented"]["origin"],
        "https://evil-example.com"
    );
    assert_eq!(look_alike["presented"]["rp_id"], "example.com");
    assert_eq!(
        look_alike["description"],
        "A look-alike host is no subdomain."
    );
    assert_eq!(look_alike["flags"][0], "dot-boundary");
    assert_eq!(result("demo::subdomain")["class"], "interoperability");
    assert!(result("demo::skipped").get("class").is_none());

    // Human: the first line says what kind of red; security comes before interop.
    let human = render(&r, Format::Human);
    let first = human.lines().next().unwrap();
    assert!(
        first.contains("DOES NOT CONFORM") && first.contains("1 security, 1 interoperability"),
        "{human}"
    );
    let security = human.find("Security findings").unwrap();
    let interop = human.find("Interoperability findings").unwrap();
    assert!(security < interop, "{human}");
    assert!(human.contains("presented: origin https://evil-example.com, RP ID example.com"));
    assert!(human.contains("      1  no page for this host"), "{human}");
    let quiet = render_detailed(&r, Format::Human, Detail::Quiet);
    assert_eq!(quiet.lines().count(), 2, "{quiet}");
    let verbose = render_detailed(&r, Format::Human, Detail::Verbose);
    assert!(
        verbose.contains("demo::skipped [spec]: no page for this host"),
        "{verbose}"
    );

    // JUnit: the type is the class, the message names the origin and both verdicts.
    let junit = render(&r, Format::Junit);
    assert!(
        junit.contains(r#"message="[security] https://evil-example.com: expected reject (rp-id-not-suffix), got accept" type="security""#),
        "{junit}"
    );
    assert!(junit.contains(r#"type="interoperability""#), "{junit}");
    assert!(
        junit.contains("A look-alike host is no subdomain."),
        "{junit}"
    );

    // Markdown: the failure table leads with the class.
    let md = render(&r, Format::Markdown);
    assert!(md.contains("| security | `demo::look-alike` |"), "{md}");
}

/// A target that stops answering after the first case.
struct GivesUp(usize);
impl Target for GivesUp {
    fn name(&self) -> String {
        "gives-up".into()
    }
    fn check_client(&mut self, _: &ClientCase, _: &Profile) -> Answer {
        self.0 += 1;
        Answer::Verdict {
            verdict: Verdict::Accept,
            reason: None,
            explanation: None,
        }
    }
    fn stopped(&self) -> Option<String> {
        (self.0 >= 1).then(|| "interrupted (SIGTERM)".to_owned())
    }
}

#[test]
fn a_stopped_target_is_asked_nothing_more_and_the_report_says_why() {
    let c = corpus(MIXED);
    let mut target = GivesUp(0);
    let r = run(&c, &mut target, &spec_only(), &KnownDivergences::none());
    assert_eq!(target.0, 1, "asked after it stopped");
    assert_eq!(r.stopped.as_deref(), Some("interrupted (SIGTERM)"));
    assert!(!r.conforms());
    let errors: Vec<_> = r
        .results
        .iter()
        .filter(|x| x.status == Status::Error)
        .collect();
    assert_eq!(errors.len(), 2);
    assert!(errors
        .iter()
        .all(|x| x.explanation.as_deref() == Some("interrupted (SIGTERM)")));
    assert!(render(&r, Format::Human).contains("the run stopped early: interrupted (SIGTERM)"));
}
