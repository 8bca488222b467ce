//! The reference verifier: what a correct RP does with a server-side request,
//! built on rpscope's core. `rpscope-reference-adapter` puts it behind the
//! protocol, so the whole path (request building, the process, the runner) is
//! tested against the corpus, and adapter authors have a worked example.
//!
//! It checks what WebAuthn L3 §7.1 (registration) and §7.2 (authentication)
//! require of the parts rpscope generates: `type`, `challenge`, the origin policy
//! (origin, `crossOrigin`, `topOrigin`, `rpIdHash`, by `rpscope_core::server`),
//! the UP flag, attested credential data on registration and the assertion
//! signature on authentication.

use crate::protocol::{Ceremony, ServerCaseRequest};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};
use rpscope_core::server::Compile as _;
use rpscope_core::server::{verify as verify_origin, ServerRequest};
use rpscope_core::{PublicSuffixList, Verdict};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Verifies one request: `Ok` to accept, `Err` with the reason to reject.
pub fn verify(request: &ServerCaseRequest, psl: &PublicSuffixList) -> Result<(), String> {
    let response = &request.response["response"];
    let client_data_json = field_bytes(response, "clientDataJSON")?;
    let client: Value = serde_json::from_slice(&client_data_json)
        .map_err(|e| format!("clientDataJSON is not JSON: {e}"))?;
    let want_type = match request.ceremony {
        Ceremony::Registration => "webauthn.create",
        Ceremony::Authentication => "webauthn.get",
    };
    if client["type"] != want_type {
        return Err(format!("clientDataJSON.type is not {want_type}"));
    }
    if client["challenge"] != request.challenge.as_str() {
        return Err("clientDataJSON.challenge is not the expected challenge".into());
    }
    let origin = client["origin"]
        .as_str()
        .ok_or("clientDataJSON.origin is missing")?;
    let cross_origin = match &client["crossOrigin"] {
        Value::Null => None,
        Value::Bool(b) => Some(*b),
        _ => return Err("clientDataJSON.crossOrigin is not a boolean".into()),
    };
    let top_origin = match &client["topOrigin"] {
        Value::Null => None,
        Value::String(s) => Some(s.as_str()),
        _ => return Err("clientDataJSON.topOrigin is not a string".into()),
    };
    let authenticator_data = match request.ceremony {
        Ceremony::Registration => auth_data_of(&field_bytes(response, "attestationObject")?)?,
        Ceremony::Authentication => field_bytes(response, "authenticatorData")?,
    };
    if authenticator_data.len() < 37 {
        return Err("authenticator data is shorter than 37 bytes".into());
    }
    let (rp_id_hash, flags) = (&authenticator_data[..32], authenticator_data[32]);
    let policy = request
        .policy
        .compile(psl)
        .map_err(|e| format!("the policy is not valid: {e}"))?;
    let verdict = verify_origin(
        &policy,
        &ServerRequest {
            origin,
            cross_origin,
            top_origin,
            rp_id_hash: Some(rp_id_hash),
        },
    );
    if verdict.verdict() == Verdict::Reject {
        return Err(format!("{}: {}", verdict.reason(), verdict.explanation()));
    }
    if flags & rpscope_ceremony::flags::UP == 0 {
        return Err("the UP flag is not set".into());
    }
    match request.ceremony {
        Ceremony::Registration if flags & rpscope_ceremony::flags::AT == 0 => {
            Err("registration without attested credential data".into())
        }
        Ceremony::Registration => Ok(()),
        Ceremony::Authentication => {
            let stored = request
                .credential
                .as_ref()
                .ok_or("authentication without a stored credential")?;
            let key = key_of(&decode(&stored.public_key, "credential.public_key")?)?;
            let signature = Signature::from_der(&field_bytes(response, "signature")?)
                .map_err(|e| format!("the signature is not DER ECDSA: {e}"))?;
            let mut signed = authenticator_data.clone();
            signed.extend_from_slice(&Sha256::digest(&client_data_json));
            key.verify(&signed, &signature)
                .map_err(|_| "the assertion signature does not verify".to_string())
        }
    }
}

fn decode(text: &str, what: &str) -> Result<Vec<u8>, String> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| format!("{what} is not base64url: {e}"))
}

fn field_bytes(response: &Value, name: &str) -> Result<Vec<u8>, String> {
    let text = response[name]
        .as_str()
        .ok_or_else(|| format!("response.{name} is missing"))?;
    decode(text, name)
}

/// `authData` from an attestation object (a CBOR map).
fn auth_data_of(attestation_object: &[u8]) -> Result<Vec<u8>, String> {
    use ciborium::value::Value as Cbor;
    let object: Cbor = ciborium::from_reader(attestation_object)
        .map_err(|e| format!("attestationObject is not CBOR: {e}"))?;
    let entries = object.as_map().ok_or("attestationObject is not a map")?;
    entries
        .iter()
        .find(|(k, _)| k.as_text() == Some("authData"))
        .and_then(|(_, v)| v.as_bytes().cloned())
        .ok_or_else(|| "attestationObject has no authData".to_string())
}

/// A P-256 key from a COSE_Key (RFC 9053 §7.1: -2 is x, -3 is y).
fn key_of(cose: &[u8]) -> Result<VerifyingKey, String> {
    use ciborium::value::Value as Cbor;
    let key: Cbor =
        ciborium::from_reader(cose).map_err(|e| format!("the COSE key is not CBOR: {e}"))?;
    let entries = key.as_map().ok_or("the COSE key is not a map")?;
    let coordinate = |label: i64| {
        entries
            .iter()
            .find(|(k, _)| k.as_integer() == Some(label.into()))
            .and_then(|(_, v)| v.as_bytes().cloned())
            .ok_or_else(|| format!("the COSE key has no coordinate {label}"))
    };
    let mut sec1 = vec![0x04];
    sec1.extend(coordinate(-2)?);
    sec1.extend(coordinate(-3)?);
    VerifyingKey::from_sec1_bytes(&sec1).map_err(|e| format!("the COSE key is not P-256: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{control_case, server_request};

    #[test]
    fn the_control_ceremony_verifies_and_a_tampered_one_does_not() {
        let psl = PublicSuffixList::vendored();
        for kind in [Ceremony::Registration, Ceremony::Authentication] {
            let request = server_request(&control_case(), kind).unwrap();
            assert_eq!(verify(&request, &psl), Ok(()));
            let mut wrong_challenge = request.clone();
            wrong_challenge.challenge = "AAAA".into();
            assert!(verify(&wrong_challenge, &psl).is_err());
        }
        let mut request = server_request(&control_case(), Ceremony::Authentication).unwrap();
        let other = server_request(
            &rpscope_corpus::ServerCase {
                id: "protocol::other".into(),
                ..control_case()
            },
            Ceremony::Authentication,
        )
        .unwrap();
        request.credential = other.credential;
        let why = verify(&request, &psl).unwrap_err();
        assert!(why.contains("signature"), "{why}");
    }
}
