"""Secret scanning (scripts/secret-scan.py, run by `make test`): the repository is clean against its audited
baseline, and a credential planted in a new file is caught — by type and place, never echoed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCAN = REPO / "scripts" / "secret-scan.py"
# Assembled at run time so this file itself holds no AWS-key-shaped literal for the repository scan to find.
FAKE_AWS_KEY = "AKIA" + "Z7Q4" + "VXNM" + "3KPL" + "8WRT"


def scan(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCAN), *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_repository_is_clean_against_its_baseline() -> None:
    result = scan()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no new secrets" in result.stdout


def test_every_baseline_entry_was_audited_as_a_false_positive() -> None:
    baseline = json.loads((REPO / ".secrets.baseline").read_text())
    entries = [entry for found in baseline["results"].values() for entry in found]
    assert entries, "the baseline documents the known fixtures (demo passwords etc.)"
    assert all(entry.get("is_secret") is False for entry in entries)


def _workspace(tmp_path: Path) -> Path:
    shutil.copy(REPO / ".secrets.baseline", tmp_path / ".secrets.baseline")
    (tmp_path / "tests").mkdir()
    return tmp_path


def test_planted_aws_key_is_reported_without_echoing_it(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    planted = root / "tests" / "settings_local.py"
    planted.write_text(f'"""Looks innocent."""\n\nAWS_ACCESS_KEY_ID = "{FAKE_AWS_KEY}"\n')
    harmless = root / "notes.md"
    harmless.write_text("Nothing to see here.\n")
    result = scan("--root", str(root), "tests/settings_local.py", "notes.md")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "tests/settings_local.py:3: AWS Access Key" in result.stdout
    assert "notes.md" not in result.stdout
    assert FAKE_AWS_KEY not in result.stdout + result.stderr


def test_planted_private_key_and_url_password_are_reported(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    (root / "deploy.env").write_text(
        "DATABASE_URL=postgres://shop:" + "k9Vq2LrT7xWm" + "@db.internal:5432/shop\n"
        "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n"
    )
    result = scan("--root", str(root), "deploy.env")
    assert result.returncode == 1
    assert "deploy.env:1: Basic Auth Credentials" in result.stdout
    assert "deploy.env:2: Private Key" in result.stdout


def test_an_unaudited_baseline_entry_fails_the_scan(tmp_path: Path) -> None:
    """Regenerating the baseline over a real credential must not make the scan pass."""
    root = _workspace(tmp_path)
    baseline = json.loads((root / ".secrets.baseline").read_text())
    first = next(iter(baseline["results"].values()))[0]
    del first["is_secret"]
    (root / ".secrets.baseline").write_text(json.dumps(baseline))
    (root / "empty.txt").write_text("\n")
    result = scan("--root", str(root), "empty.txt")
    assert result.returncode == 2
    assert "not audited" in result.stdout
