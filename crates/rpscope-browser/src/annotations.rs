//! The human classification of disagreements between a browser and its profile's
//! expectation (`corpus/browsers/annotations.toml`).
//!
//! A program cannot know which side of a disagreement is wrong; a reviewer records it:
//!
//! ```toml
//! [[disagreement]]
//! id = "dots::caller-trailing-dot-claims-undotted-self"
//! browser = "chromium"
//! class = "profile-wrong"    # or "corpus-wrong", "browser-bug"
//! note = "Chromium 156 refuses it: …; docs/profiles.md is to be corrected."
//! ```
//!
//! A disagreement without an entry is reported as `unclassified`; an entry whose case
//! no longer disagrees is reported as stale.

use crate::Error;
use rpscope_model::Browser;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which side a reviewer found wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// The profile (`crates/rpscope-core/src/profile.rs`) models the browser wrongly.
    ProfileWrong,
    /// The case's expectation is wrong.
    CorpusWrong,
    /// The browser contradicts the specification: worth reporting upstream.
    BrowserBug,
    /// No reviewer has classified it yet.
    Unclassified,
}

impl Class {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::ProfileWrong => "profile-wrong",
            Class::CorpusWrong => "corpus-wrong",
            Class::BrowserBug => "browser-bug",
            Class::Unclassified => "unclassified",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reviewed disagreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    /// The case id.
    pub id: String,
    /// `chromium` or `firefox`.
    pub browser: Browser,
    /// The reviewer's classification.
    pub class: Class,
    /// Why, with sources.
    pub note: String,
}

/// Every annotation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annotations {
    /// The entries.
    #[serde(default, rename = "disagreement")]
    pub entries: Vec<Annotation>,
}

impl Annotations {
    /// Parses the TOML file's text.
    pub fn parse(text: &str) -> Result<Annotations, Error> {
        let invalid = |message: String| Error::Input {
            file: "annotations".into(),
            message,
        };
        let parsed: Annotations = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        for a in &parsed.entries {
            if a.class == Class::Unclassified {
                return Err(invalid(format!(
                    "`{}`: `unclassified` is what a missing entry means; classify it or leave it out",
                    a.id
                )));
            }
        }
        Ok(parsed)
    }

    /// The entry for a case and browser.
    pub fn lookup(&self, id: &str, browser: Browser) -> Option<&Annotation> {
        self.entries
            .iter()
            .find(|a| a.id == id && a.browser == browser)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entries_and_refuses_unknown_classes() {
        let a = Annotations::parse(
            "[[disagreement]]\nid = \"a::b\"\nbrowser = \"chromium\"\nclass = \"browser-bug\"\nnote = \"n\"\n",
        )
        .expect("parse");
        assert_eq!(
            a.lookup("a::b", Browser::Chromium).map(|e| e.class),
            Some(Class::BrowserBug)
        );
        assert_eq!(a.lookup("a::b", Browser::Firefox), None);
        assert!(Annotations::parse(
            "[[disagreement]]\nid = \"a::b\"\nbrowser = \"chromium\"\nclass = \"maybe\"\nnote = \"n\"\n"
        )
        .is_err());
        assert!(Annotations::parse(
            "[[disagreement]]\nid = \"a::b\"\nbrowser = \"chromium\"\nclass = \"unclassified\"\nnote = \"n\"\n"
        )
        .is_err());
        assert!(Annotations::parse(
            "[[disagreement]]\nid = \"a::b\"\nbrowser = \"safari\"\nclass = \"browser-bug\"\nnote = \"n\"\n"
        )
        .is_err());
        assert_eq!(
            Annotations::parse("").expect("empty"),
            Annotations::default()
        );
    }
}
