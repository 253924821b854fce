"""Merchandiser preview: fresh renders that never touch the shared cache, the inspector, links, audit."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from storefront.models import InspectorAudit, PreviewLink
from storefront.pagecache import preview
from storefront.pagecache.store import get_store, reset_store
from storefront.preview_views import mint_link
from tests.unit.pagecache.views import Behaviour

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _routes(settings):
    settings.ROOT_URLCONF = "tests.unit.pagecache.views"
    settings.PAGECACHE_WINDOWS = {"product": ["300", "3600", "86400"]}
    settings.REDIS_URL = ""
    reset_store()
    get_store().clear()
    Behaviour.reset()
    yield
    get_store().clear()
    reset_store()


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(User.objects.create_user("ana", password="x", is_staff=True))
    return client


def test_preview_needs_staff_or_a_link() -> None:
    response = Client().get("/_preview/start?next=/p/shirt/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_staff_preview_renders_fresh_and_never_touches_the_shared_copy(staff: Client) -> None:
    public = Client().get("/p/shirt/")  # the public copy: render 1
    assert staff.get("/_preview/start?next=/p/shirt/")["Location"] == "/p/shirt/"
    first = staff.get("/p/shirt/")
    second = staff.get("/p/shirt/")
    html = second.content.decode()
    assert b"render 2" in first.content and "render 3" in html
    assert first["Cache-Control"] == "private, no-store"
    assert first["X-Robots-Tag"].startswith("noindex")
    assert first["X-Cache"] == "BYPASS"
    assert "Page inspector" in html and "state-hit" in html
    assert "cat_p_shirt" in html and "ProductPage" in html
    assert "fresh 300 s" in html
    again = Client().get("/p/shirt/")
    assert again["X-Cache"] == "HIT" and again.content == public.content


def test_a_preview_of_an_uncached_page_says_so_and_stores_nothing(staff: Client) -> None:
    staff.get("/_preview/start?next=/")
    html = staff.get("/p/new-one/").content.decode()
    assert ">none<" in html
    assert Client().get("/p/new-one/")["X-Cache"] == "MISS"


def test_preview_link_from_the_command_works_until_it_expires() -> None:
    out = StringIO()
    call_command("preview_link", "/p/shirt/", "--hours", "1", "--note", "campaign", stdout=out, stderr=StringIO())
    url = out.getvalue().strip().removeprefix("http://127.0.0.1:8000")
    visitor = Client()
    assert visitor.get(url)["Location"] == "/p/shirt/"
    assert "link #" in visitor.get("/p/shirt/").content.decode()
    PreviewLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(url).status_code == 403


def test_tampered_link_and_cookie_are_refused() -> None:
    _, url = mint_link("/p/shirt/", hours=1)
    assert Client().get(url.replace("token=", "token=x")).status_code == 403
    forged = Client()
    forged.cookies[preview.COOKIE] = "not-a-signed-value"
    assert forged.get("/p/shirt/")["X-Cache"] == "MISS"


def test_expired_preview_cookie_is_ignored() -> None:
    visitor = Client()
    visitor.cookies[preview.COOKIE] = preview.mint("ana", -5)
    assert visitor.get("/p/shirt/")["X-Cache"] == "MISS"


def test_refresh_button_updates_the_public_copy_and_is_audited(staff: Client) -> None:
    Client().get("/p/shirt/")
    staff.get("/_preview/start?next=/")
    response = staff.post("/_preview/refresh", {"path": "/p/shirt/"}, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 302
    public = Client().get("/p/shirt/")
    assert public["X-Cache"] == "HIT" and b"render 2" in public.content
    audit = InspectorAudit.objects.get()
    assert (audit.who, audit.action, audit.path, audit.entries) == ("ana", "refresh", "/p/shirt/", 1)


def test_purge_button_marks_tags_stale_and_is_audited(staff: Client) -> None:
    Client().get("/p/shirt/")
    staff.get("/_preview/start?next=/")
    staff.post(
        "/_preview/purge", {"path": "/p/shirt/", "tag": ["cat_p_shirt"]}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert Client().get("/p/shirt/")["X-Cache"] == "STALE"
    audit = InspectorAudit.objects.get()
    assert (audit.action, audit.tags, audit.entries) == ("purge", "cat_p_shirt", 1)


def test_inspector_buttons_need_a_preview(staff: Client) -> None:
    anonymous = Client()
    headers = {"Sec-Fetch-Site": "same-origin"}
    assert anonymous.post("/_preview/refresh", {"path": "/p/shirt/"}, headers=headers).status_code == 403
    assert anonymous.post("/_preview/purge", {"tag": ["all"]}, headers=headers).status_code == 403
    assert not InspectorAudit.objects.exists()


def test_inspector_buttons_refuse_cross_site_posts(staff: Client) -> None:
    staff.get("/_preview/start?next=/")
    response = staff.post("/_preview/purge", {"tag": ["all"]}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


def test_preview_next_cannot_leave_the_site(staff: Client) -> None:
    assert staff.get("/_preview/start?next=//evil.example/")["Location"] == "/"
    assert staff.get("/_preview/start?next=https://evil.example/")["Location"] == "/"


def test_staff_mint_links_in_the_admin() -> None:
    admin = Client()
    admin.force_login(User.objects.create_superuser("boss", "boss@example.com", "x"))
    added = admin.post(
        "/admin/storefront/previewlink/add/",
        {
            "path": "/p/shirt/",
            "note": "spring",
            "expires_at_0": (timezone.now() + timedelta(hours=2)).strftime("%Y-%m-%d"),
            "expires_at_1": (timezone.now() + timedelta(hours=2)).strftime("%H:%M:%S"),
        },
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert added.status_code == 302, added.content[:500]
    link = PreviewLink.objects.get()
    listing = admin.get("/admin/storefront/previewlink/").content.decode()
    assert "/_preview/start?token=" in listing
    response = admin.post(
        "/admin/storefront/previewlink/",
        {"action": "mint_fresh_links", "_selected_action": [link.pk]},
        headers={"Sec-Fetch-Site": "same-origin"},
        follow=True,
    )
    assert PreviewLink.objects.count() == 2
    assert "New link for /p/shirt/" in response.content.decode()
