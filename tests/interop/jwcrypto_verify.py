"""Verifies a skillspass vc+jwt with PyPI jwcrypto. The key comes from the issuer's did:key, decoded here with the
base58 package (not by skillspass); typ must be vc+jwt, iss must equal issuer.id, kid must belong to the issuer.
Usage: python jwcrypto_verify.py < token  -> prints a JSON verdict, exit 0 / 1."""
import base64
import json
import sys

import base58
from jwcrypto import jwk, jws


def jwk_from_did_key(did):
    value = did.removeprefix("did:key:")
    if not value.startswith("z"):
        raise ValueError("did:key must be base58btc")
    raw = base58.b58decode(value[1:])
    if raw[:2] != b"\xed\x01" or len(raw) != 34:
        raise ValueError("not an Ed25519 did:key")
    x = base64.urlsafe_b64encode(raw[2:]).rstrip(b"=").decode()
    return jwk.JWK(kty="OKP", crv="Ed25519", x=x)


def main():
    token = sys.stdin.read().strip()
    try:
        signed = jws.JWS()
        signed.deserialize(token)
        header = signed.jose_header
        did = header["kid"].split("#")[0]
        signed.allowed_algs = ["EdDSA"]
        signed.verify(jwk_from_did_key(did))
        claims = json.loads(signed.payload)
        issuer = claims["issuer"] if isinstance(claims["issuer"], str) else claims["issuer"]["id"]
        if header.get("typ") != "vc+jwt":
            raise ValueError("typ is not vc+jwt")
        if claims.get("iss") != issuer or did != issuer:
            raise ValueError("issuer mismatch")
        print(json.dumps({"verified": True, "issuer": issuer}))
    except Exception as error:  # any failure is a refusal
        print(json.dumps({"verified": False, "error": type(error).__name__}))
        sys.exit(1)


main()
