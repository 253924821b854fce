"""Debian's varnishd in front of a test storefront, running the shipped deploy/varnish/default.vcl.

Rules: the VCL is the real file with only the deployment blanks filled in (backend address, the probe's Host);
varnishd runs in the foreground (``-F``) on a free port with its own work folder (``-n``), no jail (``-j none``,
so it can read the test's temporary folder) and no management port; ``stop`` is clean.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.support.redis import free_port

REPO = Path(__file__).resolve().parents[2]
VCL = REPO / "deploy" / "varnish" / "default.vcl"
VARNISHD = "/usr/sbin/varnishd"
XKEY_VMOD = Path("/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so")


def varnish_missing() -> str | None:
    """Why varnishd cannot run here, or None when it can."""
    if not Path(VARNISHD).exists() and shutil.which("varnishd") is None:
        return "varnishd is not installed (`make test` installs Debian's varnish and varnish-modules)"
    if not XKEY_VMOD.exists():
        return "vmod_xkey is not installed (Debian package varnish-modules)"
    return None


def vcl_for(backend_host: str, backend_port: int) -> str:
    """The shipped VCL with the deployment blanks filled in for a test backend."""
    text = VCL.read_text()
    text, hosts = re.subn(r'\.host = "[^"]*";', f'.host = "{backend_host}";', text, count=1)
    text, ports = re.subn(r'\.port = "[^"]*";', f'.port = "{backend_port}";', text, count=1)
    text, probes = re.subn(r'"Host: [^"]*"', f'"Host: {backend_host}"', text, count=1)
    if (hosts, ports, probes) != (1, 1, 1):
        raise RuntimeError("deploy/varnish/default.vcl no longer has one .host, one .port and one probe Host line")
    return text


@dataclass
class VarnishProcess:
    port: int
    workdir: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return (self.workdir / "varnishd.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_varnish(workdir: Path, *, backend_port: int, port: int | None = None) -> VarnishProcess:
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    vcl = workdir / "default.vcl"
    vcl.write_text(vcl_for("127.0.0.1", backend_port))
    binary = VARNISHD if Path(VARNISHD).exists() else str(shutil.which("varnishd"))
    log = (workdir / "varnishd.log").open("ab")
    process = subprocess.Popen(
        [
            binary,
            "-F",
            "-j",
            "none",
            "-n",
            str(workdir / "n"),
            "-a",
            f"127.0.0.1:{port}",
            "-T",
            "none",
            "-f",
            str(vcl),
            "-s",
            "malloc,64m",
            "-p",
            "http_gzip_support=off",
        ],
        stdout=log,
        stderr=log,
    )
    proc = VarnishProcess(port=port, workdir=workdir, process=process)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"varnishd exited early:\n{proc.log()}")
        try:
            with urllib.request.urlopen(f"{proc.url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return proc
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.1)
    proc.stop()
    raise RuntimeError(f"varnishd did not answer /healthz through to the storefront:\n{proc.log()}")
