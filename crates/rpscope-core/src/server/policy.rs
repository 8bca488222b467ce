//! The RP's policy: which RP IDs and origins it expects, compiled once.

use crate::client::{RpId, RpIdError};
use crate::psl::PublicSuffixList;
use crate::server::matcher::OriginMatcher;
use crate::server::pattern::{Pattern, PatternError};
use sha2::{Digest, Sha256};
use std::fmt;

pub use rpscope_model::Policy;

/// Compiling a [`Policy`]: parse every pattern once into the matcher [`verify`](crate::server::verify) uses.
///
/// The policy's shape lives in `rpscope-model` (so the adapter protocol and the corpus
/// carry it without the core); compiling it is the core's, through this trait:
/// `use rpscope_core::server::Compile as _;` then `policy.compile(&psl)`.
pub trait Compile {
    /// Checks the policy and builds its matcher; every problem is listed in the error.
    fn compile(&self, psl: &PublicSuffixList) -> Result<CompiledPolicy, PolicyError>;
}

/// Why a policy is not valid; every problem is listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// One line per problem.
    pub problems: Vec<String>,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problems.join("; "))
    }
}

impl std::error::Error for PolicyError {}

/// A compiled policy: matching against it allocates nothing.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    pub(crate) rp_ids: Vec<(String, [u8; 32])>,
    pub(crate) origins: OriginMatcher,
    pub(crate) top_origins: OriginMatcher,
    pub(crate) allow_cross_origin: bool,
    patterns: Vec<Pattern>,
    top_patterns: Vec<Pattern>,
}

impl Compile for Policy {
    fn compile(&self, psl: &PublicSuffixList) -> Result<CompiledPolicy, PolicyError> {
        let mut problems = Vec::new();
        if self.rp_ids.is_empty() {
            problems.push("`rp_ids` is empty: a policy needs at least one RP ID".to_owned());
        }
        let mut rp_ids = Vec::new();
        for id in &self.rp_ids {
            match RpId::parse(id) {
                Ok(parsed) if parsed.spelled_canonically() => {
                    rp_ids.push((id.clone(), Sha256::digest(id.as_bytes()).into()));
                }
                Ok(parsed) => problems.push(format!(
                    "RP ID `{id}` is not canonical: clients hash the RP ID as written, so write `{}`",
                    parsed.as_str()
                )),
                Err(RpIdError::Invalid(why)) => problems.push(format!("RP ID `{id}` is not a valid domain string: {why}")),
                Err(RpIdError::IpAddress { .. }) => {
                    problems.push(format!("RP ID `{id}` is an IP address; an RP ID must be a domain"))
                }
            }
        }
        let mut parse_all = |list: &[String], what: &str| -> Vec<Pattern> {
            let mut out = Vec::new();
            for text in list {
                match Pattern::parse(text, psl) {
                    Ok(p) => out.push(p),
                    Err(PatternError { message, .. }) => {
                        problems.push(format!("{what} `{text}`: {message}"))
                    }
                }
            }
            out
        };
        let patterns = parse_all(&self.origins, "origin");
        let top_patterns = parse_all(&self.top_origins, "top origin");
        if !problems.is_empty() {
            return Err(PolicyError { problems });
        }
        Ok(CompiledPolicy {
            rp_ids,
            origins: OriginMatcher::new(&patterns),
            top_origins: OriginMatcher::new(&top_patterns),
            allow_cross_origin: self.allow_cross_origin,
            patterns,
            top_patterns,
        })
    }
}

impl CompiledPolicy {
    /// The origin patterns in normal form.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// The top-origin patterns in normal form.
    pub fn top_patterns(&self) -> &[Pattern] {
        &self.top_patterns
    }

    /// The RP IDs.
    pub fn rp_ids(&self) -> impl Iterator<Item = &str> {
        self.rp_ids.iter().map(|(id, _)| id.as_str())
    }

    /// Whether cross-origin ceremonies are allowed.
    pub fn allows_cross_origin(&self) -> bool {
        self.allow_cross_origin
    }
}
