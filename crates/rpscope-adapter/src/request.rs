//! Turning corpus cases into protocol requests: a real, signed ceremony response
//! per server-side case, built with `rpscope-ceremony`.
//!
//! Everything is deterministic in the case id (key, credential id, challenge), so
//! the same case always sends the same bytes and a reported failure reproduces
//! with `rpscope adapter requests --filter <id>`.

use crate::protocol::{Ceremony, ClientCaseRequest, ServerCaseRequest, StoredCredential};
use rpscope_ceremony::{b64url, flags, Authenticator, AuthenticatorData, ClientData};
use rpscope_core::server::Policy;
use rpscope_corpus::{ClientCase, Outcome, ServerCase};
use sha2::{Digest, Sha256};

/// The user handle every generated assertion carries.
const USER_HANDLE: &[u8] = b"rpscope-user";

/// The request for a server-side case, or why the case cannot be sent as a
/// real ceremony (reported as skipped).
///
/// ```
/// use rpscope_adapter::protocol::Ceremony;
/// use rpscope_adapter::request::server_request;
/// let case = rpscope_adapter::request::control_case();
/// let request = server_request(&case, Ceremony::Authentication).unwrap();
/// assert_eq!(request.response["type"], "public-key");
/// assert!(request.credential.is_some());
/// ```
pub fn server_request(case: &ServerCase, ceremony: Ceremony) -> Result<ServerCaseRequest, String> {
    let rp_id_hash: [u8; 32] = match case.rp_id_hash_bytes()? {
        Some(bytes) => bytes.as_slice().try_into().map_err(|_| {
            format!(
                "the case presents a {}-byte rpIdHash; authenticator data has a 32-byte field, \
                 so no well-formed response carries it (WebAuthn L3 §6.1)",
                bytes.len()
            )
        })?,
        // The case does not test the hash: present the one the RP expects.
        None => Sha256::digest(
            case.policy
                .rp_ids
                .first()
                .map(String::as_bytes)
                .unwrap_or_default(),
        )
        .into(),
    };
    let authenticator = Authenticator::from_seed(case.id.as_bytes());
    let challenge: [u8; 16] = Sha256::new()
        .chain_update(b"rpscope challenge")
        .chain_update(case.id.as_bytes())
        .finalize()[..16]
        .try_into()
        .unwrap_or_default();
    let mut client = match ceremony {
        Ceremony::Registration => ClientData::create(&challenge, &case.origin),
        Ceremony::Authentication => ClientData::get(&challenge, &case.origin),
    };
    client.cross_origin = case.cross_origin;
    client.top_origin.clone_from(&case.top_origin);
    let mut data = AuthenticatorData {
        rp_id_hash,
        flags: flags::UP | flags::UV,
        sign_count: 0,
    };
    let (response, credential) = match ceremony {
        Ceremony::Registration => (authenticator.register(&client, &data).to_json(), None),
        Ceremony::Authentication => {
            data.sign_count = 1;
            let assertion = authenticator.assert(&client, &data, Some(USER_HANDLE));
            let stored = StoredCredential {
                id: b64url(authenticator.credential_id()),
                public_key: b64url(&authenticator.cose_public_key()),
                algorithm: -7,
                sign_count: 0,
            };
            (assertion.to_json(), Some(stored))
        }
    };
    Ok(ServerCaseRequest {
        id: case.id.clone(),
        ceremony,
        policy: case.policy.clone(),
        challenge: b64url(&challenge),
        response,
        credential,
        user_verification_required: false,
    })
}

/// The request for a client-side case.
pub fn client_request(case: &ClientCase) -> ClientCaseRequest {
    ClientCaseRequest {
        id: case.id.clone(),
        origin: case.origin.clone(),
        rp_id: case.rp_id.clone(),
        well_known: case.well_known.clone(),
    }
}

/// The control ceremony sent before any case: a clean response for
/// `https://example.com` under RP ID `example.com`, which every correct verifier
/// accepts. An adapter that rejects it cannot tell origins apart from its own bugs.
pub fn control_case() -> ServerCase {
    ServerCase {
        id: "protocol::control".into(),
        description: "A clean ceremony every verifier must accept.".into(),
        source: vec!["WebAuthn L3 §7.1 and §7.2".into()],
        policy: Policy {
            rp_ids: vec!["example.com".into()],
            origins: vec!["https://example.com".into()],
            ..Policy::default()
        },
        origin: "https://example.com".into(),
        cross_origin: Some(false),
        top_origin: None,
        rp_id_hash_of: None,
        rp_id_hash: None,
        flags: Vec::new(),
        expected: Outcome::Accept,
        reason: None,
        note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn decode(s: &str) -> Vec<u8> {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .unwrap()
    }

    #[test]
    fn client_data_carries_what_the_case_presents() {
        let mut case = control_case();
        case.origin = "https://evil-example.com".into();
        case.cross_origin = Some(true);
        case.top_origin = Some("https://top.example".into());
        let r = server_request(&case, Ceremony::Registration).unwrap();
        let client: serde_json::Value = serde_json::from_slice(&decode(
            r.response["response"]["clientDataJSON"].as_str().unwrap(),
        ))
        .unwrap();
        assert_eq!(client["type"], "webauthn.create");
        assert_eq!(client["origin"], "https://evil-example.com");
        assert_eq!(client["crossOrigin"], true);
        assert_eq!(client["topOrigin"], "https://top.example");
        assert_eq!(client["challenge"], r.challenge);
    }

    #[test]
    fn authenticator_data_carries_the_cases_hash_or_the_first_rp_id() {
        let mut case = control_case();
        let hash_in = |case: &ServerCase| {
            let r = server_request(case, Ceremony::Authentication).unwrap();
            decode(
                r.response["response"]["authenticatorData"]
                    .as_str()
                    .unwrap(),
            )[..32]
                .to_vec()
        };
        assert_eq!(hash_in(&case), Sha256::digest(b"example.com").to_vec());
        case.rp_id_hash_of = Some("other.example".into());
        assert_eq!(hash_in(&case), Sha256::digest(b"other.example").to_vec());
    }

    #[test]
    fn a_hash_of_the_wrong_length_is_not_sent() {
        let mut case = control_case();
        case.rp_id_hash = Some("00".repeat(31));
        let why = server_request(&case, Ceremony::Registration).unwrap_err();
        assert!(why.contains("31-byte"), "{why}");
        case.rp_id_hash = Some("zz".into());
        assert!(server_request(&case, Ceremony::Registration).is_err());
    }

    #[test]
    fn requests_are_deterministic_per_case() {
        let case = control_case();
        let a = server_request(&case, Ceremony::Authentication).unwrap();
        let b = server_request(&case, Ceremony::Authentication).unwrap();
        assert_eq!(a, b);
        let mut other = case.clone();
        other.id = "protocol::other".into();
        let c = server_request(&other, Ceremony::Authentication).unwrap();
        assert_ne!(a.challenge, c.challenge);
        assert_ne!(a.credential, c.credential);
    }
}
