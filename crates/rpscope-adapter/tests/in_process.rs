//! The in-process path docs/protocol.md shows Rust implementers: a `Target` that
//! verifies the same signed responses an adapter receives, run from `cargo test`.
//! The verifier here is rpscope's reference; an implementer puts theirs.

use rpscope_adapter::reference;
use rpscope_adapter::request::server_request;
use rpscope_core::{PublicSuffixList, Verdict};
use rpscope_corpus::{
    run, Answer, Ceremony, Corpus, KnownDivergences, Selection, ServerCase, Side, Status, Target,
};

struct InProcess {
    psl: PublicSuffixList,
}

impl Target for InProcess {
    fn name(&self) -> String {
        "in-process reference".into()
    }

    fn server_ceremonies(&self) -> Vec<Ceremony> {
        vec![Ceremony::Registration, Ceremony::Authentication]
    }

    fn verify_server(&mut self, case: &ServerCase, ceremony: Option<Ceremony>) -> Answer {
        let kind = ceremony.unwrap_or(Ceremony::Authentication);
        let request = match server_request(case, kind) {
            Ok(r) => r,
            Err(why) => return Answer::Skipped(why),
        };
        let (verdict, explanation) = match reference::verify(&request, &self.psl) {
            Ok(()) => (Verdict::Accept, None),
            Err(why) => (Verdict::Reject, Some(why)),
        };
        Answer::Verdict {
            verdict,
            reason: None,
            explanation,
        }
    }
}

#[test]
fn the_reference_verifier_conforms_in_process() {
    let corpus = Corpus::embedded().unwrap();
    let selection = Selection {
        side: Some(Side::Server),
        ..Selection::default()
    };
    let mut target = InProcess {
        psl: PublicSuffixList::vendored(),
    };
    let report = run(&corpus, &mut target, &selection, &KnownDivergences::none());
    let failures: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.status.fails_run())
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(report.total, 2 * corpus.server_cases().count());
    assert_eq!(
        report
            .results
            .iter()
            .filter(|r| r.status == Status::Pass)
            .count(),
        report.total - 6
    );
}

/// The verdicts are really decided by the signed bytes: a verifier that ignores
/// the policy would fail the run, so this test can fail.
#[test]
fn a_verifier_that_ignores_the_origin_fails_the_run() {
    struct AcceptsSigned;
    impl Target for AcceptsSigned {
        fn name(&self) -> String {
            "ignores origins".into()
        }
        fn server_ceremonies(&self) -> Vec<Ceremony> {
            vec![Ceremony::Authentication]
        }
        fn verify_server(&mut self, _: &ServerCase, _: Option<Ceremony>) -> Answer {
            Answer::Verdict {
                verdict: Verdict::Accept,
                reason: None,
                explanation: None,
            }
        }
    }
    let corpus = Corpus::embedded().unwrap();
    let selection = Selection {
        filter: Some("server-exact::"),
        side: Some(Side::Server),
        ..Selection::default()
    };
    let report = run(
        &corpus,
        &mut AcceptsSigned,
        &selection,
        &KnownDivergences::none(),
    );
    assert!(report.results.iter().any(
        |r| r.id == "server-exact::http-presented-for-https-policy" && r.status == Status::Fail
    ));
}
