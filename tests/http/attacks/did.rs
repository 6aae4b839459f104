//! DIDs: issuers named by DIDs that must not resolve (a did:web that lies about its host, IPs, traversal,
//! malformed did:key and did:jwk, unknown methods).

use serde_json::json;

use super::{Case, Target, refused};

pub fn cases(t: &Target) -> Vec<Case> {
    let s = &t.signer;
    let subject = t.holder.did.as_str();
    // A credential claiming `did` as issuer, signed by the test key with a `kid` under that DID.
    let as_issuer = |did: &str| {
        let mut header = s.header("vc+jwt");
        header["kid"] = json!(format!("{did}#key-1"));
        let mut claims = s.claims(subject);
        claims["issuer"] = json!(did);
        claims["iss"] = json!(did);
        s.jws(&header.to_string(), &claims.to_string())
    };
    let private_jwk = s.key.to_private_jwk_json();
    let did_jwk = |jwk: &str| format!("did:jwk:{}", super::b64(jwk));
    vec![
        refused(
            "did/web-userinfo-lies-about-the-host",
            as_issuer("did:web:academy.example%3A443@evil.example"),
            "issuer-key",
        ),
        refused("did/web-ipv4-host", as_issuer("did:web:127.0.0.1"), "issuer-key"),
        refused("did/web-ipv6-host", as_issuer("did:web:%5B::1%5D"), "issuer-key"),
        refused("did/web-path-traversal", as_issuer("did:web:academy.example:..:admin"), "issuer-key"),
        refused("did/web-encoded-slash", as_issuer("did:web:academy.example%2Fadmin"), "issuer-key"),
        refused("did/web-empty-host", as_issuer("did:web:"), "issuer-key"),
        refused("did/web-port-not-a-number", as_issuer("did:web:academy.example%3Ahttp"), "issuer-key"),
        refused("did/web-host-with-underscore-label", as_issuer("did:web:aca_demy.example"), "issuer-key"),
        refused("did/web-backslash", as_issuer("did:web:academy.example%5Cevil.example"), "issuer-key"),
        refused("did/web-document-for-another-did", t.fake.did_web_credential(), "issuer-key"),
        refused(
            "did/key-secp256k1-multicodec",
            as_issuer("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"),
            "issuer-key",
        ),
        refused("did/key-not-base58", as_issuer("did:key:z0OIl"), "issuer-key"),
        refused("did/key-not-base58btc-multibase", as_issuer("did:key:m7QEhyVb5w"), "issuer-key"),
        refused("did/key-truncated", as_issuer("did:key:z6Mkha"), "issuer-key"),
        refused("did/jwk-with-the-private-key", as_issuer(&did_jwk(&private_jwk)), "issuer-key"),
        refused("did/jwk-not-json", as_issuer(&did_jwk("not json")), "issuer-key"),
        refused(
            "did/jwk-an-ec-key",
            as_issuer(&did_jwk(
                r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#,
            )),
            "issuer-key",
        ),
        refused("did/unknown-method", as_issuer("did:example:123456"), "issuer-key"),
        refused("did/not-a-did", as_issuer("https://academy.example"), "issuer-key"),
        refused("did/uppercase-scheme", as_issuer("DID:web:academy.example"), "issuer-key"),
    ]
}
