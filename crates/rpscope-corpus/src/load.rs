//! Loading the corpus: the embedded copy, or a directory laid out like `corpus/`.

use crate::case::{AnyCase, ClientCase, ServerCase, TopicFile};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// A loaded corpus: the flag registry and every topic, sorted by name.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// Flag name → description, from `flags.toml`.
    pub flags: BTreeMap<String, String>,
    /// The topics, sorted by name.
    pub topics: Vec<Topic>,
}

/// One topic file.
#[derive(Debug, Clone)]
pub struct Topic {
    /// The file stem, which every case id starts with.
    pub name: String,
    /// Where it was read from, for messages.
    pub origin: String,
    /// The parsed file.
    pub file: TopicFile,
}

/// A file that could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlagsFile {
    flags: BTreeMap<String, FlagEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlagEntry {
    description: String,
}

impl Corpus {
    /// The corpus this crate was built with.
    pub fn embedded() -> Result<Corpus, Vec<LoadError>> {
        let files = embedded::CASE_FILES.iter().map(|(name, text)| {
            (
                format!("corpus/cases/{name}"),
                name.to_string(),
                Ok(text.to_string()),
            )
        });
        Corpus::assemble(
            ("corpus/flags.toml".into(), Ok(embedded::FLAGS.to_string())),
            files,
        )
    }

    /// A corpus directory: `DIR/flags.toml` and `DIR/cases/*.toml`.
    pub fn from_dir(dir: &Path) -> Result<Corpus, Vec<LoadError>> {
        let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| e.to_string());
        let flags_path = dir.join("flags.toml");
        let cases = dir.join("cases");
        let mut paths: Vec<PathBuf> = match std::fs::read_dir(&cases) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                return Err(vec![LoadError {
                    file: cases.display().to_string(),
                    message: e.to_string(),
                }]);
            }
        };
        paths.retain(|p| p.extension().is_some_and(|e| e == "toml"));
        paths.sort();
        let files = paths.into_iter().map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (p.display().to_string(), name, read(&p))
        });
        Corpus::assemble((flags_path.display().to_string(), read(&flags_path)), files)
    }

    fn assemble(
        flags: (String, Result<String, String>),
        files: impl Iterator<Item = (String, String, Result<String, String>)>,
    ) -> Result<Corpus, Vec<LoadError>> {
        let mut errors = Vec::new();
        let flags = match flags
            .1
            .and_then(|t| toml::from_str::<FlagsFile>(&t).map_err(|e| e.to_string()))
        {
            Ok(f) => f
                .flags
                .into_iter()
                .map(|(k, v)| (k, v.description))
                .collect(),
            Err(message) => {
                errors.push(LoadError {
                    file: flags.0,
                    message,
                });
                BTreeMap::new()
            }
        };
        let mut topics = Vec::new();
        for (origin, file_name, text) in files {
            let name = file_name.trim_end_matches(".toml").to_string();
            match text.and_then(|t| toml::from_str::<TopicFile>(&t).map_err(|e| e.to_string())) {
                Ok(file) => topics.push(Topic { name, origin, file }),
                Err(message) => errors.push(LoadError {
                    file: origin,
                    message,
                }),
            }
        }
        if errors.is_empty() {
            Ok(Corpus { flags, topics })
        } else {
            Err(errors)
        }
    }

    /// Every client-side case, topic by topic, in file order.
    pub fn client_cases(&self) -> impl Iterator<Item = (&Topic, &ClientCase)> {
        self.topics.iter().flat_map(|t| {
            let cases: &[ClientCase] = match &t.file {
                TopicFile::Client(c) => &c.cases,
                TopicFile::Server(_) => &[],
            };
            cases.iter().map(move |case| (t, case))
        })
    }

    /// Every server-side case, topic by topic, in file order.
    pub fn server_cases(&self) -> impl Iterator<Item = (&Topic, &ServerCase)> {
        self.topics.iter().flat_map(|t| {
            let cases: &[ServerCase] = match &t.file {
                TopicFile::Server(c) => &c.cases,
                TopicFile::Client(_) => &[],
            };
            cases.iter().map(move |case| (t, case))
        })
    }

    /// Every case of a topic, in file order.
    pub fn cases_of<'a>(&'a self, topic: &'a Topic) -> Vec<AnyCase<'a>> {
        match &topic.file {
            TopicFile::Client(c) => c.cases.iter().map(AnyCase::Client).collect(),
            TopicFile::Server(c) => c.cases.iter().map(AnyCase::Server).collect(),
        }
    }

    /// How many cases the corpus holds (client and server).
    pub fn len(&self) -> usize {
        self.client_cases().count() + self.server_cases().count()
    }

    /// Whether the corpus holds no case.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
