//! Hostile tokens, built byte by byte: a signer whose key the verifier can resolve offline (a `did:key`), so a
//! refusal can only come from what each case breaks, never from an unreachable issuer.

use chrono::Utc;
use serde_json::{Value, json};
use skillspass::core::did::Did;
use skillspass::core::encoding::{b64url, b64url_decode};
use skillspass::core::keys::SigningKey;
use skillspass::core::sd_jwt::disclosure::digest;
use skillspass::core::sd_jwt::issue::Step;

/// The vct of the test credentials (no schema selects it, so only the case's defect can refuse it).
pub const VCT: &str = "https://badges.example/vct/course";

/// A key and its `did:key`.
pub struct Signer {
    /// The private key.
    pub key: SigningKey,
    /// Its DID.
    pub did: Did,
}

impl Signer {
    /// A fresh signer.
    pub fn new() -> Self {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let did = Did::key(&key.verifying_key());
        Self { key, did }
    }

    /// `did:key:…#…`.
    pub fn kid(&self) -> String {
        self.did.default_kid()
    }

    /// The header a well-behaved issuer writes for `typ`.
    pub fn header(&self, typ: &str) -> Value {
        json!({"alg": "EdDSA", "typ": typ, "kid": self.kid()})
    }

    /// A compact JWS over the exact header and payload text given (duplicate members and all).
    pub fn jws(&self, header: &str, payload: &str) -> String {
        jws_with(&self.key, header, payload)
    }

    /// A `vc+jwt` payload a well-behaved issuer writes for `subject`.
    pub fn claims(&self, subject: &str) -> Value {
        let id = format!("urn:uuid:{}", uuid::Uuid::new_v4());
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": id,
            "type": ["VerifiableCredential"],
            "issuer": self.did.as_str(),
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": subject, "skill": "https://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"},
            "iss": self.did.as_str(),
            "iat": Utc::now().timestamp(),
            "jti": id,
        })
    }

    /// A `vc+jwt` for `subject`, after `change` edits its payload.
    pub fn vc(&self, subject: &str, change: impl FnOnce(&mut Value)) -> String {
        let mut claims = self.claims(subject);
        change(&mut claims);
        self.jws(&self.header("vc+jwt").to_string(), &claims.to_string())
    }

    /// A `vc+jwt` with a raw payload text.
    pub fn vc_text(&self, payload: &str) -> String {
        self.jws(&self.header("vc+jwt").to_string(), payload)
    }

    /// An SD-JWT VC bound to `holder` with `grade` disclosable: its issuer JWT re-signed after `change` edits the
    /// payload (the disclosures' digests stay in it), and the disclosures.
    pub fn sd_jwt(&self, holder: &Signer, change: impl FnOnce(&mut Value)) -> SdJwt {
        let claims = json!({"iss": self.did.as_str(), "iat": Utc::now().timestamp(), "vct": VCT,
            "cnf": {"jwk": holder.key.verifying_key().to_jwk().to_value()}, "grade": "A", "course": "Welding"});
        let paths = vec![vec![Step::Key("grade".into())]];
        let issued =
            skillspass::core::sd_jwt_vc::issue(claims, &paths, &self.key, &self.kid(), 0, &mut rand::rngs::OsRng)
                .unwrap();
        let mut payload = payload_of(&issued.jwt);
        change(&mut payload);
        let jwt = self.jws(&self.header("dc+sd-jwt").to_string(), &payload.to_string());
        SdJwt { jwt, disclosures: issued.disclosures.iter().map(|d| d.encoded().to_owned()).collect() }
    }
}

/// An SD-JWT's parts.
pub struct SdJwt {
    /// The issuer-signed JWT.
    pub jwt: String,
    /// The encoded disclosures.
    pub disclosures: Vec<String>,
}

impl SdJwt {
    /// `<jwt>~<d>~…~` with every disclosure.
    pub fn serialize(&self) -> String {
        self.with(&self.disclosures.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// `<jwt>~<d>~…~` with exactly the given disclosures.
    pub fn with(&self, disclosures: &[&str]) -> String {
        let mut out = format!("{}~", self.jwt);
        for disclosure in disclosures {
            out.push_str(disclosure);
            out.push('~');
        }
        out
    }
}

/// A KB-JWT over `presented` by `holder`, after `change` edits the claims (header given as text).
pub fn kb_jwt(holder: &Signer, presented: &str, aud: &str, nonce: &str, change: impl FnOnce(&mut Value)) -> String {
    let mut claims = json!({"iat": Utc::now().timestamp(), "aud": aud, "nonce": nonce, "sd_hash": digest(presented)});
    change(&mut claims);
    holder.jws(r#"{"alg":"EdDSA","typ":"kb+jwt"}"#, &claims.to_string())
}

/// A disclosure `[salt, name, value]` (or any array) encoded as the spec says.
pub fn disclosure(array: &Value) -> String {
    b64url(array.to_string())
}

/// A compact JWS with `key` over exactly these texts.
pub fn jws_with(key: &SigningKey, header: &str, payload: &str) -> String {
    let input = format!("{}.{}", b64url(header), b64url(payload));
    let signature = key.sign(input.as_bytes());
    format!("{input}.{}", b64url(signature))
}

/// The JSON payload of a compact JWS.
pub fn payload_of(jws: &str) -> Value {
    serde_json::from_slice(&b64url_decode(jws.split('.').nth(1).unwrap()).unwrap()).unwrap()
}

/// `change` applied to the payload of a signed token, leaving the signature as it was.
pub fn tamper(jws: &str, change: impl FnOnce(&mut Value)) -> String {
    let parts: Vec<&str> = jws.split('.').collect();
    let mut payload = payload_of(jws);
    change(&mut payload);
    format!("{}.{}.{}", parts[0], b64url(payload.to_string()), parts[2])
}

/// JSON nested `depth` levels deep.
pub fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}
