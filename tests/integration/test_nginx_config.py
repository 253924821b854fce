"""deploy/nginx/storefront.conf.example is a configuration Debian's nginx accepts (`nginx -t`), once the
certificate paths point at real files."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "deploy" / "nginx" / "storefront.conf.example"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def test_the_nginx_example_passes_nginx_t(tmp_path: Path) -> None:
    assert NGINX is not None and shutil.which("openssl"), "nginx or openssl missing: `make test` installs them"
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=shop.example.com",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    site = EXAMPLE.read_text()
    site = site.replace("/etc/ssl/certs/shop.example.com.fullchain.pem", str(cert))
    site = site.replace("/etc/ssl/private/shop.example.com.key.pem", str(key))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\n"
        f"error_log {tmp_path / 'error.log'};\n"
        "events {}\n"
        "http {\n"
        f"    access_log {tmp_path / 'access.log'};\n"
        f"    include {tmp_path / 'site.conf'};\n"
        "}\n"
    )
    checked = subprocess.run(
        [str(NGINX), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
