//! # rpscope-ceremony
//!
//! A software authenticator for testing relying parties: it produces real WebAuthn
//! responses, registration (`none` attestation, an ES256 credential) and
//! authentication assertions, correctly signed, with every field a test may want
//! to get wrong chosen by the caller. In a negative case the only thing wrong is
//! the thing under test.
//!
//! * [`ClientData`]: `clientDataJSON` with chosen type, challenge, origin,
//!   `crossOrigin`, `topOrigin` and extra keys, serialised in the order browsers
//!   use (WebAuthn L3 §5.8.1.1), or as exact bytes.
//! * [`AuthenticatorData`]: `rpIdHash`, flags and signature counter (§6.1).
//! * [`Authenticator`]: a deterministic ES256 credential that registers
//!   ([`Authenticator::register`]) and asserts ([`Authenticator::assert`]).
//!
//! Crypto and CBOR come from maintained crates: `p256` (ECDSA P-256 with SHA-256),
//! `ciborium` (CBOR), `sha2`, `base64`.
//!
//! ```
//! use rpscope_ceremony::{Authenticator, AuthenticatorData, ClientData};
//! let authenticator = Authenticator::from_seed(b"example");
//! let client = ClientData::create(b"challenge-bytes", "https://login.example.com");
//! let data = AuthenticatorData::for_rp_id("example.com");
//! let response = authenticator.register(&client, &data);
//! assert_eq!(response.client_data_json, client.to_bytes());
//! let json = response.to_json();
//! assert_eq!(json["type"], "public-key");
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Authenticator data flags (WebAuthn L3 §6.1).
pub mod flags {
    /// User Present.
    pub const UP: u8 = 0x01;
    /// User Verified.
    pub const UV: u8 = 0x04;
    /// Backup Eligibility.
    pub const BE: u8 = 0x08;
    /// Backup State.
    pub const BS: u8 = 0x10;
    /// Attested credential data included.
    pub const AT: u8 = 0x40;
    /// Extension data included.
    pub const ED: u8 = 0x80;
}

/// Encodes bytes as unpadded base64url, as WebAuthn's JSON forms do.
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `clientDataJSON`, field by field, or as exact bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientData {
    /// `type`: `webauthn.create` or `webauthn.get` (or anything, for negative cases).
    pub type_: String,
    /// The challenge bytes (serialised as base64url).
    pub challenge: Vec<u8>,
    /// `origin`, exactly as given.
    pub origin: String,
    /// `crossOrigin` (`None`: the key is left out).
    pub cross_origin: Option<bool>,
    /// `topOrigin` (`None`: the key is left out).
    pub top_origin: Option<String>,
    /// Further keys, appended in order (browsers may add some).
    pub extra: Vec<(String, Value)>,
    /// When set, these bytes are the `clientDataJSON`, whatever the fields say.
    pub raw: Option<Vec<u8>>,
}

impl ClientData {
    /// `webauthn.create` data with `crossOrigin: false`, as a top-level page sends it.
    pub fn create(challenge: &[u8], origin: &str) -> Self {
        ClientData {
            type_: "webauthn.create".into(),
            challenge: challenge.to_vec(),
            origin: origin.into(),
            cross_origin: Some(false),
            top_origin: None,
            extra: Vec::new(),
            raw: None,
        }
    }

    /// `webauthn.get` data with `crossOrigin: false`.
    pub fn get(challenge: &[u8], origin: &str) -> Self {
        ClientData {
            type_: "webauthn.get".into(),
            ..ClientData::create(challenge, origin)
        }
    }

    /// The serialisation: keys in the order of WebAuthn L3 §5.8.1.1 (type,
    /// challenge, origin, crossOrigin, topOrigin), then the extra keys.
    pub fn to_bytes(&self) -> Vec<u8> {
        if let Some(raw) = &self.raw {
            return raw.clone();
        }
        // Written key by key: a JSON map would not keep this order.
        let mut fields: Vec<(&str, Value)> = vec![
            ("type", Value::String(self.type_.clone())),
            ("challenge", Value::String(b64url(&self.challenge))),
            ("origin", Value::String(self.origin.clone())),
        ];
        if let Some(cross) = self.cross_origin {
            fields.push(("crossOrigin", Value::Bool(cross)));
        }
        if let Some(top) = &self.top_origin {
            fields.push(("topOrigin", Value::String(top.clone())));
        }
        fields.extend(self.extra.iter().map(|(k, v)| (k.as_str(), v.clone())));
        let mut out = String::from("{");
        for (i, (key, value)) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&Value::String((*key).to_owned()).to_string());
            out.push(':');
            out.push_str(&value.to_string());
        }
        out.push('}');
        out.into_bytes()
    }
}

/// The fixed part of authenticator data the caller chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthenticatorData {
    /// `rpIdHash`: normally SHA-256 of the RP ID.
    pub rp_id_hash: [u8; 32],
    /// Flags (see [`flags`]); `AT` is set by registration itself.
    pub flags: u8,
    /// The signature counter.
    pub sign_count: u32,
}

impl AuthenticatorData {
    /// User present and verified, counter 0, `rpIdHash` = SHA-256 of `rp_id`.
    pub fn for_rp_id(rp_id: &str) -> Self {
        AuthenticatorData {
            rp_id_hash: Sha256::digest(rp_id.as_bytes()).into(),
            flags: flags::UP | flags::UV,
            sign_count: 0,
        }
    }

    fn header(&self, extra_flags: u8) -> Vec<u8> {
        let mut out = Vec::with_capacity(37);
        out.extend_from_slice(&self.rp_id_hash);
        out.push(self.flags | extra_flags);
        out.extend_from_slice(&self.sign_count.to_be_bytes());
        out
    }
}

/// A registration response (`AuthenticatorAttestationResponse`).
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    /// The credential id.
    pub credential_id: Vec<u8>,
    /// `clientDataJSON` bytes.
    pub client_data_json: Vec<u8>,
    /// The CBOR attestation object (`fmt: "none"`).
    pub attestation_object: Vec<u8>,
    /// The authenticator data inside it.
    pub authenticator_data: Vec<u8>,
    /// The credential public key as a COSE_Key (CBOR).
    pub cose_public_key: Vec<u8>,
}

impl Registration {
    /// The `PublicKeyCredential` JSON form (WebAuthn L3 §5.1, `toJSON()`).
    pub fn to_json(&self) -> Value {
        credential_json(
            &self.credential_id,
            json!({
                "clientDataJSON": b64url(&self.client_data_json),
                "attestationObject": b64url(&self.attestation_object),
                "transports": ["internal"],
            }),
        )
    }
}

/// The `PublicKeyCredential` envelope shared by both responses.
fn credential_json(credential_id: &[u8], response: Value) -> Value {
    json!({
        "id": b64url(credential_id),
        "rawId": b64url(credential_id),
        "type": "public-key",
        "response": response,
        "authenticatorAttachment": "platform",
        "clientExtensionResults": {},
    })
}

/// An assertion response (`AuthenticatorAssertionResponse`).
#[derive(Debug, Clone, PartialEq)]
pub struct Assertion {
    /// The credential id.
    pub credential_id: Vec<u8>,
    /// `clientDataJSON` bytes.
    pub client_data_json: Vec<u8>,
    /// Authenticator data.
    pub authenticator_data: Vec<u8>,
    /// The DER-encoded ECDSA signature over `authenticatorData || SHA-256(clientDataJSON)`.
    pub signature: Vec<u8>,
    /// The user handle, if any.
    pub user_handle: Option<Vec<u8>>,
}

impl Assertion {
    /// The `PublicKeyCredential` JSON form.
    pub fn to_json(&self) -> Value {
        credential_json(
            &self.credential_id,
            json!({
                "clientDataJSON": b64url(&self.client_data_json),
                "authenticatorData": b64url(&self.authenticator_data),
                "signature": b64url(&self.signature),
                "userHandle": self.user_handle.as_deref().map(b64url),
            }),
        )
    }
}

/// A software authenticator holding one ES256 credential.
#[derive(Debug, Clone)]
pub struct Authenticator {
    key: SigningKey,
    credential_id: Vec<u8>,
    aaguid: [u8; 16],
}

impl Authenticator {
    /// A deterministic credential derived from `seed` (same seed, same key and id),
    /// so generated cases are reproducible.
    pub fn from_seed(seed: &[u8]) -> Self {
        let mut counter = 0u32;
        loop {
            let digest = Sha256::new()
                .chain_update(b"rpscope-ceremony key")
                .chain_update(seed)
                .chain_update(counter.to_be_bytes())
                .finalize();
            // A digest is a valid scalar with overwhelming probability; retry otherwise.
            if let Ok(key) = SigningKey::from_slice(&digest) {
                let credential_id = Sha256::new()
                    .chain_update(b"rpscope-ceremony id")
                    .chain_update(seed)
                    .finalize()
                    .to_vec();
                return Authenticator {
                    key,
                    credential_id,
                    aaguid: [0; 16],
                };
            }
            counter += 1;
        }
    }

    /// The credential id.
    pub fn credential_id(&self) -> &[u8] {
        &self.credential_id
    }

    /// The public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        *self.key.verifying_key()
    }

    /// The public key as a COSE_Key (EC2, P-256, ES256; RFC 9053 §7.1), CBOR-encoded
    /// with the keys in canonical order.
    pub fn cose_public_key(&self) -> Vec<u8> {
        use ciborium::value::{Integer, Value as Cbor};
        let point = self.key.verifying_key().to_encoded_point(false);
        let (x, y) = (
            point.x().map(|x| x.to_vec()).unwrap_or_default(),
            point.y().map(|y| y.to_vec()).unwrap_or_default(),
        );
        let int = |i: i64| Cbor::Integer(Integer::from(i));
        let map = Cbor::Map(vec![
            (int(1), int(2)),  // kty: EC2
            (int(3), int(-7)), // alg: ES256
            (int(-1), int(1)), // crv: P-256
            (int(-2), Cbor::Bytes(x)),
            (int(-3), Cbor::Bytes(y)),
        ]);
        let mut out = Vec::new();
        ciborium::into_writer(&map, &mut out).unwrap_or_default();
        out
    }

    /// A registration: authenticator data with attested credential data, a `none`
    /// attestation object, and the client data as given.
    pub fn register(&self, client: &ClientData, data: &AuthenticatorData) -> Registration {
        use ciborium::value::Value as Cbor;
        let cose = self.cose_public_key();
        let mut auth = data.header(flags::AT);
        auth.extend_from_slice(&self.aaguid);
        auth.extend_from_slice(&(self.credential_id.len() as u16).to_be_bytes());
        auth.extend_from_slice(&self.credential_id);
        auth.extend_from_slice(&cose);
        let object = Cbor::Map(vec![
            (Cbor::Text("fmt".into()), Cbor::Text("none".into())),
            (Cbor::Text("attStmt".into()), Cbor::Map(Vec::new())),
            (Cbor::Text("authData".into()), Cbor::Bytes(auth.clone())),
        ]);
        let mut attestation_object = Vec::new();
        ciborium::into_writer(&object, &mut attestation_object).unwrap_or_default();
        Registration {
            credential_id: self.credential_id.clone(),
            client_data_json: client.to_bytes(),
            attestation_object,
            authenticator_data: auth,
            cose_public_key: cose,
        }
    }

    /// An assertion signed over `authenticatorData || SHA-256(clientDataJSON)`.
    pub fn assert(
        &self,
        client: &ClientData,
        data: &AuthenticatorData,
        user_handle: Option<&[u8]>,
    ) -> Assertion {
        let client_data_json = client.to_bytes();
        let authenticator_data = data.header(0);
        let mut signed = authenticator_data.clone();
        signed.extend_from_slice(&Sha256::digest(&client_data_json));
        let signature: Signature = self.key.sign(&signed);
        Assertion {
            credential_id: self.credential_id.clone(),
            client_data_json,
            authenticator_data,
            signature: signature.to_der().as_bytes().to_vec(),
            user_handle: user_handle.map(<[u8]>::to_vec),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier as _;

    #[test]
    fn client_data_keeps_the_browser_key_order_and_exact_bytes() {
        let mut c = ClientData::create(b"\x01\x02\x03", "https://login.example.com");
        c.top_origin = Some("https://shop.example.net".into());
        c.cross_origin = Some(true);
        c.extra.push((
            "other_keys_can_be_added_here".into(),
            Value::String("do not compare clientDataJSON against a template".into()),
        ));
        let text = String::from_utf8(c.to_bytes()).unwrap();
        assert_eq!(
            text,
            r#"{"type":"webauthn.create","challenge":"AQID","origin":"https://login.example.com","crossOrigin":true,"topOrigin":"https://shop.example.net","other_keys_can_be_added_here":"do not compare clientDataJSON against a template"}"#
        );
        c.raw = Some(b"{\"type\":\"x\"}".to_vec());
        assert_eq!(c.to_bytes(), b"{\"type\":\"x\"}");
    }

    #[test]
    fn registration_parses_back() {
        let a = Authenticator::from_seed(b"seed");
        let r = a.register(
            &ClientData::create(b"c", "https://example.com"),
            &AuthenticatorData::for_rp_id("example.com"),
        );
        let object: ciborium::value::Value =
            ciborium::from_reader(r.attestation_object.as_slice()).unwrap();
        let map = object.as_map().unwrap();
        assert_eq!(map[0].1.as_text(), Some("none"));
        let auth = map[2].1.as_bytes().unwrap();
        assert_eq!(&auth[..32], Sha256::digest(b"example.com").as_slice());
        assert_eq!(auth[32], flags::UP | flags::UV | flags::AT);
        assert_eq!(&auth[33..37], &[0, 0, 0, 0]);
        assert_eq!(
            u16::from_be_bytes([auth[53], auth[54]]) as usize,
            a.credential_id().len()
        );
        let key: ciborium::value::Value =
            ciborium::from_reader(&auth[55 + a.credential_id().len()..]).unwrap();
        assert_eq!(key.as_map().unwrap().len(), 5);
        assert_eq!(
            Authenticator::from_seed(b"seed").credential_id(),
            a.credential_id(),
            "deterministic"
        );
    }

    #[test]
    fn assertions_verify_with_the_public_key_and_only_over_their_own_data() {
        let a = Authenticator::from_seed(b"seed");
        let client = ClientData::get(b"c", "https://example.com");
        let mut data = AuthenticatorData::for_rp_id("example.com");
        data.sign_count = 7;
        let s = a.assert(&client, &data, Some(b"user"));
        let mut signed = s.authenticator_data.clone();
        signed.extend_from_slice(&Sha256::digest(&s.client_data_json));
        let sig = Signature::from_der(&s.signature).unwrap();
        assert!(a.verifying_key().verify(&signed, &sig).is_ok());
        // Changing the origin changes clientDataJSON, so the old signature fails.
        let other = ClientData::get(b"c", "https://evil-example.com").to_bytes();
        let mut tampered = s.authenticator_data.clone();
        tampered.extend_from_slice(&Sha256::digest(&other));
        assert!(a.verifying_key().verify(&tampered, &sig).is_err());
        assert_eq!(&s.authenticator_data[33..37], &7u32.to_be_bytes());
        assert_eq!(s.to_json()["response"]["userHandle"], b64url(b"user"));
    }
}
