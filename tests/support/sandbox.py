"""The Magento sandbox as a real process for tests: seeded once, copied per session, gunicorn on a free port.

Rules: the seeded SQLite template is cached under ``<repo>/var/test-cache/`` keyed by a hash of the code that
shapes it (models, migrations, seed), so a session only re-seeds after that code changed; each session works
on its own copy. ``stop`` is clean (SIGTERM, then SIGKILL); ``restart`` comes back on the same port (outage tests).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CACHE_DIR = REPO / "var" / "test-cache"
SEED_INPUTS = ["sandbox/catalog/models.py", "sandbox/catalog/seed.py", "sandbox/catalog/migrations", "sandbox/commerce"]
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed_key() -> str:
    digest = hashlib.sha256()
    for name in SEED_INPUTS:
        root = REPO / name
        files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
        for path in files:
            if path.exists() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _python() -> str:
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _env(db: Path, media: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sandbox.settings",
            "PYTHONPATH": str(REPO),
            "SANDBOX_DB": str(db),
            "SANDBOX_MEDIA_ROOT": str(media),
            "SANDBOX_TOKEN_LIFETIME": "60",
        }
    )
    env.update(extra or {})
    return env


def seeded_template(products: int | None = None) -> Path:
    """Path of a migrated + seeded SQLite file (built once per seed-code version and size)."""
    override = os.environ.get("SANDBOX_TEST_TEMPLATE")
    if override and products is None:
        return Path(override)  # a pre-seeded file, e.g. while another part's migrations are in flux
    size = "" if products is None else f"-{products}"
    template = CACHE_DIR / f"sandbox-{_seed_key()}{size}.sqlite3"
    if template.exists():
        return template
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    building = template.with_suffix(f".{os.getpid()}.building")
    building.unlink(missing_ok=True)
    env = _env(building, CACHE_DIR / "media")
    run = [_python(), "-m", "sandbox"]
    seed = [*run, "seed", "--quiet", *(["--products", str(products)] if products else [])]
    for command in ([*run, "migrate", "--no-input", "-v", "0"], seed):
        done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command[1:])} failed:\n{done.stderr[-4000:]}")
    # Fold the WAL into the main file so one copy is the whole database.
    subprocess.run(
        [
            _python(),
            "-c",
            f"import sqlite3; c=sqlite3.connect({str(building)!r}); "
            "c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.execute('PRAGMA journal_mode=DELETE'); c.close()",
        ],
        check=True,
    )
    building.replace(template)
    return template


@dataclass
class SandboxProcess:
    url: str
    port: int
    workdir: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    log_path: Path = field(default_factory=Path)
    wait_path: str = "/sandbox/health"  # with SANDBOX_TOOLS off, wait on "/graphql" instead

    # --- HTTP helpers ---
    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def counters(self) -> dict[str, int]:
        return self._call("GET", "/sandbox/counters")

    def reset_counters(self) -> None:
        self._call("POST", "/sandbox/counters/reset")

    def fault(self, **spec: Any) -> None:
        self._call("POST", "/sandbox/faults", spec)

    def clear_faults(self) -> None:
        self._call("DELETE", "/sandbox/faults")

    def reset(self) -> None:
        self._call("POST", "/sandbox/reset")

    # --- process control ---
    def start(self) -> None:
        self.log_path = self.workdir / "sandbox.log"
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [_python(), "-m", "sandbox", "serve", "--port", str(self.port)],
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + self.wait_path, timeout=1) as response:
                    if self.wait_path != "/sandbox/health" or json.loads(response.read()).get("ok"):
                        return
            except (urllib.error.URLError, OSError, ValueError):
                time.sleep(0.1)
        output = self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""
        self.stop()
        raise RuntimeError(f"sandbox did not become healthy on {self.url} within {START_TIMEOUT}s:\n{output}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        except ProcessLookupError:
            pass

    def restart(self) -> None:
        self.stop()
        # The port may sit in TIME_WAIT briefly; gunicorn sets SO_REUSEADDR, so a plain retry is enough.
        self.start()


def start_sandbox(
    workdir: Path, *, env: dict[str, str] | None = None, products: int | None = None, wait_path: str = "/sandbox/health"
) -> SandboxProcess:
    """Copy the seeded template into ``workdir`` and start the sandbox on a free port."""
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "sandbox.sqlite3"
    shutil.copyfile(seeded_template(products), db)
    port = free_port()
    process = SandboxProcess(
        url=f"http://127.0.0.1:{port}",
        port=port,
        workdir=workdir,
        env=_env(db, workdir / "media", env),
        wait_path=wait_path,
    )
    process.start()
    return process
