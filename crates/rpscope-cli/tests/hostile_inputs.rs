//! The `rpscope` binary against inputs that try to exhaust it: endless files, huge
//! files, endless and over-long batch lines, absurd numbers, and outputs that
//! fail. Every run that reads such an input runs with its address space limited
//! (RLIMIT_AS, through `prlimit`), so unbounded growth ends the child instead of
//! passing; nothing here measures time.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The address space every hostile run gets: 64 MiB.
const MEMORY: u64 = 64 << 20;

const BIN: &str = env!("CARGO_BIN_EXE_rpscope");

/// `rpscope ARGS` with at most [`MEMORY`] of address space, stdin from `stdin`.
fn limited(args: &[&str], stdin: Stdio) -> Output {
    Command::new("prlimit")
        .arg(format!("--as={MEMORY}"))
        .arg("--")
        .arg(BIN)
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("prlimit (util-linux) runs the rpscope binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Exit 2 with a message naming `file` and `cap`, and no panic.
fn assert_refused(o: &Output, file: &str, cap: &str, what: &str) {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{what}: {err}");
    assert!(
        err.contains(file) && err.contains(cap) && !err.contains("panicked"),
        "{what}: {err}"
    );
}

/// A directory of its own under the system temp directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("rpscope-hostile-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// A sparse file of `len` zero bytes: 100 MB costs no disk.
    fn sparse(&self, name: &str, len: u64) -> PathBuf {
        let path = self.0.join(name);
        std::fs::File::create(&path).unwrap().set_len(len).unwrap();
        path
    }

    /// A corpus directory whose one topic file is `case_file` (a symlink to it).
    fn corpus_with(&self, name: &str, case_file: &Path) -> PathBuf {
        let dir = self.0.join(name);
        std::fs::create_dir_all(dir.join("cases")).unwrap();
        std::fs::write(dir.join("flags.toml"), "[flags.x]\ndescription = \"x\"\n").unwrap();
        std::os::unix::fs::symlink(case_file, dir.join("cases/big.toml")).unwrap();
        dir
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

const POLICY: &str = "rp_ids = [\"example.com\"]\norigins = [\"https://example.com\"]\n";

#[test]
fn the_memory_limit_reaches_the_child() {
    let o = Command::new("prlimit")
        .arg(format!("--as={MEMORY}"))
        .args(["--", "sh", "-c", "ulimit -v"])
        .output()
        .unwrap();
    assert_eq!(text(&o.stdout).trim(), (MEMORY / 1024).to_string());
}

/// Every file a user names, as `/dev/zero` and as a 100 MB file: refused with the
/// file and the cap in the message.
#[test]
fn endless_and_huge_files_are_refused_naming_the_file_and_the_cap() {
    let scratch = Scratch::new("files");
    let policy = scratch.write("rp.toml", POLICY);
    let policy = policy.to_str().unwrap();
    let huge = scratch.sparse("huge", 100_000_000);
    for (name, file) in [("zero", Path::new("/dev/zero")), ("huge", huge.as_path())] {
        let f = file.to_str().unwrap();
        let corpus = scratch.corpus_with(&format!("corpus-{name}"), file);
        let corpus = corpus.to_str().unwrap();
        let runs: [(&[&str], &str); 11] = [
            (
                &["check", "--origin", "https://a.com", "--psl", f],
                "16 MiB",
            ),
            (
                &[
                    "check",
                    "--origin",
                    "https://example.co.uk",
                    "--rp-id",
                    "example.com",
                    "--well-known",
                    f,
                ],
                "16 MiB",
            ),
            (
                &["verify", "--policy", f, "--origin", "https://a.com"],
                "4 MiB",
            ),
            (&["verify", "--batch", "-", "--policy", f], "4 MiB"),
            (&["lint", f], "4 MiB"),
            (&["lint", policy, "--well-known", f], "16 MiB"),
            (&["conformance", "--known-divergences", f], "4 MiB"),
            (&["conformance", "--policy", f], "4 MiB"),
            (&["conformance", "--corpus", corpus], "4 MiB"),
            (&["corpus", "lint", "--corpus", corpus], "4 MiB"),
            (&["corpus", "import-psl-tests", f], "4 MiB"),
        ];
        for (args, cap) in runs {
            let o = limited(args, Stdio::null());
            // A corpus file is named by its path in the corpus directory.
            let named = if args.contains(&corpus) {
                "big.toml"
            } else {
                f
            };
            assert_refused(&o, named, cap, &format!("{args:?}"));
        }
    }
}

#[test]
fn an_endless_well_known_body_on_stdin_is_refused() {
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let args = [
        "check",
        "--origin",
        "https://example.co.uk",
        "--rp-id",
        "example.com",
        "--well-known",
        "-",
    ];
    let o = limited(&args, Stdio::from(zero));
    assert_refused(&o, "-", "16 MiB", "--well-known -");
}

/// Chromium stops reading a body after 256 KiB: an over-cap body of any size is
/// judged, not refused.
#[test]
fn a_huge_well_known_body_is_too_large_for_chromium() {
    let scratch = Scratch::new("well-known");
    let huge = scratch.sparse("huge.json", 100_000_000);
    for (file, note) in [
        (huge.to_str().unwrap(), "a 100000000-byte file"),
        ("/dev/zero", "which goes on"),
    ] {
        let args = [
            "check",
            "--origin",
            "https://example.co.uk",
            "--rp-id",
            "example.com",
            "--profile",
            "chromium",
            "--well-known",
            file,
        ];
        let o = limited(&args, Stdio::null());
        let out = text(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{out}{}", text(&o.stderr));
        assert!(
            out.starts_with("reject (related-origins-too-large)"),
            "{out}"
        );
        assert!(
            out.contains("note:    the chromium profile stops reading a body after 256 KiB")
                && out.contains(note),
            "{out}"
        );
        let mut json = args.to_vec();
        json.push("--json");
        let o = limited(&json, Stdio::null());
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            (&v["reason"], &v["profile"]),
            (&"related-origins-too-large".into(), &"chromium".into())
        );
    }
}

#[test]
fn an_endless_batch_line_ends_in_an_error_within_the_memory_limit() {
    for command in ["check", "verify"] {
        let o = limited(&[command, "--batch", "/dev/zero"], Stdio::null());
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{command}: {err}");
        assert!(
            err.contains("line 1 has no line end") && !err.contains("panicked"),
            "{command}: {err}"
        );
        // The line's own answer came first.
        assert_eq!(
            text(&o.stdout),
            "{\"line\":1,\"error\":\"line over 1048576 bytes, the limit for one request; skipped\"}\n"
        );
    }
}

#[test]
fn a_line_over_the_cap_is_one_error_and_the_next_line_is_answered() {
    let scratch = Scratch::new("long-line");
    let mut long = format!(
        "{{\"id\":\"long\",\"origin\":\"https://{}.com\"",
        "a".repeat(3 << 20)
    );
    long.push_str("}\n");
    let check = scratch.write(
        "check.jsonl",
        &format!("{long}{{\"id\":\"ok\",\"origin\":\"https://login.example.com\",\"rp_id\":\"example.com\"}}\n"),
    );
    let verify = scratch.write(
        "verify.jsonl",
        &format!("{long}{{\"id\":\"ok\",\"origin\":\"https://example.com\"}}\n"),
    );
    let policy = scratch.write("rp.toml", POLICY);
    for (args, reason) in [
        (
            vec!["check", "--batch", check.to_str().unwrap()],
            "rp-id-registrable-suffix",
        ),
        (
            vec![
                "verify",
                "--batch",
                verify.to_str().unwrap(),
                "--policy",
                policy.to_str().unwrap(),
            ],
            "origin-match",
        ),
    ] {
        let o = limited(&args, Stdio::null());
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let out = text(&o.stdout);
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert_eq!(lines[0]["line"], 1);
        assert_eq!(
            lines[0]["error"],
            "line over 1048576 bytes, the limit for one request; skipped"
        );
        assert_eq!(
            (&lines[1]["id"], &lines[1]["reason"]),
            (&"ok".into(), &reason.into())
        );
    }
}

/// Kills a child that outlives a (generous) bound, so that a regression shows as a
/// failed read instead of a hung test. Nothing is asserted about time.
struct Watchdog(std::sync::mpsc::Sender<()>);

impl Watchdog {
    fn new(child: &Child) -> Watchdog {
        let pid = child.id().to_string();
        let (done, wait) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            if wait
                .recv_timeout(std::time::Duration::from_secs(300))
                .is_err()
            {
                let _ = Command::new("kill").args(["-9", &pid]).status();
            }
        });
        Watchdog(done)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

/// rpscope as a co-process: each answer arrives while stdin is still open.
#[test]
fn batch_answers_each_line_before_the_input_ends() {
    let scratch = Scratch::new("coprocess");
    let policy = scratch.write("rp.toml", POLICY);
    let runs: [(Vec<&str>, [&str; 2], [&str; 2]); 2] = [
        (
            vec!["check", "--batch", "-"],
            [
                r#"{"id":"one","origin":"https://login.example.com","rp_id":"example.com"}"#,
                r#"{"id":"two","origin":"https://evil-example.com","rp_id":"example.com"}"#,
            ],
            ["rp-id-registrable-suffix", "rp-id-not-suffix"],
        ),
        (
            vec![
                "verify",
                "--batch",
                "-",
                "--policy",
                policy.to_str().unwrap(),
            ],
            [
                r#"{"id":"one","origin":"https://example.com"}"#,
                r#"{"id":"two","origin":"https://evil.example.com"}"#,
            ],
            ["origin-match", "origin-not-allowed"],
        ),
    ];
    for (args, requests, reasons) in runs {
        let mut child = Command::new(BIN)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let _watchdog = Watchdog::new(&child);
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        for (request, reason) in requests.iter().zip(reasons) {
            writeln!(stdin, "{request}").unwrap();
            stdin.flush().unwrap();
            let mut answer = String::new();
            stdout.read_line(&mut answer).unwrap();
            assert!(answer.ends_with('\n'), "{args:?}: no answer to {request}");
            let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
            assert_eq!(v["reason"], reason, "{answer}");
        }
        drop(stdin);
        assert!(child.wait().unwrap().success());
    }
}

/// Every printing command: a reader that went away is no error; a full disk is.
#[test]
fn a_closed_pipe_ends_normally_and_a_full_disk_is_an_error() {
    let scratch = Scratch::new("outputs");
    let policy = scratch.write("rp.toml", POLICY);
    let policy = policy.to_str().unwrap();
    let batch = scratch.write("batch.jsonl", "{\"origin\":\"https://a.example.com\"}\n");
    let batch = batch.to_str().unwrap();
    let runs: [(&[&str], i32); 11] = [
        (&["adapter", "schema"], 0),
        (&["corpus", "schema"], 0),
        (&["corpus", "export"], 0),
        (&["corpus", "lint"], 0),
        (&["adapter", "requests"], 0),
        (&["check", "--origin", "https://a.example.com"], 0),
        (&["check", "--origin", "https://a.example.com", "--json"], 0),
        (&["check", "--batch", batch], 0),
        (
            &[
                "verify",
                "--policy",
                policy,
                "--origin",
                "https://example.com",
            ],
            0,
        ),
        (&["verify", "--batch", batch, "--policy", policy], 0),
        (&["lint", policy], 0),
    ];
    for (args, closed_exit) in runs {
        // A socket whose other end is closed: every write fails with EPIPE.
        let (ours, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
        drop(ours);
        let o = Command::new(BIN)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(std::os::fd::OwnedFd::from(theirs)))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(closed_exit),
            "{args:?} into a closed pipe: {}",
            text(&o.stderr)
        );
        let err = text(&o.stderr);
        assert!(
            !err.contains("error") && !err.contains("panicked"),
            "{args:?}: {err}"
        );

        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = Command::new(BIN)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(full))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?} into /dev/full: {err}");
        assert!(
            err.contains("No space left on device") && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn out_of_range_timeouts_exit_2_with_the_range() {
    for command in ["conformance", "matrix"] {
        for value in [
            "18446744073709551615",
            "1e400",
            "3601",
            "0",
            "-1",
            "NaN",
            "inf",
            "-inf",
            "soon",
        ] {
            let o = Command::new(BIN)
                .args([command, &format!("--timeout={value}")])
                .output()
                .unwrap();
            let err = text(&o.stderr);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{command} --timeout={value}: {err}"
            );
            assert!(
                err.contains("--timeout") && err.contains(value) && !err.contains("panicked"),
                "{command} --timeout={value}: {err}"
            );
        }
    }
    let o = Command::new(BIN)
        .args(["conformance", "--timeout", "3600", "--filter", "dots::"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn batch_profile_decides_lines_that_name_none_and_every_line_says_which() {
    let mut child = Command::new(BIN)
        .args(["check", "--batch", "-", "--profile", "chromium"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            concat!(
                r#"{"id":"default","origin":"http://app.localhost:3000"}"#,
                "\n",
                r#"{"id":"own","origin":"http://app.localhost:3000","profile":"spec"}"#,
                "\n",
            )
            .as_bytes(),
        )
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let lines: Vec<serde_json::Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(&str, &str, &str)> = lines
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap(),
                v["verdict"].as_str().unwrap(),
                v["profile"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [("default", "accept", "chromium"), ("own", "reject", "spec")]
    );
}

#[test]
fn help_states_the_caps() {
    for (args, caps) in [
        (&["check", "--help"][..], &["1 MiB", "16 MiB"][..]),
        (&["verify", "--help"], &["1 MiB", "4 MiB"]),
        (&["lint", "--help"], &["16 MiB"]),
        (&["conformance", "--help"], &["3600"]),
    ] {
        let o = Command::new(BIN).args(args).output().unwrap();
        let out = text(&o.stdout);
        for cap in caps {
            assert!(
                out.contains(cap),
                "{args:?} --help does not say {cap}:\n{out}"
            );
        }
    }
}
