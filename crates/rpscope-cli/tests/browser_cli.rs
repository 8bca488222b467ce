//! `rpscope browser` contracts that hold without a browser: usage errors exit 2 before
//! any browser starts, and the help shows how to run it. Browser runs themselves are
//! CI's job (`.ci/run` runs the Chromium oracle over the whole corpus).

#![cfg(feature = "browser")]

use std::process::{Command, Output};

fn rpscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rpscope"))
        .args(args)
        // A browser that would be started must not be found: these runs stop earlier.
        .env("RPSCOPE_CHROMIUM", "/nonexistent/chromium")
        .env("RPSCOPE_FIREFOX", "/nonexistent/firefox")
        .output()
        .expect("the rpscope binary starts")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn an_unknown_browser_or_format_is_a_usage_error() {
    let o = rpscope(&["browser", "--browser", "netscape"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("invalid value 'netscape'")
            && stderr(&o).contains("[possible values: chromium, firefox, all]"),
        "{}",
        stderr(&o)
    );
    let o = rpscope(&["browser", "--format", "yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown format"), "{}", stderr(&o));
}

#[test]
fn a_filter_that_selects_nothing_stops_before_any_browser_starts() {
    let o = rpscope(&["browser", "--filter", "no-such-topic::"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no client-side case id contains"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_browser_that_cannot_start_is_an_error_not_a_skip() {
    let o = rpscope(&["browser", "--filter", "spec-examples::"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot start chromium"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_malformed_annotation_file_is_a_usage_error() {
    let dir = std::env::temp_dir().join(format!("rpscope-browser-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("annotations.toml");
    std::fs::write(
        &file,
        "[[disagreement]]\nid = \"a::b\"\nbrowser = \"chromium\"\nclass = \"perhaps\"\nnote = \"n\"\n",
    )
    .expect("write");
    let o = rpscope(&[
        "browser",
        "--annotations",
        file.to_str().expect("utf-8 path"),
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("annotations.toml"), "{}", stderr(&o));
}

#[test]
fn the_help_shows_examples_and_exit_codes() {
    let o = rpscope(&["browser", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let help = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "scripts/install-browsers.sh",
        "--record",
        "--write-docs docs/browsers.md",
        "Exit codes:",
    ] {
        assert!(help.contains(needle), "help lacks {needle}:\n{help}");
    }
}

#[test]
fn the_committed_annotation_file_reads() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpus/browsers/annotations.toml");
    let text = std::fs::read_to_string(&path).expect("corpus/browsers/annotations.toml");
    let annotations =
        rpscope_browser::annotations::Annotations::parse(&text).expect("annotations parse");
    let corpus = rpscope_corpus::Corpus::embedded().expect("corpus");
    for a in &annotations.entries {
        assert!(
            corpus.client_cases().any(|(_, c)| c.id == a.id),
            "annotation for a case the corpus lacks: {}",
            a.id
        );
    }
}

#[test]
fn psl_snapshot_needs_a_readable_history_before_any_browser_starts() {
    let o = rpscope(&["browser", "--psl-snapshot"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--psl-git"), "{}", stderr(&o));

    let not_git = std::env::temp_dir();
    let dir = not_git.to_str().expect("a UTF-8 temp dir");
    let o = rpscope(&["browser", "--psl-snapshot", "--psl-git", dir]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--psl-git"), "{}", stderr(&o));

    // A hostile date never reaches git as an option.
    let o = rpscope(&[
        "browser",
        "--psl-snapshot",
        "--psl-git",
        dir,
        "--psl-since",
        "--upload-pack=x",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = rpscope(&[
        "browser",
        "--psl-snapshot",
        "--psl-git",
        dir,
        "--psl-since=--exec=x",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is not a YYYY-MM-DD date"),
        "{}",
        stderr(&o)
    );
}

/// A real history with one commit before the date: the timeline is read, then the
/// (missing) browser cannot start, which is an error, and nothing is written.
#[test]
fn psl_snapshot_reads_a_history_then_needs_the_browser() {
    let dir = tempfile::tempdir().expect("temp dir");
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t", "-C"])
            .arg(dir.path())
            .args(args)
            .env("GIT_COMMITTER_DATE", "2025-06-01T00:00:00Z")
            .env("GIT_AUTHOR_DATE", "2025-06-01T00:00:00Z")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    std::fs::write(
        dir.path().join("public_suffix_list.dat"),
        "// ===BEGIN ICANN DOMAINS===\ncom\n// ===END ICANN DOMAINS===\n",
    )
    .unwrap();
    git(&["add", "public_suffix_list.dat"]);
    git(&["commit", "-q", "-m", "list"]);
    let out = dir.path().join("snapshots.toml");
    let o = rpscope(&[
        "browser",
        "--psl-snapshot",
        "--psl-git",
        dir.path().join(".git").to_str().unwrap(),
        "--write",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("2 commits"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot start chromium"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
}
