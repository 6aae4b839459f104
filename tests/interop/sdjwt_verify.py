"""Verifies an SD-JWT VC made by skillspass with PyPI sd-jwt (the OWF reference implementation, sd-jwt-python).
Input (stdin, JSON): {"sdjwt": "...", "issuerJwk": {...}, "nonce": "...", "aud": "..."} (nonce and aud together
require a Key Binding JWT). Output: {"verified": true, "claims": {...}} or {"verified": false, ...}; exit 0 / 1.

sd-jwt 0.10.4 verifies Key Binding JWTs with its module default algorithm (ES256) and offers no parameter to change
it, so the default is set to EdDSA here; nothing else is adjusted."""
import json
import sys

import sd_jwt.verifier
from jwcrypto.jwk import JWK

sd_jwt.verifier.DEFAULT_SIGNING_ALG = "EdDSA"


def main():
    request = json.loads(sys.stdin.read())
    issuer_key = JWK(**request["issuerJwk"])
    try:
        verifier = sd_jwt.verifier.SDJWTVerifier(
            request["sdjwt"],
            lambda issuer, header: issuer_key,
            expected_aud=request.get("aud"),
            expected_nonce=request.get("nonce"),
        )
        print(json.dumps({"verified": True, "claims": verifier.get_verified_payload()}))
    except Exception as error:  # any failure is a refusal
        print(json.dumps({"verified": False, "error": f"{type(error).__name__}: {error}"}))
        sys.exit(1)


main()
