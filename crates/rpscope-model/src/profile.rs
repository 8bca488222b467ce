//! The registry of client profiles, browsers and Public Suffix List snapshots.
//!
//! A profile's rules live in `rpscope_core::Profile`; its identity lives here, so that
//! the corpus, reports, the command line and the adapter protocol name profiles
//! without depending on the core. Every list of profiles anywhere in rpscope is
//! [`ProfileId::ALL`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A client profile: the spec read literally, or one browser as read from its sources
/// (and measured, for Chromium and Firefox).
///
/// Serialised as its name (`"spec"`, `"chromium"`, `"firefox"`, `"webkit"`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ProfileId {
    /// WebAuthn Level 3, HTML and URL as written.
    Spec,
    /// Chromium, as read from its sources and measured.
    Chromium,
    /// Firefox ESR, as read from its sources and measured.
    Firefox,
    /// WebKit (Safari), modelled from WebKit's open-source related-origins code and
    /// the spec where Safari decides in closed code; not measured.
    Webkit,
}

impl ProfileId {
    /// Every profile, the default first.
    pub const ALL: &'static [ProfileId] = &[
        ProfileId::Spec,
        ProfileId::Chromium,
        ProfileId::Firefox,
        ProfileId::Webkit,
    ];

    /// The name used on the command line, in corpus files and in reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            ProfileId::Spec => "spec",
            ProfileId::Chromium => "chromium",
            ProfileId::Firefox => "firefox",
            ProfileId::Webkit => "webkit",
        }
    }

    /// Looks a profile up by name.
    ///
    /// ```
    /// use rpscope_model::ProfileId;
    /// assert_eq!(ProfileId::from_name("firefox"), Some(ProfileId::Firefox));
    /// assert_eq!(ProfileId::from_name("safari"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<ProfileId> {
        ProfileId::ALL.iter().copied().find(|p| p.as_str() == name)
    }

    /// One line saying what the profile models, for help texts.
    pub const fn description(self) -> &'static str {
        match self {
            ProfileId::Spec => "WebAuthn Level 3, HTML and URL as written",
            ProfileId::Chromium => "Chromium 156 as read from its sources and measured",
            ProfileId::Firefox => "Firefox ESR 153 as read from its sources and measured",
            ProfileId::Webkit => {
                "WebKit (Safari): related origins as read from the open-source WebKit code (2026), local RP ID rules as the spec; not measured"
            }
        }
    }

    /// The browser the oracle measures for this profile, if any.
    ///
    /// `webkit` has none: Safari cannot run here, and the profile is modelled from
    /// source only (`docs/profiles.md`).
    pub const fn browser(self) -> Option<Browser> {
        match self {
            ProfileId::Spec | ProfileId::Webkit => None,
            ProfileId::Chromium => Some(Browser::Chromium),
            ProfileId::Firefox => Some(Browser::Firefox),
        }
    }

    /// The Public Suffix List snapshot the profile decides with (`--psl` overrides it).
    pub const fn psl_snapshot(self) -> PslSnapshotId {
        match self {
            ProfileId::Spec => PslSnapshotId::Vendored,
            ProfileId::Chromium => PslSnapshotId::Chromium156,
            ProfileId::Firefox => PslSnapshotId::FirefoxEsr153,
            // Which list Safari's `PublicSuffixStore` holds is unknown: `webkit`
            // decides with the vendored list until one is recorded.
            ProfileId::Webkit => PslSnapshotId::Vendored,
        }
    }

    /// The profile names joined with `sep`, for help texts and error messages.
    pub fn names(sep: &str) -> String {
        let names: Vec<&str> = ProfileId::ALL.iter().map(|p| p.as_str()).collect();
        names.join(sep)
    }
}

impl fmt::Display for ProfileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A real browser the oracle drives and measurements are recorded for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Browser {
    /// Chromium (headless, DevTools virtual authenticator).
    Chromium,
    /// Firefox ESR (WebDriver virtual authenticator).
    Firefox,
}

impl Browser {
    /// Every browser, in report order.
    pub const ALL: &'static [Browser] = &[Browser::Chromium, Browser::Firefox];

    /// The name used on the command line and for measurement files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Browser::Chromium => "chromium",
            Browser::Firefox => "firefox",
        }
    }

    /// The name people call it.
    pub const fn display_name(self) -> &'static str {
        match self {
            Browser::Chromium => "Chromium",
            Browser::Firefox => "Firefox ESR",
        }
    }

    /// The profile that models this browser (its verdicts are held to that profile).
    pub const fn profile(self) -> ProfileId {
        match self {
            Browser::Chromium => ProfileId::Chromium,
            Browser::Firefox => ProfileId::Firefox,
        }
    }

    /// Looks a browser up by name.
    pub fn from_name(name: &str) -> Option<Browser> {
        Browser::ALL.iter().copied().find(|b| b.as_str() == name)
    }
}

impl fmt::Display for Browser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Public Suffix List snapshot a profile can decide with.
///
/// `rpscope_core::psl::PslSnapshots` holds the parsed lists; a snapshot is data: the
/// vendored list, or the vendored list with a recorded difference (rules a browser's
/// copy lacks or has on top).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PslSnapshotId {
    /// The list vendored in `data/psl/` (see its `PROVENANCE.md`).
    Vendored,
    /// The list compiled into Chromium 156, as measured by `rpscope browser --psl-snapshot`
    /// (`data/psl/snapshots.toml`).
    #[serde(rename = "chromium-156")]
    Chromium156,
    /// The list Firefox ESR 153 uses, as measured by `rpscope browser --psl-snapshot`
    /// (`data/psl/snapshots.toml`).
    #[serde(rename = "firefox-esr-153")]
    FirefoxEsr153,
}

impl PslSnapshotId {
    /// Every snapshot.
    pub const ALL: &'static [PslSnapshotId] = &[
        PslSnapshotId::Vendored,
        PslSnapshotId::Chromium156,
        PslSnapshotId::FirefoxEsr153,
    ];

    /// The snapshot's name, as recorded with measurements and in `data/psl/snapshots.toml`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PslSnapshotId::Vendored => "vendored",
            PslSnapshotId::Chromium156 => "chromium-156",
            PslSnapshotId::FirefoxEsr153 => "firefox-esr-153",
        }
    }

    /// Whose list it is, for explanations ("Chromium 156's list").
    pub const fn owner(self) -> &'static str {
        match self {
            PslSnapshotId::Vendored => "the vendored list",
            PslSnapshotId::Chromium156 => "Chromium 156's list",
            PslSnapshotId::FirefoxEsr153 => "Firefox ESR 153's list",
        }
    }

    /// Looks a snapshot up by name.
    ///
    /// ```
    /// use rpscope_model::PslSnapshotId;
    /// assert_eq!(PslSnapshotId::from_name("chromium-156"), Some(PslSnapshotId::Chromium156));
    /// assert_eq!(PslSnapshotId::from_name("chromium"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<PslSnapshotId> {
        PslSnapshotId::ALL
            .iter()
            .copied()
            .find(|p| p.as_str() == name)
    }

    /// The snapshot that models `browser`'s list.
    pub const fn of_browser(browser: Browser) -> PslSnapshotId {
        match browser {
            Browser::Chromium => PslSnapshotId::Chromium156,
            Browser::Firefox => PslSnapshotId::FirefoxEsr153,
        }
    }
}

impl fmt::Display for PslSnapshotId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for &p in ProfileId::ALL {
            assert_eq!(ProfileId::from_name(p.as_str()), Some(p));
            let json = serde_json_name(&p);
            assert_eq!(json, p.as_str());
        }
        for &b in Browser::ALL {
            assert_eq!(Browser::from_name(b.as_str()), Some(b));
            assert_eq!(b.profile().browser(), Some(b));
        }
        assert_eq!(ProfileId::names(", "), "spec, chromium, firefox, webkit");
        assert_eq!(ProfileId::Webkit.browser(), None, "webkit is not measured");
        for &s in PslSnapshotId::ALL {
            assert_eq!(PslSnapshotId::from_name(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap().as_str(), Some(s.as_str()));
        }
        for &b in Browser::ALL {
            assert_eq!(b.profile().psl_snapshot(), PslSnapshotId::of_browser(b));
        }
        assert_eq!(ProfileId::Spec.psl_snapshot(), PslSnapshotId::Vendored);
        assert_eq!(ProfileId::Webkit.psl_snapshot(), PslSnapshotId::Vendored);
    }

    fn serde_json_name(p: &ProfileId) -> String {
        serde_json::to_value(p)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }
}
