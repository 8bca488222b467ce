//! What a conforming implementation must decide: an [`Outcome`], for every profile
//! or per profile ([`PerProfile`]).

use crate::profile::ProfileId;
use crate::reason::Verdict;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// What a conforming implementation must decide.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Must accept.
    Accept,
    /// Must reject.
    Reject,
    /// Either verdict conforms (the case's `note` says why).
    Acceptable,
}

impl Outcome {
    /// Whether `verdict` conforms to this outcome.
    ///
    /// ```
    /// use rpscope_model::{Outcome, Verdict};
    /// assert!(Outcome::Acceptable.admits(Verdict::Reject));
    /// assert!(!Outcome::Accept.admits(Verdict::Reject));
    /// ```
    pub fn admits(self, verdict: Verdict) -> bool {
        match self {
            Outcome::Acceptable => true,
            Outcome::Accept => verdict == Verdict::Accept,
            Outcome::Reject => verdict == Verdict::Reject,
        }
    }

    /// `accept`, `reject` or `acceptable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Accept => "accept",
            Outcome::Reject => "reject",
            Outcome::Acceptable => "acceptable",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value for every profile: a default, and overrides keyed by [`ProfileId`].
///
/// In a corpus file: `"reject"` (the same everywhere), `{ spec = "reject", chromium =
/// "accept", firefox = "reject" }` (per profile), or `{ default = "reject", chromium =
/// "accept" }` (a default with overrides). A key that names no profile is an error
/// when the file is read, and [`PerProfile::missing`] tells which profiles a value
/// leaves uncovered, so that a new profile is never silently given a value nobody wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerProfile<T> {
    default: Option<T>,
    overrides: BTreeMap<ProfileId, T>,
}

impl<T: Copy + PartialEq> PerProfile<T> {
    /// The same value for every profile.
    pub fn all(value: T) -> Self {
        PerProfile {
            default: Some(value),
            overrides: BTreeMap::new(),
        }
    }

    /// Values for some profiles only, and no default.
    pub fn from_overrides(overrides: impl IntoIterator<Item = (ProfileId, T)>) -> Self {
        PerProfile {
            default: None,
            overrides: overrides.into_iter().collect(),
        }
    }

    /// The value for `profile`: its override, else the default, else `None`.
    pub fn get(&self, profile: ProfileId) -> Option<T> {
        self.overrides.get(&profile).copied().or(self.default)
    }

    /// Whether `profile` is named explicitly (not only covered by the default).
    pub fn names(&self, profile: ProfileId) -> bool {
        self.overrides.contains_key(&profile)
    }

    /// Gives `profile` its own value, replacing any override it had.
    pub fn set(&mut self, profile: ProfileId, value: T) {
        self.overrides.insert(profile, value);
    }

    /// The profiles of [`ProfileId::ALL`] this value gives nothing for.
    pub fn missing(&self) -> impl Iterator<Item = ProfileId> + '_ {
        ProfileId::ALL
            .iter()
            .copied()
            .filter(|p| self.get(*p).is_none())
    }

    /// Whether every profile gets the same value (or none at all).
    pub fn is_uniform(&self) -> bool {
        let mut values = ProfileId::ALL.iter().filter_map(|p| self.get(*p));
        match values.next() {
            None => true,
            Some(first) => values.all(|v| v == first),
        }
    }
}

impl<T: Serialize> Serialize for PerProfile<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (&self.default, self.overrides.is_empty()) {
            (Some(all), true) => all.serialize(s),
            _ => {
                let mut map = s.serialize_map(None)?;
                if let Some(default) = &self.default {
                    map.serialize_entry("default", default)?;
                }
                for (profile, value) in &self.overrides {
                    map.serialize_entry(profile.as_str(), value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for PerProfile<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PerProfileVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for PerProfileVisitor<T> {
            type Value = PerProfile<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "a value, or a table keyed by `default` and profile names ({})",
                    ProfileId::names(", ")
                )
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                let value = T::deserialize(de::value::StrDeserializer::<E>::new(v))?;
                Ok(PerProfile {
                    default: Some(value),
                    overrides: BTreeMap::new(),
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut default = None;
                let mut overrides = BTreeMap::new();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    if key == "default" {
                        if default.replace(map.next_value()?).is_some() {
                            return Err(de::Error::duplicate_field("default"));
                        }
                        continue;
                    }
                    let Some(profile) = ProfileId::from_name(&key) else {
                        return Err(de::Error::custom(format_args!(
                            "unknown profile `{key}` (profiles: {}; or `default`)",
                            ProfileId::names(", ")
                        )));
                    };
                    if overrides.insert(profile, map.next_value()?).is_some() {
                        return Err(de::Error::custom(format_args!(
                            "profile `{key}` is given twice"
                        )));
                    }
                }
                if default.is_none() && overrides.is_empty() {
                    return Err(de::Error::custom("an empty table gives no profile a value"));
                }
                Ok(PerProfile { default, overrides })
            }
        }

        d.deserialize_any(PerProfileVisitor(PhantomData))
    }
}

impl<T: JsonSchema> JsonSchema for PerProfile<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("PerProfile_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let value = generator.subschema_for::<T>();
        let mut properties = serde_json::Map::new();
        properties.insert("default".into(), value.clone().into());
        for p in ProfileId::ALL {
            properties.insert(p.as_str().into(), value.clone().into());
        }
        json_schema!({
            "description": "The same value for every profile, or a table keyed by `default` and profile names.",
            "anyOf": [
                value,
                {
                    "type": "object",
                    "properties": properties,
                    "additionalProperties": false,
                    "minProperties": 1,
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(toml_value: &str) -> Result<PerProfile<Outcome>, String> {
        let table: toml::Table =
            toml::from_str(&format!("v = {toml_value}")).map_err(|e| e.to_string())?;
        table["v"]
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())
    }

    #[test]
    fn all_per_profile_and_default_with_overrides() {
        let all = parse(r#""reject""#).unwrap();
        assert!(ProfileId::ALL
            .iter()
            .all(|p| all.get(*p) == Some(Outcome::Reject)));
        assert!(all.is_uniform());

        let each =
            parse(r#"{ spec = "reject", chromium = "accept", firefox = "acceptable", webkit = "reject" }"#)
                .unwrap();
        assert_eq!(each.get(ProfileId::Chromium), Some(Outcome::Accept));
        assert_eq!(each.missing().count(), 0);
        assert!(!each.is_uniform());

        let some = parse(r#"{ default = "reject", chromium = "accept" }"#).unwrap();
        assert_eq!(some.get(ProfileId::Firefox), Some(Outcome::Reject));
        assert_eq!(some.get(ProfileId::Chromium), Some(Outcome::Accept));
    }

    #[test]
    fn unknown_or_missing_profiles_are_seen() {
        let err = parse(r#"{ spec = "reject", safari = "accept" }"#).unwrap_err();
        assert!(err.contains("unknown profile `safari`"), "{err}");
        let partial = parse(r#"{ spec = "reject" }"#).unwrap();
        assert_eq!(
            partial.missing().collect::<Vec<_>>(),
            [ProfileId::Chromium, ProfileId::Firefox, ProfileId::Webkit]
        );
        assert!(parse("{}").is_err());
    }

    #[test]
    fn serialises_back_to_the_same_shape() {
        for text in [
            r#""reject""#,
            r#"{ spec = "reject", chromium = "accept", firefox = "reject" }"#,
            r#"{ default = "acceptable", firefox = "reject" }"#,
        ] {
            let value = parse(text).unwrap();
            let json = serde_json::to_string(&value).unwrap();
            let again: PerProfile<Outcome> = serde_json::from_str(&json).unwrap();
            assert_eq!(again, value, "{text} -> {json}");
        }
    }
}
