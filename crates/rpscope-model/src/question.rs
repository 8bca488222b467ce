//! A client-side question, owned: may this origin use this RP ID under this profile,
//! given this well-known response?
//!
//! One type for every reader that asks one (fuzz inputs and their seeds today), with
//! one line codec, so the seeds the corpus writes and the inputs the fuzz targets read
//! cannot drift apart.

use crate::profile::ProfileId;
use crate::well_known::WellKnown;

/// One client-side question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientQuestion {
    /// The caller's origin (or page URL).
    pub origin: String,
    /// The requested RP ID; `None`: the caller's effective domain.
    pub rp_id: Option<String>,
    /// The profile to decide under.
    pub profile: ProfileId,
    /// The well-known response; `None`: the fetch failed.
    pub well_known: Option<WellKnown>,
}

impl ClientQuestion {
    /// The line form: origin, RP ID (empty: none), profile, well-known status (empty:
    /// no response), content type, the redirect URLs separated by spaces, then the body
    /// (everything after the sixth newline).
    ///
    /// ```
    /// use rpscope_model::{ClientQuestion, ProfileId, WellKnown};
    /// let q = ClientQuestion {
    ///     origin: "https://example.co.uk".into(),
    ///     rp_id: Some("example.com".into()),
    ///     profile: ProfileId::Chromium,
    ///     well_known: Some(WellKnown { status: 200, content_type: "application/json".into(),
    ///         body: "{\"origins\":[]}\n".into(), redirects: vec!["https://b.example/x".into()] }),
    /// };
    /// assert_eq!(ClientQuestion::from_lines(&q.to_lines()), q);
    /// ```
    pub fn to_lines(&self) -> String {
        let wk = self.well_known.as_ref();
        format!(
            "{}\n{}\n{}\n{}\n{}\n{}\n{}",
            self.origin,
            self.rp_id.as_deref().unwrap_or(""),
            self.profile,
            wk.map(|w| w.status.to_string()).unwrap_or_default(),
            wk.map_or("", |w| w.content_type.as_str()),
            wk.map(|w| w.redirects.join(" ")).unwrap_or_default(),
            wk.map_or("", |w| w.body.as_str()),
        )
    }

    /// Reads the line form; any text is a question (missing lines are empty, an
    /// unknown profile is `spec`, a status that is no number means no response).
    pub fn from_lines(text: &str) -> ClientQuestion {
        let mut parts = text.splitn(7, '\n');
        let mut next = || parts.next().unwrap_or("");
        let (origin, rp_id, profile, status, content_type, redirects, body) =
            (next(), next(), next(), next(), next(), next(), next());
        ClientQuestion {
            origin: origin.to_owned(),
            rp_id: (!rp_id.is_empty()).then(|| rp_id.to_owned()),
            profile: ProfileId::from_name(profile.trim()).unwrap_or(ProfileId::Spec),
            well_known: status.trim().parse().ok().map(|status| WellKnown {
                status,
                content_type: content_type.to_owned(),
                body: body.to_owned(),
                redirects: redirects.split_whitespace().map(str::to_owned).collect(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_text_reads_and_a_question_round_trips() {
        let q = ClientQuestion::from_lines("https://a.example");
        assert_eq!(q.origin, "https://a.example");
        assert_eq!(
            (q.rp_id, q.profile, q.well_known),
            (None, ProfileId::Spec, None)
        );
        let q = ClientQuestion::from_lines("o\nr\nfirefox\n204\nx/y\n\nbody\nwith lines");
        assert_eq!(q.profile, ProfileId::Firefox);
        let wk = q.well_known.clone().unwrap();
        assert_eq!((wk.status, wk.body.as_str()), (204, "body\nwith lines"));
        assert!(wk.redirects.is_empty());
        assert_eq!(ClientQuestion::from_lines(&q.to_lines()), q);
    }
}
