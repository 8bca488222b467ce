//! Writing measured verdicts into `corpus/measured/<browser>.toml`, apart from the
//! reviewed case files.
//!
//! A measurement is rewritten only when the outcome or error changed; a later run
//! that agrees leaves the entry (and the version it was first measured with) alone, so
//! a browser update does not rewrite hundreds of lines. Every case can be measured,
//! generated topics included, since no case file is edited.

use crate::Error;
use rpscope_model::{Browser, Measurement, MeasurementFile, PslSnapshotId, Verdict};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One verdict to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeasurement {
    /// The case id.
    pub id: String,
    /// The browser.
    pub browser: Browser,
    /// The browser version.
    pub version: String,
    /// The PSL snapshot the browser's profile decides with.
    pub psl: PslSnapshotId,
    /// What it decided.
    pub outcome: Verdict,
    /// The error name it refused with, if any.
    pub error: Option<String>,
}

/// What recording did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Cases whose measurement was written (new or changed).
    pub written: Vec<String>,
    /// Cases whose recorded measurement already said the same.
    pub unchanged: usize,
    /// Files rewritten.
    pub files: Vec<PathBuf>,
}

/// The measurement file of `browser` in a corpus directory.
pub fn path(corpus_dir: &Path, browser: Browser) -> PathBuf {
    corpus_dir.join("measured").join(format!("{browser}.toml"))
}

/// Records `measurements` into `corpus_dir/measured/<browser>.toml` (created when missing).
pub fn record(corpus_dir: &Path, measurements: &[NewMeasurement]) -> Result<Recorded, Error> {
    let mut recorded = Recorded::default();
    for &browser in Browser::ALL {
        let mine: Vec<&NewMeasurement> = measurements
            .iter()
            .filter(|m| m.browser == browser)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let path = path(corpus_dir, browser);
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| Error::Io { path, source }
        };
        let mut file = match read_capped(&path) {
            Ok(text) => toml::from_str::<MeasurementFile>(&text).map_err(|e| Error::Input {
                file: path.display().to_string(),
                message: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => MeasurementFile::new(browser),
            Err(e) => return Err(io(&path)(e)),
        };
        let (written, unchanged) = merge(&mut file, &mine);
        recorded.unchanged += unchanged;
        if written.is_empty() {
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        std::fs::write(&path, render(&file)).map_err(io(&path))?;
        recorded.written.extend(written);
        recorded.files.push(path);
    }
    Ok(recorded)
}

/// The most a measurement file may hold (the corpus loader's per-file cap).
const MAX_FILE: u64 = 4 << 20;

/// Reads a measurement file, refusing one over [`MAX_FILE`].
fn read_capped(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_FILE + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_FILE {
        return Err(std::io::Error::other(format!(
            "larger than {MAX_FILE} bytes, the limit for a measurement file"
        )));
    }
    Ok(text)
}

/// Puts `measurements` into `file`; returns the ids written and how many already agreed.
pub fn merge(file: &mut MeasurementFile, measurements: &[&NewMeasurement]) -> (Vec<String>, usize) {
    let mut written = Vec::new();
    let mut unchanged = 0;
    for m in measurements {
        let same = file
            .cases
            .get(&m.id)
            .is_some_and(|current| current.outcome == m.outcome && current.error == m.error);
        if same {
            unchanged += 1;
            continue;
        }
        file.cases.insert(
            m.id.clone(),
            Measurement {
                version: m.version.clone(),
                psl: m.psl,
                outcome: m.outcome,
                error: m.error.clone(),
            },
        );
        written.push(m.id.clone());
    }
    (written, unchanged)
}

/// The file's text: a header, then one inline table per case, sorted by id, so that a
/// re-recording shows up in review as the lines that changed.
pub fn render(file: &MeasurementFile) -> String {
    let browser = file.browser;
    let mut out = format!(
        "# Verdicts measured in {} by the browser oracle (`rpscope browser --browser {browser} --record`).\n\
# Data, not expectations: each case's reviewed `expected` stays in corpus/cases/. `rpscope browser`\n\
# fails when the browser no longer decides a case as recorded here, and `cargo test` fails when the\n\
# `{}` profile contradicts a recorded verdict. `psl` names the PSL snapshot the profile decided with.\n\
# Generated; edit by re-recording.\n\nbrowser = \"{browser}\"\n\n[cases]\n",
        browser.display_name(),
        browser.profile(),
    );
    for (id, m) in &file.cases {
        let _ = write!(
            out,
            "{} = {{ version = {}, psl = \"{}\", outcome = \"{}\"",
            quote(id),
            quote(&m.version),
            m.psl,
            m.outcome
        );
        if let Some(error) = &m.error {
            let _ = write!(out, ", error = {}", quote(error));
        }
        out.push_str(" }\n");
    }
    out
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: &str, outcome: Verdict, error: Option<&str>) -> NewMeasurement {
        NewMeasurement {
            id: id.into(),
            browser: Browser::Chromium,
            version: "156.0.8078.79".into(),
            psl: PslSnapshotId::Vendored,
            outcome,
            error: error.map(str::to_owned),
        }
    }

    #[test]
    fn writes_measurements_that_load_again() {
        let dir = tempfile::tempdir().unwrap();
        let first = record(
            dir.path(),
            &[
                m("t::one", Verdict::Accept, None),
                m("t::\"two\"", Verdict::Reject, Some("SecurityError")),
            ],
        )
        .unwrap();
        assert_eq!(first.written.len(), 2);
        let text = std::fs::read_to_string(path(dir.path(), Browser::Chromium)).unwrap();
        let file: MeasurementFile = toml::from_str(&text).expect(&text);
        assert_eq!(file.browser, Browser::Chromium);
        assert_eq!(file.cases["t::one"].outcome, Verdict::Accept);
        assert_eq!(
            file.cases["t::\"two\""].error.as_deref(),
            Some("SecurityError")
        );
        assert_eq!(render(&file), text, "rendering is a fixed point");
    }

    #[test]
    fn an_oversized_measurement_file_is_refused_not_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let file = path(dir.path(), Browser::Chromium);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, vec![b'#'; (MAX_FILE + 1) as usize]).unwrap();
        let err = record(dir.path(), &[m("t::one", Verdict::Accept, None)]).unwrap_err();
        assert!(
            err.to_string().contains("the limit for a measurement file"),
            "{err}"
        );
    }

    #[test]
    fn an_agreeing_measurement_leaves_the_entry_alone() {
        let mut file = MeasurementFile::new(Browser::Chromium);
        let old = NewMeasurement {
            version: "150.0".into(),
            ..m("t::one", Verdict::Accept, None)
        };
        merge(&mut file, &[&old]);
        let (written, unchanged) = merge(&mut file, &[&m("t::one", Verdict::Accept, None)]);
        assert!(written.is_empty());
        assert_eq!(unchanged, 1);
        assert_eq!(file.cases["t::one"].version, "150.0", "first version kept");
        let (written, _) = merge(&mut file, &[&m("t::one", Verdict::Reject, None)]);
        assert_eq!(written, ["t::one"]);
        assert_eq!(file.cases["t::one"].version, "156.0.8078.79");
    }
}
