"""The edge rules of deploy/varnish/default.vcl that the storefront cannot easily provoke, checked with Varnish's
own ``varnishtest``: a scripted origin answers exactly what each case needs (short windows, STALE answers,
personal responses), and the real VCL runs unchanged but for its backend address (and no health probe, so
the origin only sees the requests the case expects).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.redis import free_port
from tests.support.varnish import VCL, varnish_missing

VARNISHTEST = shutil.which("varnishtest") or "/usr/bin/varnishtest"
pytestmark = pytest.mark.skipif(
    varnish_missing() is not None or not Path(VARNISHTEST).exists(),
    reason=varnish_missing() or "varnishtest is missing (Debian package varnish)",
)
CC = "Cache-Control: public, max-age=0, s-maxage={fresh}, stale-while-revalidate={swr}, stale-if-error=600"


def run_case(tmp_path: Path, name: str, origin: str, client: str, then: str = "") -> None:
    """Run ``client`` against the VCL in front of the scripted ``origin``; ``then`` is more vtc to run after."""
    port = free_port()
    vcl = VCL.read_text().replace('.port = "8000";', f'.port = "{port}";')
    vcl = re.sub(r"\.probe = \{.*?\n    \}\n", "", vcl, flags=re.S)
    (tmp_path / "edge.vcl").write_text(vcl)
    script = tmp_path / f"{name}.vtc"
    script.write_text(
        f'varnishtest "{name}"\n'
        f"server s1 -listen 127.0.0.1:{port} {{\n{origin}\n}} -start\n"
        f'varnish v1 -arg "-j none -p http_gzip_support=off" -vcl {{ include "{tmp_path / "edge.vcl"}"; }} -start\n'
        f"client c1 {{\n{client}\n}} -run\n"
        f"{then}\n"
        "server s1 -wait\n"
    )
    done = subprocess.run([VARNISHTEST, "-t", "60", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]


def test_within_stale_while_revalidate_the_old_page_is_served_and_refreshed_behind(tmp_path: Path) -> None:
    origin = f"""
        rxreq
        txresp -hdr "{CC.format(fresh=1, swr=100)}" -body "old"
        rxreq
        txresp -hdr "{CC.format(fresh=100, swr=100)}" -body "new"
    """
    client = """
        txreq -url "/p.html"
        rxresp
        expect resp.http.X-Edge == "MISS"
        delay 1.5
        txreq -url "/p.html"
        rxresp
        expect resp.body == "old"
        expect resp.http.X-Edge == "STALE"
        delay 1.0
        txreq -url "/p.html"
        rxresp
        expect resp.body == "new"
        expect resp.http.X-Edge == "HIT"
    """
    run_case(tmp_path, "swr", origin, client)


def test_beyond_stale_while_revalidate_a_healthy_origin_renders_again(tmp_path: Path) -> None:
    origin = f"""
        rxreq
        txresp -hdr "{CC.format(fresh=1, swr=1)}" -body "old"
        rxreq
        txresp -hdr "{CC.format(fresh=100, swr=100)}" -body "new"
    """
    client = """
        txreq -url "/p.html"
        rxresp
        delay 2.5
        txreq -url "/p.html"
        rxresp
        expect resp.body == "new"
        expect resp.http.X-Edge == "MISS"
    """
    run_case(tmp_path, "beyond-swr", origin, client)


def test_a_stale_answer_from_the_storefront_is_not_kept_for_a_whole_ttl(tmp_path: Path) -> None:
    origin = f"""
        rxreq
        txresp -hdr "{CC.format(fresh=300, swr=100)}" -hdr "X-Cache: STALE" -body "old"
        rxreq
        txresp -hdr "{CC.format(fresh=300, swr=100)}" -hdr "X-Cache: HIT" -body "new"
    """
    client = """
        txreq -url "/p.html"
        rxresp
        delay 1.5
        txreq -url "/p.html"
        rxresp
        expect resp.body == "old"
        expect resp.http.X-Edge == "STALE"
        delay 1.0
        txreq -url "/p.html"
        rxresp
        expect resp.body == "new"
        expect resp.http.X-Edge == "HIT"
    """
    run_case(tmp_path, "origin-stale", origin, client)


def test_personal_or_unmarked_responses_are_never_stored(tmp_path: Path) -> None:
    origin = f"""
        rxreq
        txresp -hdr "Cache-Control: private, no-store" -body "a"
        rxreq
        txresp -hdr "Cache-Control: private, no-store" -body "b"
        rxreq
        txresp -hdr "{CC.format(fresh=300, swr=100)}" -hdr "Set-Cookie: sessionid=x" -body "c"
        rxreq
        txresp -hdr "{CC.format(fresh=300, swr=100)}" -hdr "Set-Cookie: sessionid=y" -body "d"
        rxreq
        txresp -body "e"
        rxreq
        txresp -body "f"
    """
    client = """
        txreq -url "/private.html"
        rxresp
        txreq -url "/private.html"
        rxresp
        expect resp.body == "b"
        txreq -url "/cookie.html"
        rxresp
        txreq -url "/cookie.html"
        rxresp
        expect resp.body == "d"
        txreq -url "/unmarked.html"
        rxresp
        txreq -url "/unmarked.html"
        rxresp
        expect resp.body == "f"
    """
    run_case(tmp_path, "personal", origin, client)


def test_the_origin_sees_only_the_currency_cookie_and_no_tracking_parameters(tmp_path: Path) -> None:
    origin = f"""
        rxreq
        expect req.url == "/c.html?a=1&p=2"
        expect req.http.Cookie == "currency=EUR"
        txresp -hdr "{CC.format(fresh=300, swr=100)}" -body "eur"
        rxreq
        expect req.url == "/c.html"
        expect req.http.Cookie == <undef>
        txresp -hdr "{CC.format(fresh=300, swr=100)}" -body "default"
        rxreq
        expect req.url == "/cart/"
        expect req.http.Cookie == "sessionid=abc; currency=EUR"
        txresp -hdr "Cache-Control: private, no-store" -body "cart"
    """
    client = """
        txreq -url "/c.html?utm_source=x&p=2&gclid=1&a=1" -hdr "Cookie: sessionid=abc; currency=EUR"
        rxresp
        txreq -url "/c.html?p=2&a=1&UTM_Medium=y" -hdr "Cookie: currency=EUR; _ga=1"
        rxresp
        expect resp.http.X-Edge == "HIT"
        txreq -url "/c.html?ref=news" -hdr "Cookie: sessionid=abc"
        rxresp
        expect resp.body == "default"
        txreq -url "/cart/" -hdr "Cookie: sessionid=abc; currency=EUR"
        rxresp
        expect resp.http.X-Edge == "PASS"
    """
    run_case(tmp_path, "keys", origin, client)


def test_a_client_cannot_force_a_refetch_or_purge(tmp_path: Path) -> None:
    origin = f"""
        rxreq
        txresp -hdr "{CC.format(fresh=300, swr=100)}" -body "one"
    """
    client = """
        txreq -url "/p.html"
        rxresp
        txreq -url "/p.html" -hdr "X-Edge-Refetch: 1"
        rxresp
        expect resp.http.X-Edge == "HIT"
        txreq -req PURGE -url "/" -hdr "xkey-purge: all" -hdr "X-Forwarded-For: 198.51.100.7"
        rxresp
        expect resp.status == 403
        txreq -url "/p.html"
        rxresp
        expect resp.http.X-Edge == "HIT"
        expect resp.body == "one"
    """
    run_case(tmp_path, "refetch", origin, client)


def test_stale_if_error_while_the_storefront_is_down(tmp_path: Path) -> None:
    origin = f"""
        rxreq
        txresp -hdr "{CC.format(fresh=1, swr=1)}" -body "old"
    """
    client = """
        txreq -url "/p.html"
        rxresp
        expect resp.body == "old"
    """
    # Past stale-while-revalidate, only a storefront the probe calls sick (set by hand here) gets the old page.
    then = """
        delay 2.5
        varnish v1 -cliok "backend.set_health storefront sick"
        client c2 {
            txreq -url "/p.html"
            rxresp
            expect resp.status == 200
            expect resp.body == "old"
            expect resp.http.X-Edge == "STALE-IF-ERROR"
        } -run
    """
    run_case(tmp_path, "sie", origin, client, then)


def test_a_failed_background_refresh_keeps_the_stale_copy(tmp_path: Path) -> None:
    origin = f"""
        rxreq
        txresp -hdr "{CC.format(fresh=1, swr=100)}" -body "old"
        close
        accept
        rxreq
        txresp -status 503 -hdr "Cache-Control: private, no-store" -body "down"
        close
        accept
        rxreq
        txresp -status 503 -hdr "Cache-Control: private, no-store" -body "down"
    """
    client = """
        txreq -url "/p.html"
        rxresp
        delay 1.5
        txreq -url "/p.html"
        rxresp
        expect resp.body == "old"
        delay 1.0
        txreq -url "/p.html"
        rxresp
        expect resp.status == 200
        expect resp.body == "old"
        expect resp.http.X-Edge == "STALE"
    """
    run_case(tmp_path, "abandon", origin, client)
