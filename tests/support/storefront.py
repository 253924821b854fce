"""The storefront as a real gunicorn process, for tests that need HTTP, several processes or a shared Redis.

Rules: every process gets its own free port, the settings come only from the environment (like production),
static files are collected once per test session into a temporary folder, and ``stop`` is clean.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.redis import free_port

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"


def collect_static(target: Path) -> Path:
    if not (target / "staticfiles.json").exists():
        env = {**os.environ, "STATIC_ROOT": str(target), "DJANGO_SETTINGS_MODULE": "storefront.settings"}
        subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=REPO,
            env=env,
            check=True,
        )
    return target


@dataclass
class StorefrontProcess:
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "storefront/gunicorn.conf.py", "storefront.wsgi:application"],
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"storefront exited early:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"storefront did not start:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def start_storefront(
    workdir: Path,
    *,
    magento_url: str,
    redis_url: str = "",
    extra_env: dict[str, str] | None = None,
    port: int | None = None,
) -> StorefrontProcess:
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    static_root = collect_static(workdir.parent / "static-root")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))},
        "DJANGO_SETTINGS_MODULE": "storefront.settings",
        "BIND": f"127.0.0.1:{port}",
        "MAGENTO_BASE_URL": magento_url,
        "REDIS_URL": redis_url,
        "STATIC_ROOT": str(static_root),
        "DATABASE_URL": f"sqlite:///{workdir / 'storefront.sqlite3'}",
        "WEB_CONCURRENCY": "2" if redis_url else "1",
        **(extra_env or {}),
    }
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True
    )
    proc = StorefrontProcess(port=port, env=env, log_path=workdir / f"storefront-{port}.log")
    proc.start()
    return proc
