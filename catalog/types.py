"""Small frozen types the catalog hands to templates; no raw Magento JSON above upstream.py."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoreIdentity:
    code: str
    name: str
    title: str
    currency: str
    locale: str
    copyright: str


@dataclass(frozen=True)
class MenuCategory:
    uid: str
    name: str
    url: str
    children: tuple[MenuCategory, ...] = ()


@dataclass(frozen=True)
class HomePage:
    store: StoreIdentity
    menu: tuple[MenuCategory, ...]
    tags: tuple[str, ...]
