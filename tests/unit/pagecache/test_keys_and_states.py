"""Key normalisation and the HIT/STALE/MISS/ERROR decisions, with a controllable clock."""

from __future__ import annotations

import pytest

from storefront.pagecache.entry import Entry, State, Windows
from storefront.pagecache.keys import page_key


def key(path: str, *items: tuple[str, str]) -> str | None:
    return page_key("default", "USD", path, list(items))


def test_tracking_parameters_do_not_reach_the_key() -> None:
    plain = key("/men.html", ("p", "2"))
    assert key("/men.html", ("utm_source", "news"), ("p", "2"), ("gclid", "abc"), ("fbclid", "x")) == plain
    assert plain == "page:default:USD:/men.html?p=2"


def test_parameter_order_does_not_matter_but_values_do() -> None:
    assert key("/c.html", ("color", "49"), ("p", "2")) == key("/c.html", ("p", "2"), ("color", "49"))
    assert key("/c.html", ("p", "2")) != key("/c.html", ("p", "3"))


def test_store_and_currency_are_part_of_the_key() -> None:
    assert page_key("de", "EUR", "/", []) != page_key("de", "USD", "/", [])
    assert page_key("de", "EUR", "/", []) != page_key("default", "EUR", "/", [])


@pytest.mark.parametrize(
    "items",
    [
        [("Weird-Name", "1")],
        [("q", "x" * 500)],
        [(f"f{i}", "1") for i in range(20)],
    ],
)
def test_junk_queries_are_not_cached(items: list[tuple[str, str]]) -> None:
    assert page_key("default", "USD", "/", items) is None


def make_entry(created_at: float = 1000.0) -> Entry:
    return Entry(
        body=b"<html>hi</html>",
        status=200,
        content_type="text/html",
        created_at=created_at,
        windows=Windows(fresh=300, swr=3600, sie=86400),
        tags=("cat_p_1",),
        page_type="product",
    )


@pytest.mark.parametrize(
    ("age", "state"),
    [(0, State.HIT), (299.9, State.HIT), (300, State.STALE), (3899, State.STALE), (3900, State.MISS)],
)
def test_state_by_age(age: float, state: State) -> None:
    assert make_entry().state(now=1000.0 + age) is state


def test_soft_purge_turns_a_fresh_entry_stale_but_not_a_newer_one() -> None:
    entry = make_entry(created_at=1000.0)
    assert entry.state(now=1010.0, purged_at=1005.0) is State.STALE
    assert entry.state(now=1010.0, purged_at=999.0) is State.HIT


def test_stale_if_error_window() -> None:
    entry = make_entry()
    assert entry.can_serve_on_error(now=1000.0 + 300 + 86399)
    assert not entry.can_serve_on_error(now=1000.0 + 300 + 86400)


def test_etag_follows_the_body() -> None:
    assert make_entry().etag == make_entry().etag
    other = make_entry()
    other2 = Entry(**{**other.__dict__, "body": b"changed", "etag": ""})
    assert other2.etag != other.etag


def test_windows_parse_and_ttl() -> None:
    windows = Windows.parse(["300", "86400", "604800"])
    assert windows.ttl == 300 + 604800
    with pytest.raises(ValueError):
        Windows.parse(["-1", "0", "0"])
