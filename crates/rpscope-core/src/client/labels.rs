//! The label table of a `/.well-known/webauthn` document: which entries a profile
//! examines, which registrable-origin labels they count, and where the limit is hit.
//!
//! WebAuthn L3 §5.11.1 (<https://w3c.github.io/webauthn/#sctn-validating-relation-origin>)
//! walks `origins` in order and stops considering entries with a new
//! registrable-origin label once `maxLabels` labels were seen. Which entries that
//! is depends on the profile's [`LabelCounting`] and [`NonStringEntry`] rules and on
//! its Public Suffix List, so an operator sees it per profile:
//! [`label_table`] walks the document exactly as
//! [`validate_related_origins`](super::validate_related_origins) does, for a caller
//! that matches nothing, and says for each entry what happened to it. A profile
//! with a candidate limit ([`RelatedOriginsRules::max_candidates`], WebKit
//! `WellKnownOriginList.h` `maxCandidates` = 100) stops the whole walk at the
//! first labelled entry past the limit: that entry and every later one are
//! [`EntryFate::BeyondCandidateLimit`].

use crate::client::related_origins::{parse_document, registrable_origin_label};
use crate::client::RelatedOriginsFailure;
use crate::profile::{LabelCounting, NonStringEntry, RelatedOriginsRules};
use crate::psl::PublicSuffixList;
use url::Url;

/// What the related-origins walk does with one entry of `origins`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntryFate {
    /// Examined, and its label took a new slot (`slot` counts from 1).
    Counted {
        /// The registrable-origin label (`example` for `https://www.example.co.uk`).
        label: String,
        /// The slot it filled, 1 to `max_labels`.
        slot: usize,
    },
    /// Examined; its label was already counted (by entry `first`), so no slot
    /// was taken. Under [`LabelCounting::EveryEntry`] a repeated label takes a
    /// slot of its own and is [`EntryFate::Counted`] instead.
    Duplicate {
        /// The label.
        label: String,
        /// The index of the entry that counted it first.
        first: usize,
    },
    /// Examined after the limit was reached: its label was already counted, so
    /// it can still match.
    KnownAfterLimit {
        /// The label.
        label: String,
    },
    /// Never examined: a new label after `max_labels` slots were filled. No
    /// caller can match this entry.
    BeyondLimit {
        /// The label it would have counted.
        label: String,
    },
    /// Skipped: not a URL (the URL parser failed).
    NotUrl,
    /// Skipped: a URL without a registrable-origin label (an IP host, an opaque
    /// origin, a host that is itself a public suffix).
    NoLabel,
    /// Not a string: the walk ends here ([`NonStringEntry::FailsWhenReached`]).
    NotString,
    /// After a non-string entry ended the walk: never examined.
    NotReached,
    /// Never examined: the walk stopped at the first labelled entry past the
    /// profile's [`RelatedOriginsRules::max_candidates`] (this entry or an
    /// earlier one). No caller can match it.
    BeyondCandidateLimit {
        /// Its registrable-origin label, when it is a URL with one.
        label: Option<String>,
    },
}

impl EntryFate {
    /// Whether a caller whose origin is this entry's would be matched (the
    /// entry is examined and has a label).
    pub fn reachable(&self) -> bool {
        matches!(
            self,
            EntryFate::Counted { .. }
                | EntryFate::Duplicate { .. }
                | EntryFate::KnownAfterLimit { .. }
        )
    }
}

/// One row of a [`LabelTable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelRow {
    /// The index in `origins`.
    pub index: usize,
    /// The entry as written (JSON text for a non-string).
    pub entry: String,
    /// What the walk did with it.
    pub fate: EntryFate,
}

/// Every entry of a document, under one profile's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelTable {
    /// The profile's limit.
    pub max_labels: usize,
    /// One row per entry, in document order.
    pub rows: Vec<LabelRow>,
    /// The index of the first entry the limit kept from being examined, if any.
    pub limit_reached_at: Option<usize>,
    /// The profile's candidate limit (`None`: every labelled entry is examined).
    pub max_candidates: Option<usize>,
    /// The index of the labelled entry the walk stopped at because
    /// `max_candidates` labelled entries had been examined, if any.
    pub candidate_limit_reached_at: Option<usize>,
}

impl LabelTable {
    /// The labels that took a slot, in slot order (repeated under
    /// [`LabelCounting::EveryEntry`]).
    pub fn counted(&self) -> impl Iterator<Item = &str> {
        self.rows.iter().filter_map(|r| match &r.fate {
            EntryFate::Counted { label, .. } => Some(label.as_str()),
            _ => None,
        })
    }
}

/// Walks `body` as a related-origins document under `rules`, with no caller.
///
/// The document must be a JSON object with an `origins` array; otherwise (and
/// when the profile fails a document with a non-string element) the failure the
/// validation would report is returned. Status, content type and size are not
/// judged here: the table describes the document, the verdict decides its use.
///
/// ```
/// use rpscope_core::client::labels::{label_table, EntryFate};
/// use rpscope_core::{Profile, PublicSuffixList};
/// let psl = PublicSuffixList::vendored();
/// let body = br#"{"origins": ["https://example.de", "https://www.example.co.uk", "https://10.0.0.1"]}"#;
/// let table = label_table(body, &Profile::SPEC.related_origins, &psl).unwrap();
/// assert_eq!(table.counted().collect::<Vec<_>>(), ["example"]);
/// assert!(matches!(table.rows[1].fate, EntryFate::Duplicate { first: 0, .. }));
/// assert_eq!(table.rows[2].fate, EntryFate::NoLabel);
/// ```
pub fn label_table(
    body: &[u8],
    rules: &RelatedOriginsRules,
    psl: &PublicSuffixList,
) -> Result<LabelTable, RelatedOriginsFailure> {
    let entries = parse_document(body)?;
    if rules.non_string_entry == NonStringEntry::FailsDocument {
        if let Some(i) = entries.iter().position(|e| !e.is_string()) {
            return Err(RelatedOriginsFailure::BadJson(format!(
                "`origins[{i}]` is not a string"
            )));
        }
    }
    // (label, index of the entry that counted it first), in slot order.
    let mut labels: Vec<(String, usize)> = Vec::with_capacity(rules.max_labels);
    let mut rows = Vec::with_capacity(entries.len());
    let mut limit_reached_at = None;
    let mut candidate_limit_reached_at = None;
    // Labelled entries examined so far, as `validate_related_origins` counts them.
    let mut examined = 0usize;
    let mut ended = false;
    for (index, value) in entries.iter().enumerate() {
        if candidate_limit_reached_at.is_some() {
            let label = value.as_str().and_then(|text| label_of(text, psl));
            rows.push(LabelRow {
                index,
                entry: value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned),
                fate: EntryFate::BeyondCandidateLimit { label },
            });
            continue;
        }
        let Some(text) = value.as_str() else {
            let fate = if ended {
                EntryFate::NotReached
            } else {
                ended = true;
                EntryFate::NotString
            };
            rows.push(LabelRow {
                index,
                entry: value.to_string(),
                fate,
            });
            continue;
        };
        let label = if ended { None } else { label_of(text, psl) };
        if let (Some(label), Some(max)) = (&label, rules.max_candidates) {
            if examined >= max {
                candidate_limit_reached_at = Some(index);
                rows.push(LabelRow {
                    index,
                    entry: text.to_owned(),
                    fate: EntryFate::BeyondCandidateLimit {
                        label: Some(label.clone()),
                    },
                });
                continue;
            }
            examined += 1;
        }
        let fate = if ended {
            EntryFate::NotReached
        } else {
            fate(text, index, rules, psl, &mut labels)
        };
        if matches!(fate, EntryFate::BeyondLimit { .. }) && limit_reached_at.is_none() {
            limit_reached_at = Some(index);
        }
        rows.push(LabelRow {
            index,
            entry: text.to_owned(),
            fate,
        });
    }
    Ok(LabelTable {
        max_labels: rules.max_labels,
        rows,
        limit_reached_at,
        max_candidates: rules.max_candidates,
        candidate_limit_reached_at,
    })
}

/// The registrable-origin label of an entry, when it is a URL with one.
fn label_of(text: &str, psl: &PublicSuffixList) -> Option<String> {
    let url = Url::parse(text).ok()?;
    registrable_origin_label(&url, psl).map(str::to_owned)
}

/// One entry, in the order `validate_related_origins` takes its steps.
fn fate(
    text: &str,
    index: usize,
    rules: &RelatedOriginsRules,
    psl: &PublicSuffixList,
    labels: &mut Vec<(String, usize)>,
) -> EntryFate {
    let Ok(url) = Url::parse(text) else {
        return EntryFate::NotUrl;
    };
    let Some(label) = registrable_origin_label(&url, psl) else {
        return EntryFate::NoLabel;
    };
    let full = labels.len() >= rules.max_labels;
    let first = labels.iter().find(|(l, _)| l == label).map(|&(_, i)| i);
    let label = label.to_owned();
    match (full, first, rules.label_counting) {
        (true, None, _) => EntryFate::BeyondLimit { label },
        (true, Some(_), _) => EntryFate::KnownAfterLimit { label },
        (false, Some(first), LabelCounting::DistinctLabels) => {
            EntryFate::Duplicate { label, first }
        }
        (false, _, _) => {
            labels.push((label.clone(), index));
            EntryFate::Counted {
                label,
                slot: labels.len(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{validate_related_origins, WellKnownResponse};
    use crate::Profile;

    fn table(profile: &Profile, body: &str) -> LabelTable {
        let psl = PublicSuffixList::vendored();
        label_table(body.as_bytes(), &profile.related_origins, &psl).unwrap()
    }

    const SIX: &str = r#"{"origins":["https://example.com","https://example.net","https://example.org","https://example.de","https://example.fr","https://other.com","https://www.example.com"]}"#;

    #[test]
    fn distinct_labels_count_once() {
        let t = table(&Profile::SPEC, SIX);
        assert_eq!(t.counted().collect::<Vec<_>>(), ["example", "other"]);
        assert!(matches!(
            t.rows[1].fate,
            EntryFate::Duplicate { first: 0, .. }
        ));
        assert_eq!(t.limit_reached_at, None);
    }

    #[test]
    fn every_entry_fills_slots_and_hits_the_limit() {
        let t = table(&Profile::FIREFOX, SIX);
        assert_eq!(t.counted().count(), 5);
        assert_eq!(
            t.rows[5].fate,
            EntryFate::BeyondLimit {
                label: "other".into()
            }
        );
        assert_eq!(t.limit_reached_at, Some(5));
        assert_eq!(
            t.rows[6].fate,
            EntryFate::KnownAfterLimit {
                label: "example".into()
            }
        );
    }

    #[test]
    fn non_string_entries_follow_the_profile() {
        let body = r#"{"origins":["https://a.com",1,"https://b.com"]}"#;
        let psl = PublicSuffixList::vendored();
        assert!(label_table(body.as_bytes(), &Profile::SPEC.related_origins, &psl).is_err());
        let t = table(&Profile::CHROMIUM, body);
        assert_eq!(t.rows[1].fate, EntryFate::NotString);
        assert_eq!(t.rows[2].fate, EntryFate::NotReached);
    }

    /// `n` entries over the one label `example` (`https://h{i}.example.com`), with
    /// the entries at `unlabelled` replaced by an IP host (no label, no candidate).
    fn long_document(n: usize, unlabelled: &[usize]) -> String {
        let entries: Vec<String> = (0..n)
            .map(|i| {
                if unlabelled.contains(&i) {
                    format!("https://10.0.0.{}", i % 250)
                } else {
                    format!("https://h{i}.example.com")
                }
            })
            .collect();
        serde_json::json!({ "origins": entries }).to_string()
    }

    #[test]
    fn entries_past_the_candidate_limit_are_never_examined() {
        // 150 labelled entries: WebKit examines 100 (indices 0 to 99).
        let t = table(&Profile::WEBKIT, &long_document(150, &[]));
        assert_eq!(t.max_candidates, Some(100));
        assert_eq!(t.candidate_limit_reached_at, Some(100));
        assert!(t.rows[99].fate.reachable());
        for i in [100, 120, 149] {
            assert_eq!(
                t.rows[i].fate,
                EntryFate::BeyondCandidateLimit {
                    label: Some("example".into())
                },
                "{i}"
            );
        }
        // An unlabelled entry is no candidate: with one among the first 100,
        // entry 100 is the 100th candidate.
        let t = table(&Profile::WEBKIT, &long_document(150, &[10]));
        assert_eq!(t.rows[10].fate, EntryFate::NoLabel);
        assert!(t.rows[100].fate.reachable());
        assert_eq!(t.candidate_limit_reached_at, Some(101));
        // Past the stop even an unlabelled entry is never examined.
        let t = table(&Profile::WEBKIT, &long_document(150, &[130]));
        assert_eq!(
            t.rows[130].fate,
            EntryFate::BeyondCandidateLimit { label: None }
        );
        // No other profile limits candidates.
        for profile in [&Profile::SPEC, &Profile::CHROMIUM, &Profile::FIREFOX] {
            let t = table(profile, &long_document(150, &[]));
            assert_eq!(t.candidate_limit_reached_at, None, "{profile}");
        }
    }

    /// The table agrees with the validation: an entry is reachable exactly when a
    /// caller with that entry's origin is matched at that entry or an earlier one.
    /// Besides a short document over many labels, documents of 150 entries whose
    /// caller sits at 99, 100 and 120 hold the candidate limit to the procedure.
    #[test]
    fn reachable_agrees_with_validate_related_origins() {
        let short = r#"{"origins":["https://a.com","not a url","https://10.0.0.1","https://co.uk","https://b.com","https://a.net","https://c.com","https://d.com","https://e.com","https://f.com","https://www.b.com","https://g.com"]}"#.to_owned();
        let bodies = [
            short,
            long_document(150, &[]),
            long_document(150, &[3, 50, 99, 101]),
            long_document(101, &[]),
        ];
        for body in &bodies {
            agrees(body);
        }
    }

    fn agrees(body: &str) {
        let psl = PublicSuffixList::vendored();
        for profile in Profile::ALL {
            let t = table(profile, body);
            for row in &t.rows {
                let Ok(url) = Url::parse(&row.entry) else {
                    continue;
                };
                let response = WellKnownResponse {
                    status: 200,
                    content_type: "application/json",
                    body: body.as_bytes(),
                    redirects: &[],
                };
                let got = validate_related_origins(
                    &url.origin(),
                    &response,
                    &profile.related_origins,
                    &psl,
                );
                let matched_here_or_before = matches!(got, Ok(i) if i <= row.index);
                assert_eq!(
                    row.fate.reachable(),
                    matched_here_or_before,
                    "{profile} {}: {:?} vs {got:?}",
                    row.entry,
                    row.fate
                );
            }
        }
    }
}
