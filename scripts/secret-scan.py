#!/usr/bin/env python3
"""Secret scanning for `make test`: detect-secrets over every tracked file, against `.secrets.baseline`.

Rules:
- A finding that is not in the baseline fails the run (exit 1) and is printed as ``path:line: type``; the
  secret itself is never printed.
- Every baseline entry must have been audited as a false positive (``"is_secret": false``): regenerating the
  baseline cannot quietly wave a real credential through (exit 2 names the unaudited entries).
- Read-only: unlike ``detect-secrets-hook`` this never rewrites the baseline when line numbers move (entries
  match by file and hashed value), so `make test` changes no file.
- Which files are skipped (generated or binary) is decided by the baseline's ``exclude`` filter, nowhere else.

Usage: ``scripts/secret-scan.py [--baseline FILE] [--root DIR] [FILE ...]`` (default: ``git ls-files``).
Updating the baseline after auditing a new false positive: docs/operations.md, "Secret scanning".
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from detect_secrets.core import baseline as ds_baseline
from detect_secrets.core.secrets_collection import SecretsCollection

REPO = Path(__file__).resolve().parent.parent


def tracked_files(root: Path) -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    names = [name for name in listed.decode().split("\0") if name]
    return [name for name in names if (root / name).is_file() and not (root / name).is_symlink()]


def unaudited(baseline: dict) -> list[str]:
    return [
        f"{path}:{entry.get('line_number', '?')}: {entry.get('type', '?')}"
        for path, entries in baseline.get("results", {}).items()
        for entry in entries
        if entry.get("is_secret") is not False
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=".secrets.baseline")
    parser.add_argument("--root", default=str(REPO))
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    baseline_path = root / args.baseline
    raw = ds_baseline.load_from_file(str(baseline_path))
    pending = unaudited(raw)
    if pending:
        print("Baseline entries not audited as false positives (run `detect-secrets audit .secrets.baseline`):")
        print("\n".join(f"  {line}" for line in pending))
        return 2
    known = ds_baseline.load(raw, filename=str(baseline_path))  # also applies the baseline's plugins and filters
    files = args.files or tracked_files(root)
    # Baseline entries are keyed by repository-relative path: scan from the root with relative names.
    os.chdir(root)
    found = SecretsCollection()
    for name in files:
        found.scan_file(name)
    new = found - known
    if new:
        print("Possible secrets not in .secrets.baseline (remove them, or audit and add them; see docs):")
        for path, secret in sorted(new, key=lambda item: (item[0], item[1].line_number)):
            print(f"  {path}:{secret.line_number}: {secret.type}")
        return 1
    print(f"secret scan: {len(files)} files, no new secrets ({sum(1 for _ in known)} audited false positives)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
