#!/usr/bin/env python3
"""Writes the two hostile inputs of issue 14, item 8, into DIR (default /tmp/credo-hostile):

- many-credentials.jsonl: one record (about 1.3 MB) holding CREDENTIALS (default 80,000)
  credentials that are not in the catalogue, each with its own title, for `credo eval` and
  `credo audit` with policies/acme-cyber.credo;
- many-roles.credo: a policy (about 2 MB) of ROLES (default 2,000) roles of 12 required skills
  each, with a decide block whose rules name skills with `met(…)` and test attributes, for
  `credo check`.

    scripts/hostile-inputs.py [DIR] [CREDENTIALS] [ROLES]

scripts/bench-hostile.sh times credo on them.
"""
import json
import os
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/credo-hostile"
credentials = int(sys.argv[2]) if len(sys.argv) > 2 else 80_000
roles = int(sys.argv[3]) if len(sys.argv) > 3 else 2_000
os.makedirs(out, exist_ok=True)

record = {
    "id": "hostile",
    "applied": ["soc_analyst"],
    "credentials": [{"id": f"u{i}"} for i in range(credentials)],
}
with open(os.path.join(out, "many-credentials.jsonl"), "w") as f:
    f.write(json.dumps(record, separators=(",", ":")) + "\n")

SKILLS = 12
lines = [
    'policy "Hostile" {\n  version "1"\n  effective 2026-01-01\n  owner "o"\n}\n',
    "attribute enrolled bool\nattribute credits number\nattribute track string\n",
]
lines += [f'skill s{k} "Skill {k}"\n' for k in range(SKILLS)]
for r in range(roles):
    a, b, c = r % SKILLS, (r + 5) % SKILLS, (r + 7) % SKILLS
    role = [f"role r{r} {{\n  title \"Role {r}\"\n"]
    role += [f"  require s{k}\n" for k in range(SKILLS)]
    role.append(
        "  decide {\n"
        f"    advance when required_missing == 0 and met(s{a}) and candidate.enrolled == true\n"
        f"    advance when required_met >= 11 and met(s{b}) and candidate.credits >= 30\n"
        f"    review  when met(s{a}) and met(s{b}) and met(s{c}) and candidate.track == \"a\"\n"
        f"    review  when required_met >= 8 and (met(s{c}) or candidate.credits >= 60)\n"
        f"    review  when coverage >= 50% and candidate.track == \"b\"\n"
        f"    decline when required_met <= 2 and not met(s{b})\n"
        f"    review  when required_missing <= 4 and candidate.enrolled == false\n"
        "    decline otherwise\n"
        "  }\n}\n"
    )
    lines.append("".join(role))
with open(os.path.join(out, "many-roles.credo"), "w") as f:
    f.write("".join(lines))
