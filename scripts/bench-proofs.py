#!/usr/bin/env python3
"""Writes the credential-proof benchmark scenario into DIR (used by scripts/bench-proofs.sh).

  python3 scripts/bench-proofs.py DIR RECORDS

DIR/policy.credo pins an Ed25519 did:key and DIR/issuer.jwks.json an RSA and a P-256 key for one
provider; DIR/{jcs,rdfc,jwt-eddsa,jwt-rs256,jwt-es256}.jsonl hold RECORDS records each with one
Open Badges 3.0 credential signed that way (eddsa-jcs-2022 and eddsa-rdfc-2022 Data Integrity
proofs, EdDSA, RS256 and ES256 VC-JWT), every credential distinct (its own learner id); DIR/jcs-repeated.jsonl
holds RECORDS records sharing RECORDS/10 distinct eddsa-jcs-2022 credentials (ten records each).
The rdfc credentials' canonical N-Quads are written here from their fields (their only nodes are
named, so RDFC-1.0 is the sorted quads; the proof's one blank node is _:c14n0); bench-proofs.sh
checks that every proof verifies, so a wrong quad here stops the benchmark. Needs the `cryptography` package
(`pip install cryptography`); the keys are made fresh on each run and thrown away.
"""
import base64, hashlib, json, os, sys
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, padding
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives import hashes, serialization

def b58(data):
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = alphabet[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out

def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

def jcs(v):
    # JCS for these documents: ASCII strings and small integers only, so sorted keys and no
    # spaces are exactly RFC 8785.
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

def main():
    out, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    ed = ed25519.Ed25519PrivateKey.generate()
    pub = ed.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    mk = "z" + b58(bytes([0xED, 0x01]) + pub)
    did = "did:key:" + mk
    rk = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    nums = rk.public_key().public_numbers()
    as_bytes = lambda i: i.to_bytes((i.bit_length() + 7) // 8, "big")
    eck = ec.generate_private_key(ec.SECP256R1())
    point = eck.public_key().public_numbers()
    with open(os.path.join(out, "issuer.jwks.json"), "w") as f:
        json.dump({"keys": [{"kty": "RSA", "kid": "rsa-1", "alg": "RS256",
                             "n": b64(as_bytes(nums.n)), "e": b64(as_bytes(nums.e))},
                            {"kty": "EC", "crv": "P-256", "kid": "ec-1", "alg": "ES256",
                             "x": b64(point.x.to_bytes(32, "big")),
                             "y": b64(point.y.to_bytes(32, "big"))}]}, f)

    def es256(message):
        # JWS wants r || s, 32 bytes each; cryptography gives DER.
        r, s = decode_dss_signature(eck.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    with open(os.path.join(out, "policy.credo"), "w") as f:
        f.write(f'''policy "Proof bench" {{ version "1" effective 2024-01-01 owner "bench" }}
skill net "Network security"
provider issuer {{
  name "Issuer" tier trusted
  issuers ["https://issuer.example"]
  keys ["{did}"]
  jwks "issuer.jwks.json"
}}
credential badge {{ title "Network badge" provider issuer skills [net] achievements ["urn:uuid:ach-1"] }}
role r {{ title "R" require net {{ accept any credential }} }}
guardrails {{ verified_only proofs }}
''')
    ctx = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    def cred(i):
        return {"@context": ctx, "id": f"urn:uuid:cred-{i}",
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "issuer": {"id": "https://issuer.example", "type": ["Profile"], "name": "Issuer"},
                "validFrom": "2024-05-01T00:00:00Z", "name": "Network badge",
                "credentialSubject": {"id": f"did:example:learner-{i}", "type": ["AchievementSubject"],
                                      "achievement": {"id": "urn:uuid:ach-1", "type": ["Achievement"],
                                                      "name": "Network badge"}}}
    def record(i, c):
        return json.dumps({"id": f"c-{i}", "applied": ["r"], "credentials": [c]}) + "\n"
    def signed(i):
        doc = cred(i)
        opts = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
                "created": "2024-05-01T00:00:00Z", "verificationMethod": did,
                "proofPurpose": "assertionMethod", "@context": ctx}
        h = hashlib.sha256(jcs(opts).encode()).digest() + hashlib.sha256(jcs(doc).encode()).digest()
        opts["proofValue"] = "z" + b58(ed.sign(h))
        doc["proof"] = opts
        return doc
    with open(os.path.join(out, "jcs.jsonl"), "w") as f:
        for i in range(n):
            f.write(record(i, signed(i)))
    # The same suite where every credential is held by ten records (one in ten distinct): what
    # the run's proof cache saves.
    distinct = [signed(i) for i in range(max(1, n // 10))]
    with open(os.path.join(out, "jcs-repeated.jsonl"), "w") as f:
        for i in range(n):
            f.write(record(i, distinct[i % len(distinct)]))
    ob = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
    typ = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    cred_ns = "https://www.w3.org/2018/credentials#"
    def nquads(lines):
        return "".join(sorted(set(l + " .\n" for l in lines)))
    def rdfc_doc(d):
        c, s, a = f"<{d['id']}>", f"<{d['credentialSubject']['id']}>", "<urn:uuid:ach-1>"
        return nquads([
            f"{s} {typ} <{ob}AchievementSubject>", f"{s} <{ob}achievement> {a}",
            f"<https://issuer.example> {typ} <{ob}Profile>",
            '<https://issuer.example> <https://schema.org/name> "Issuer"',
            f"{a} {typ} <{ob}Achievement>", f'{a} <https://schema.org/name> "Network badge"',
            f"{c} {typ} <{ob}OpenBadgeCredential>", f"{c} {typ} <{cred_ns}VerifiableCredential>",
            f'{c} <https://schema.org/name> "Network badge"',
            f"{c} <{cred_ns}credentialSubject> {s}", f"{c} <{cred_ns}issuer> <https://issuer.example>",
            f'{c} <{cred_ns}validFrom> "2024-05-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>',
        ])
    rdfc_proof = nquads([
        '_:c14n0 <http://purl.org/dc/terms/created> "2024-05-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>',
        f"_:c14n0 {typ} <https://w3id.org/security#DataIntegrityProof>",
        '_:c14n0 <https://w3id.org/security#cryptosuite> "eddsa-rdfc-2022"^^<https://w3id.org/security#cryptosuiteString>',
        "_:c14n0 <https://w3id.org/security#proofPurpose> <https://w3id.org/security#assertionMethod>",
        f"_:c14n0 <https://w3id.org/security#verificationMethod> <{did}>",
    ])
    with open(os.path.join(out, "rdfc.jsonl"), "w") as f:
        for i in range(n):
            doc = cred(i)
            h = hashlib.sha256(rdfc_proof.encode()).digest() + hashlib.sha256(rdfc_doc(doc).encode()).digest()
            doc["proof"] = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                            "created": "2024-05-01T00:00:00Z", "verificationMethod": did,
                            "proofPurpose": "assertionMethod", "proofValue": "z" + b58(ed.sign(h))}
            f.write(record(i, doc))
    def jwt(alg, kid, payload, sign):
        head = b64(json.dumps({"alg": alg, "kid": kid}).encode())
        body = b64(json.dumps(payload).encode())
        return f"{head}.{body}.{b64(sign(f'{head}.{body}'.encode()))}"
    for name, alg, kid, sign in [
        ("jwt-eddsa", "EdDSA", did, ed.sign),
        ("jwt-rs256", "RS256", "rsa-1", lambda m: rk.sign(m, padding.PKCS1v15(), hashes.SHA256())),
        ("jwt-es256", "ES256", "ec-1", es256),
    ]:
        with open(os.path.join(out, name + ".jsonl"), "w") as f:
            for i in range(n):
                p = cred(i)
                p.update({"iss": "https://issuer.example", "jti": p["id"],
                          "sub": p["credentialSubject"]["id"], "nbf": 1714521600})
                f.write(record(i, {"jwt": jwt(alg, kid, p, sign)}))

main()
