"""Verifies a signed Open Badges 2.0 assertion with PyPI jwcrypto, as the OB 2.0 verification steps say: the JWS
(RS256) verifies with the PEM of the CryptographicKey the assertion's verification.creator names, and that key's
owner is the issuer of the badge the assertion names. Documents come from a folder laid out like the 1EdTech
validator's assets (https://example.org/X and http://example.org/X are assets/X).
Usage: python ob2_verify.py < {"token": ..., "assets": DIR}  -> prints a JSON verdict, exit 0 / 1."""
import json
import os
import sys

from jwcrypto import jwk, jws


def load(assets, url):
    for prefix in ("https://example.org/", "https://www.example.org/", "http://example.org/"):
        if url.startswith(prefix):
            with open(os.path.join(assets, url[len(prefix):]), encoding="utf-8") as f:
                return json.load(f)
    raise ValueError(f"no document for {url}")


def main():
    request = json.loads(sys.stdin.read())
    try:
        signed = jws.JWS()
        signed.deserialize(request["token"].strip())
        signed.allowed_algs = ["RS256"]
        unverified = json.loads(signed.objects["payload"])
        badge = load(request["assets"], unverified["badge"])
        issuer = load(request["assets"], badge["issuer"])
        key = load(request["assets"], unverified["verification"]["creator"])
        if key["owner"] != issuer["id"]:
            raise ValueError("the key is not the issuer's")
        signed.verify(jwk.JWK.from_pem(key["publicKeyPem"].encode()))
        print(json.dumps({"verified": True, "issuer": issuer["id"]}))
    except Exception as error:  # any failure is a refusal
        print(json.dumps({"verified": False, "error": f"{type(error).__name__}: {error}"}))
        sys.exit(1)


main()
