//! Browser snapshots of the Public Suffix List: verdicts that hang on a rule a
//! browser's list lacks are explained with the rule and its date, and `lint` warns.

use rpscope_core::client::{check, snapshot_notes, ClientRequest};
use rpscope_core::server::lint::{lint_snapshots, LintCode, Severity};
use rpscope_core::server::Policy;
use rpscope_core::{Profile, PslSnapshots, PublicSuffixList, Verdict};
use rpscope_model::{ProfileId, PslSnapshotId};

/// Chromium's list lacks `github.io` (added to the PSL in 2014 in reality; a made-up
/// date here), Firefox's still has `example.com` as a rule.
const DATA: &str = r#"
[[snapshot]]
id = "chromium-156"
browser = "chromium 156.0.0.0"
psl_commit = "1111111111111111111111111111111111111111"
psl_commit_date = "2026-08-19"
method = "test"
measured = "2026-12-06"
probes = 2
[[snapshot.lacks]]
rule = "github.io"
section = "private"
commit = "2222222222222222222222222222222222222222"
date = "2026-09-01"

[[snapshot]]
id = "firefox-esr-153"
browser = "firefox 153.0.0"
psl_commit = "3333333333333333333333333333333333333333"
psl_commit_date = "2026-10-22"
method = "test"
measured = "2026-12-06"
probes = 1
[[snapshot.extra]]
rule = "example.com"
section = "private"
date = "between 2026-08-19 and 2026-10-22"
"#;

fn lists() -> PslSnapshots {
    PslSnapshots::from_data(DATA).expect("test data")
}

#[test]
fn a_profile_decides_with_its_browsers_list() {
    let lists = lists();
    let request = ClientRequest {
        origin: "https://me.github.io",
        rp_id: Some("github.io"),
        well_known: None,
    };
    let spec = check(&request, &Profile::SPEC, lists.for_profile(&Profile::SPEC));
    let chromium = check(
        &request,
        &Profile::CHROMIUM,
        lists.for_profile(&Profile::CHROMIUM),
    );
    assert_eq!(spec.verdict(), Verdict::Reject);
    assert_eq!(chromium.verdict(), Verdict::Accept);
    assert_eq!(
        lists.get(PslSnapshotId::Vendored).rule_count(),
        PublicSuffixList::vendored().rule_count()
    );
}

#[test]
fn the_explanation_names_the_rule_and_its_date() {
    let lists = lists();
    let request = ClientRequest {
        origin: "https://me.github.io",
        rp_id: Some("github.io"),
        well_known: None,
    };
    let notes = snapshot_notes(&request, Profile::ALL, &lists);
    assert_eq!(notes.len(), 1, "{notes:?}");
    let n = &notes[0];
    assert_eq!(n.profile, ProfileId::Chromium);
    assert_eq!(
        (n.with_snapshot, n.with_current),
        (Verdict::Accept, Verdict::Reject)
    );
    assert_eq!(
        n.to_string(),
        "Chromium 156's list has no rule `github.io`, added to the PSL on 2026-09-01, so `github.io` is not a public suffix there, and any page under it may claim it: the `chromium` profile accepts this request, where the current list would have it refuse it"
    );
    // A request the rule does not decide gets no note.
    let other = ClientRequest {
        origin: "https://a.me.github.io",
        rp_id: Some("me.github.io"),
        well_known: None,
    };
    assert!(snapshot_notes(&other, Profile::ALL, &lists).is_empty());
    // An extra rule: Firefox still refuses what the current list allows.
    let extra = ClientRequest {
        origin: "https://www.example.com",
        rp_id: Some("example.com"),
        well_known: None,
    };
    let notes = snapshot_notes(&extra, Profile::ALL, &lists);
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].profile, ProfileId::Firefox);
    assert!(notes[0].to_string().contains(
        "still has the rule `example.com`, removed from the PSL between 2026-08-19 and 2026-10-22"
    ));
    // `--psl FILE` overrides every snapshot: nothing to note.
    let only = PslSnapshots::only(PublicSuffixList::vendored());
    assert!(snapshot_notes(&request, Profile::ALL, &only).is_empty());
}

fn policy(rp_id: &str) -> Policy {
    Policy {
        rp_ids: vec![rp_id.into()],
        origins: vec![format!("https://{rp_id}")],
        ..Policy::default()
    }
}

#[test]
fn lint_warns_when_an_rp_ids_scope_depends_on_the_browser() {
    let lists = lists();
    let f = lint_snapshots(&policy("github.io"), &lists);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].code, f[0].severity),
        (LintCode::PslSnapshotLag, Severity::Warning)
    );
    assert!(
        f[0].message
            .contains("every page under `github.io` may claim the RP ID"),
        "{}",
        f[0].message
    );
    // A tenant under the lagging suffix: its neighbours may claim the parent.
    let f = lint_snapshots(&policy("me.github.io"), &lists);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].message.contains("any other site under `github.io`"),
        "{}",
        f[0].message
    );
    // Firefox still has `example.com`: the RP ID fails there.
    let f = lint_snapshots(&policy("example.com"), &lists);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0]
        .message
        .contains("under the `firefox` profile no page may claim `example.com`"));
    assert!(lint_snapshots(&policy("example.org"), &lists).is_empty());
    assert!(lint_snapshots(
        &policy("github.io"),
        &PslSnapshots::only(PublicSuffixList::vendored())
    )
    .is_empty());
}

/// The measured data: every profile of a measured browser has a record, and every rule a browser
/// lacks changes a verdict the way the note says.
#[test]
fn measured_snapshots_explain_their_own_rules() {
    let lists = PslSnapshots::builtin();
    for profile in Profile::ALL {
        let Some(record) = lists.record(profile.psl) else {
            // A profile without a measured snapshot decides with the vendored list, and
            // every profile of a measured browser has one.
            assert_eq!(profile.psl, PslSnapshotId::Vendored, "{}", profile.id);
            assert!(profile.id.browser().is_none(), "{} is measured", profile.id);
            continue;
        };
        for change in record
            .lacks
            .iter()
            .filter(|c| !c.rule.starts_with(['*', '!']))
        {
            let Some(lag) = lists.lag(profile.psl, &change.rule) else {
                continue; // a rule the list would only spell differently (IDN)
            };
            assert_eq!(
                lag.change.map(|c| c.rule.as_str()),
                Some(change.rule.as_str())
            );
            assert!(lag.to_string().contains(&change.date), "{lag}");
        }
    }
}
