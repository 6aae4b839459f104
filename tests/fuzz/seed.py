#!/usr/bin/env python3
"""Builds the fuzz corpora in tests/fuzz/corpus/<target> (not committed) from the published vectors in
../shared/vectors (read in place: they are data, not ours to copy into the repository) and from artifacts the
skillspass binary makes here and now (a vc+jwt, an SD-JWT VC, a wallet export, a trust list).

Usage: tests/fuzz/seed.py [path/to/skillspass] (default: target/debug/skillspass, built by `cargo build`).
"""
import base64, glob, gzip, hashlib, json, os, re, subprocess, sys, tempfile, zlib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VECTORS = os.environ.get("SKILLSPASS_VECTORS", os.path.join(ROOT, "..", "shared", "vectors"))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "skillspass")


def put(target, data, name=None):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    # Named by content, so seeding a kept corpus again adds nothing twice.
    name = name or "seed-" + hashlib.sha256(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as out:
        out.write(data)


def vector(pattern):
    for path in sorted(glob.glob(os.path.join(VECTORS, pattern))):
        with open(path, "rb") as f:
            yield path, f.read()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def payload(token):
    part = token.split("~")[0].split(".")[1]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def checkerboard_png(side):
    """A greyscale PNG of 4-pixel black and white squares (the shapes a QR finder looks for)."""
    rows = b"".join(b"\x00" + bytes(0 if (x // 4 + y // 4) % 2 else 255 for x in range(side)) for y in range(side))
    def chunk(kind, data):
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
    header = side.to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def run(*args, env=None):
    return subprocess.run([BIN, *args], check=True, capture_output=True, text=True, env={**os.environ, **(env or {})})


def ours(work):
    """What our own binary issues and exports."""
    key = os.path.join(work, "issuer.jwk")
    run("keys", "new", "--out", key)
    env = {"SKILLSPASS_PASSPHRASE": "fuzz seed passphrase", "SKILLSPASS_EXPORT_PASSPHRASE": "a fuzzed export passphrase"}
    wallet = os.path.join(work, "wallet")
    did = json.loads(run("wallet", "--wallet", wallet, "init", "--json", env=env).stdout)["did"]
    tokens = {}
    for fmt in ["vc+jwt", "sd-jwt"]:
        out = os.path.join(work, f"{fmt}.txt")
        run("issue", "--key", key, "--subject", did, "--achievement",
            os.path.join(ROOT, "docs", "examples", "micro-credential.json"), "--format", fmt, "--out", out)
        tokens[fmt] = open(out).read().strip()
        run("wallet", "--wallet", wallet, "import", out, env=env)
    export = os.path.join(work, "export.skpx")
    run("wallet", "--wallet", wallet, "export", "--out", export, env=env)
    return tokens, open(export, "rb").read()


def main():
    if not os.path.isdir(VECTORS):
        sys.exit(f"no vectors at {VECTORS}")
    with tempfile.TemporaryDirectory() as work:
        tokens, export = ours(work)
    put("vc_jwt", b"\x00" + tokens["vc+jwt"].encode())
    put("vc_jwt", b"\x01" + payload(tokens["vc+jwt"]))
    for _, data in vector("vc-jose-cose/credential-jose-*.txt"):
        put("vc_jwt", b"\x00" + data.strip())
    for _, data in vector("vc-jose-cose/credential-*.json"):
        put("vc_jwt", b"\x01" + data)
    for _, data in vector("openbadges-3.0/*.json"):
        put("vc_jwt", b"\x01" + data)
    sd = tokens["sd-jwt"]
    put("sd_jwt", b"\x00" + sd.encode())
    put("sd_jwt", b"\x03" + payload(sd) + b"~" + sd.split("~", 1)[1].encode())
    for _, data in vector("vc-jose-cose/*sdjwt*.txt"):
        put("sd_jwt", b"\x02" + data.strip())
    for _, data in vector("openid4vp-sd-jwt-vc-example/01/sd_jwt_*.txt"):
        put("sd_jwt", b"\x02" + data.strip())
    for bits in [1, 2, 4, 8]:
        raw = bytes([0b10110001, 0, 255, 3] * 64)
        put("status_lists", bytes([bits]) + b64url(zlib.compress(raw)).encode())
    put("status_lists", b"\x01u" + b64url(gzip.compress(bytes(16384))).encode())
    for _, data in vector("token-status-list/status_list_encoding*_json.md"):
        for lst in re.findall(rb'"lst":\s*"([A-Za-z0-9_-]+)"', data):
            put("status_lists", b"\x01" + lst)
    for _, data in vector("did-key/*.json"):
        for did in set(re.findall(rb'did:key:z[1-9A-HJ-NP-Za-km-z]+', data)):
            put("did", did)
    for _, data in vector("vc-jose-cose/vm-*.json"):
        put("did", data)
    put("did", "did:web:academy.example%3A8443:people:alice")
    put("did", json.dumps({"@context": ["https://www.w3.org/ns/did/v1"], "id": "did:web:academy.example",
        "verificationMethod": [{"id": "did:web:academy.example#key-1", "type": "JsonWebKey",
            "controller": "did:web:academy.example",
            "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}],
        "assertionMethod": ["did:web:academy.example#key-1"], "authentication": ["#key-1"]}))
    for _, data in vector("openid4vp-dcql/*.json"):
        put("dcql", data)
    for _, data in vector("openid4vci/*"):
        put("openid4vci", data)
    put("openid4vci", "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Facademy.example%2Foffers%2Fabc")
    put("openid4vp", "openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fverifier.example%2Fcb&response_type=vp_token"
        "&response_mode=direct_post&response_uri=https%3A%2F%2Fverifier.example%2Fcb&nonce=n-1&state=s-1"
        "&dcql_query=%7B%22credentials%22%3A%5B%7B%22id%22%3A%22a%22%2C%22format%22%3A%22dc%2Bsd-jwt%22%7D%5D%7D")
    put("openid4vp", '{"skill_1": ["' + sd + '"]}')
    for _, data in vector("openid4vp-dcql/simple.json"):
        put("openid4vp", json.dumps({"client_id": "decentralized_identifier:did:key:z6Mk", "response_type": "vp_token",
            "response_mode": "direct_post", "response_uri": "https://verifier.example/cb", "nonce": "n",
            "dcql_query": json.loads(data)}))
    put("export", export)
    put("trust_list", 'require_trust = true\nrequire = ["eu-micro-credential"]\n\n[[issuer]]\n'
        'did = "did:web:academy.example"\nname = "Example Academy"\naccreditation = "NVAO"\n'
        'identifiers = { kvk = "12345678", brin = "99XX" }\n')
    python = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
    put("skills", b"\x00conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,description\r\n"
        b"KnowledgeSkillCompetence," + python.encode() + b",knowledge,sector-specific,Python,\"Python3\nPy\",Taal\r\n")
    put("skills", b"\x01conceptUri,iscoGroup,preferredLabel,altLabels,description,code\r\n"
        b"http://data.europa.eu/esco/occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2,2511,data-analist,\"a\nb\",x,2511.3\r\n")
    with open(os.path.join(ROOT, "docs/examples/data-analyst-profile.toml"), "rb") as f:
        put("skills", b"\x02" + f.read())
    put("skills", b"\x02" + json.dumps({"title": "x", "essential": [{"skill": python, "minEqf": 5}]}).encode())
    for query in ["python", "data analist", "comp prog", "manage"]:
        put("skills", b"\x03" + query.encode())
    for pattern in ["openbadges-3.0/*.png", "openbadges-3.0/*.svg", "openbadges-2.0/*.png", "openbadges-bakery/*"]:
        for _, data in vector(pattern):
            put("baking", data)
    # Pictures for the web wallet's QR reader: the badge PNGs, and a small checkerboard PNG made here.
    for pattern in ["openbadges-3.0/*.png", "openbadges-2.0/*.png"]:
        for _, data in vector(pattern):
            put("qr_picture", data)
    put("qr_picture", checkerboard_png(48))
    # Encrypted responses: the example of OpenID4VP 1.0 section 8.3 (a fact of the specification), its header with
    # another enc and kid, and a jwks holding its key.
    spec_jwe = ("eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTEyOEdDTSIsImtpZCI6ImFjIiwiZXBrIjp7Imt0eSI6IkVDIiwieCI6"
                "Im5ubVZwbTNWM2piaGNhZlFhUkJrU1ZOSGx3Wkh3dC05ck9wSnVmeVlJdWsiLCJ5IjoicjRmakRxd0p5czlxVU9Q"
                "LV9iM21SNVNaRy0tQ3dPMm1pYzVWU05UWU45ZyIsImNydiI6IlAtMjU2In19..uAYcHRUSSn2X0WPX.yVzlGSYG4"
                "qbg0bq18JcUiDRw56yVnbKR8E7S7YlEtzT00RqE3Pw5oTpUG3hdLN4taHZ9gC1kwak8JOnJgQ.1wR024_3-qtAlx"
                "1oFIUpQQ")
    put("jwe", spec_jwe)
    header = b64url(json.dumps({"alg": "ECDH-ES", "enc": "A256GCM", "kid": "response-fuzz"}).encode())
    put("jwe", header + spec_jwe[spec_jwe.index("."):])
    put("jwe", json.dumps({"keys": [{"kty": "EC", "crv": "P-256", "use": "enc", "alg": "ECDH-ES", "kid": "ac",
                                     "x": "YO4epjifD-KWeq1sL2tNmm36BhXnkJ0He-WqMYrp9Fk",
                                     "y": "Hekpm0zfK7C-YccH5iBjcIXgf6YdUvNUac_0At55Okk"}]}))
    # DPoP: the example proof of RFC 9449 figure 2 (a fact of the specification), and it as an "attestation".
    rfc_proof = ("eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNo"
                 "UklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERW"
                 "clUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0"
                 "dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-F"
                 "dWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg")
    put("dpop", rfc_proof)
    put("dpop", rfc_proof + "~" + rfc_proof)
    for target in sorted(os.listdir(CORPUS)):
        print(f"{target}: {len(os.listdir(os.path.join(CORPUS, target)))} seeds")


main()
