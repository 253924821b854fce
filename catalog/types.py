"""Small frozen types the catalog hands to templates; no raw Magento JSON above upstream.py.

Rules: money is ``Decimal`` with its currency; URLs are site-relative paths that already carry the store
prefix; HTML fields (``*_html``) are sanitised before they are put here (``catalog.sanitize``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from catalog.money import format_money

# Magento media answers ``?width=`` with the nearest of its fixed widths (4:5 product images).
IMAGE_WIDTHS = (240, 360, 480, 640, 800)
IMAGE_RATIO = (4, 5)


@dataclass(frozen=True)
class Money:
    value: Decimal
    currency: str
    locale: str = "en_US"

    def __str__(self) -> str:
        return format_money(self.value, self.currency, self.locale)

    @property
    def plain(self) -> str:
        """The amount for machines (JSON-LD, meta tags): ``43.99``."""
        return f"{self.value:.2f}"


@dataclass(frozen=True)
class Price:
    regular: Money
    final: Money
    max_final: Money | None = None  # set when a configurable's children differ in price

    @property
    def on_sale(self) -> bool:
        return self.final.value < self.regular.value

    @property
    def is_range(self) -> bool:
        return self.max_final is not None and self.max_final.value > self.final.value

    @property
    def percent_off(self) -> int:
        if not self.on_sale or not self.regular.value:
            return 0
        return round((1 - self.final.value / self.regular.value) * 100)


@dataclass(frozen=True)
class Image:
    url: str
    label: str

    def src(self, width: int) -> str:
        joiner = "&" if "?" in self.url else "?"
        return f"{self.url}{joiner}width={width}"

    @property
    def srcset(self) -> str:
        return ", ".join(f"{self.src(w)} {w}w" for w in IMAGE_WIDTHS)


@dataclass(frozen=True)
class Swatch:
    label: str
    color: str  # "#rrggbb" for colour swatches, "" for text ones


@dataclass(frozen=True)
class MenuCategory:
    uid: str
    name: str
    url: str
    children: tuple[MenuCategory, ...] = ()


@dataclass(frozen=True)
class StoreIdentity:
    code: str
    name: str
    title: str
    currency: str  # the currency prices on this page are shown in
    locale: str
    copyright: str
    description: str = ""
    title_prefix: str = ""
    title_suffix: str = ""
    title_separator: str = "|"

    @property
    def language(self) -> str:
        return (self.locale or "en_US").split("_")[0]

    def page_title(self, title: str) -> str:
        parts = [p for p in (self.title_prefix, title or self.title, self.title_suffix) if p]
        return " ".join(parts)


@dataclass(frozen=True)
class StoreLink:
    code: str
    name: str
    locale: str
    prefix: str  # "" for the default store, "/de" for "de"

    @property
    def hreflang(self) -> str:
        return (self.locale or "en_US").replace("_", "-")


@dataclass(frozen=True)
class Chrome:
    """Everything around a page's content; every catalog page fetches it in its one request."""

    store: StoreIdentity
    menu: tuple[MenuCategory, ...]
    stores: tuple[StoreLink, ...]
    currencies: tuple[str, ...]
    footer_html: str = ""
    notice_html: str = ""

    @property
    def prefix(self) -> str:
        return next((s.prefix for s in self.stores if s.code == self.store.code), "")


@dataclass(frozen=True)
class Breadcrumb:
    name: str
    url: str


@dataclass(frozen=True)
class ProductCard:
    uid: str
    sku: str
    name: str
    url: str
    image: Image | None
    price: Price
    in_stock: bool
    swatches: tuple[Swatch, ...] = ()


@dataclass(frozen=True)
class FilterOption:
    label: str
    value: str
    count: int
    url: str
    active: bool = False
    color: str = ""  # swatch colour for colour filters


@dataclass(frozen=True)
class FilterGroup:
    code: str
    label: str
    options: tuple[FilterOption, ...]


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    value_label: str
    remove_url: str


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    url: str
    selected: bool


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None = a gap ("…")
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Listing:
    total: int
    items: tuple[ProductCard, ...]
    page: int
    total_pages: int
    limit: int
    filters: tuple[FilterGroup, ...]
    active: tuple[ActiveFilter, ...]
    sorts: tuple[Choice, ...]
    limits: tuple[Choice, ...]
    pages: tuple[PageLink, ...]
    base_url: str  # the page's path; the sort form submits here
    hidden: tuple[tuple[str, str], ...]  # parameters the sort form must carry along
    clear_url: str
    prev_url: str = ""
    next_url: str = ""
    out_of_range: bool = False  # the requested page does not exist

    @property
    def first_item(self) -> int:
        return (self.page - 1) * self.limit + 1 if self.total else 0

    @property
    def last_item(self) -> int:
        return min(self.page * self.limit, self.total)


@dataclass(frozen=True)
class OptionValue:
    value: str  # Magento's value_index, as text (form values are text)
    label: str
    color: str  # "#rrggbb" for colour swatches, else ""
    selected: bool
    available: bool  # some in-stock variant has it together with the other chosen values


@dataclass(frozen=True)
class ProductOption:
    code: str
    label: str
    values: tuple[OptionValue, ...]

    @property
    def selected_label(self) -> str:
        return next((v.label for v in self.values if v.selected), "")

    @property
    def is_color(self) -> bool:
        return any(v.color for v in self.values)


@dataclass(frozen=True)
class Variant:
    sku: str
    price: Price
    in_stock: bool
    only_left: int | None
    image: Image | None
    values: tuple[tuple[str, str], ...]  # (attribute code, value_index)


@dataclass(frozen=True)
class Product:
    uid: str
    sku: str
    name: str
    url: str
    price: Price
    in_stock: bool
    only_left: int | None
    images: tuple[Image, ...]
    description_html: str
    short_description_html: str
    meta_title: str
    meta_description: str
    breadcrumbs: tuple[Breadcrumb, ...]
    attributes: tuple[tuple[str, str], ...]
    related: tuple[ProductCard, ...]
    upsells: tuple[ProductCard, ...]
    options: tuple[ProductOption, ...] = ()
    variants: tuple[Variant, ...] = ()
    selected: tuple[tuple[str, str], ...] = ()  # chosen (code, value_index) pairs, valid ones only
    variant: Variant | None = None  # the child the chosen options resolve to

    @property
    def is_configurable(self) -> bool:
        return bool(self.options)

    @property
    def all_chosen(self) -> bool:
        return len(self.selected) == len(self.options)

    @property
    def combination_unavailable(self) -> bool:
        """All options chosen but no sellable child has that combination."""
        return self.is_configurable and self.all_chosen and (self.variant is None or not self.variant.in_stock)

    @property
    def shown_price(self) -> Price:
        return self.variant.price if self.variant else self.price

    @property
    def shown_sku(self) -> str:
        return self.variant.sku if self.variant else self.sku

    @property
    def shown_in_stock(self) -> bool:
        if self.variant is not None:
            return self.variant.in_stock
        return self.in_stock

    @property
    def shown_only_left(self) -> int | None:
        return self.variant.only_left if self.variant else self.only_left

    @property
    def gallery(self) -> tuple[Image, ...]:
        """The chosen variant's image first (the LCP image), then the product's own."""
        if self.variant and self.variant.image:
            rest = tuple(i for i in self.images if i.url != self.variant.image.url)
            return (self.variant.image, *rest)
        return self.images

    @property
    def can_add(self) -> bool:
        if self.is_configurable:
            return self.all_chosen and self.variant is not None and self.variant.in_stock
        return self.in_stock


@dataclass(frozen=True)
class Category:
    uid: str
    name: str
    url: str
    description_html: str
    meta_title: str
    meta_description: str
    breadcrumbs: tuple[Breadcrumb, ...]
    children: tuple[MenuCategory, ...]


@dataclass(frozen=True)
class CmsContent:
    identifier: str
    title: str
    heading: str
    content_html: str
    meta_title: str
    meta_description: str


@dataclass(frozen=True)
class Redirect:
    url: str
    permanent: bool


@dataclass(frozen=True)
class RoutePage:
    """What a Magento URL resolved to: exactly one of category/product/cms/redirect, or none (404)."""

    chrome: Chrome
    tags: tuple[str, ...]
    category: Category | None = None
    listing: Listing | None = None
    product: Product | None = None
    cms: CmsContent | None = None
    redirect: Redirect | None = None


@dataclass(frozen=True)
class HomePage:
    chrome: Chrome
    cms: CmsContent | None
    featured: tuple[ProductCard, ...]
    tags: tuple[str, ...] = ()

    # Kept for templates written against the first version of this page.
    @property
    def store(self) -> StoreIdentity:
        return self.chrome.store

    @property
    def menu(self) -> tuple[MenuCategory, ...]:
        return self.chrome.menu


@dataclass(frozen=True)
class SearchPage:
    chrome: Chrome
    query: str
    listing: Listing | None
    suggestions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestions:
    products: tuple[ProductCard, ...] = field(default_factory=tuple)
    categories: tuple[Breadcrumb, ...] = field(default_factory=tuple)
