"""Secrets scan for `make lint` (checklist SUP-04): fail on any secret not in the reviewed baseline.

Scans every file git tracks with detect-secrets, using the plugins and filters recorded in
`.secrets.baseline`, and compares by (file, secret hash, type), not by line number, so edits that
only move a reviewed line do not fail the lint. It never rewrites the baseline (the upstream
`detect-secrets-hook` does, and exits 3, whenever a line moves).

    python scripts/secrets_scan.py            # exit 1 and list each new finding
    python scripts/secrets_scan.py --update   # rewrite the baseline after a review

Every baseline entry carries `"is_secret": false` after review; an entry without it fails too,
so a finding cannot be waved through by regenerating the baseline without looking at it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from detect_secrets.core import baseline
from detect_secrets.core.secrets_collection import SecretsCollection

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ".secrets.baseline"


def tracked_files(root: Path) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z"],  # noqa: S607 - fixed arguments; git from PATH
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    return [name for name in out.split("\0") if name and (root / name).is_file()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the baseline (review it!)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the git work tree to scan")
    args = parser.parse_args()
    root: Path = args.root.resolve()

    os.chdir(root)
    data = baseline.load_from_file(BASELINE)
    reviewed = baseline.load(data, BASELINE)
    # Relative names (we are in root): the baseline must not depend on where the clone lives.
    found = SecretsCollection(root="")
    found.scan_files(*tracked_files(root), num_processors=1)

    if args.update:
        verdicts = {secret: secret.is_secret for _, secret in reviewed}
        for _, secret in found:
            secret.is_secret = verdicts.get(secret)
        baseline.save_to_file(found, BASELINE)
        print(f'{BASELINE} rewritten: mark each entry reviewed with "is_secret": false.')
        return 0

    new = found - reviewed
    unreviewed = [
        (name, secret)
        for name, secret in reviewed
        if secret.is_secret is not False and name in found.files and secret in found[name]
    ]
    problems = [*((n, s, "new") for n, s in new), *((n, s, "unreviewed") for n, s in unreviewed)]
    for name, secret, why in problems:
        print(f"{name}:{secret.line_number}: {secret.type} ({why})")
    if problems:
        print(
            f"secrets scan: {len(problems)} finding(s). Remove the secret, or if it is not one, "
            f"run `python scripts/secrets_scan.py --update` and mark it is_secret: false.",
            file=sys.stderr,
        )
        return 1
    print(f"secrets scan: {len(found.files)} file(s) with reviewed findings only; nothing new.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
