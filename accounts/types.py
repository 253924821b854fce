"""What the accounts app passes upward: small frozen dataclasses, never raw Magento JSON.

Rules: money is ``Decimal`` with its currency; an address keeps Magento's id (an int) so edit and delete
forms can name it, but views only ever act on ids found in the signed-in customer's own address book.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Money:
    value: Decimal
    currency: str


@dataclass(frozen=True)
class Region:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class Country:
    id: str
    name: str
    regions: tuple[Region, ...] = ()


@dataclass(frozen=True)
class Address:
    id: int
    firstname: str
    lastname: str
    street: tuple[str, ...]
    city: str
    postcode: str
    country_code: str
    telephone: str
    company: str = ""
    region: str = ""
    region_code: str = ""
    region_id: int = 0
    default_billing: bool = False
    default_shipping: bool = False

    @property
    def name(self) -> str:
        return f"{self.firstname} {self.lastname}".strip()


@dataclass(frozen=True)
class OrderSummary:
    number: str
    date: str
    status: str
    total: Money | None


@dataclass(frozen=True)
class OrderLine:
    name: str
    sku: str
    qty: Decimal
    price: Money | None
    options: tuple[tuple[str, str], ...] = ()

    @property
    def row_total(self) -> Money | None:
        return Money(self.price.value * self.qty, self.price.currency) if self.price else None


@dataclass(frozen=True)
class OrderAddress:
    name: str
    company: str
    street: tuple[str, ...]
    city: str
    region: str
    postcode: str
    country_code: str
    telephone: str


@dataclass(frozen=True)
class OrderDetail:
    summary: OrderSummary
    lines: tuple[OrderLine, ...]
    shipping_address: OrderAddress | None
    billing_address: OrderAddress | None
    shipping_method: str
    payment_methods: tuple[str, ...]
    shipping: Money | None
    tax: Money | None

    @property
    def items_total(self) -> Money | None:
        """Sum of the lines (Magento 2.4.7's ``OrderTotal`` has no subtotal field the sandbox also serves)."""
        totals = [line.row_total for line in self.lines if line.row_total]
        if not totals:
            return None
        return Money(sum((m.value for m in totals), Decimal(0)), totals[0].currency)


@dataclass(frozen=True)
class OrderPage:
    orders: tuple[OrderSummary, ...]
    page: int
    total_pages: int
    total_count: int


@dataclass(frozen=True)
class Dashboard:
    firstname: str
    lastname: str
    email: str
    is_subscribed: bool
    addresses: tuple[Address, ...]
    recent_orders: tuple[OrderSummary, ...]
    order_count: int

    @property
    def default_billing(self) -> Address | None:
        return next((a for a in self.addresses if a.default_billing), None)

    @property
    def default_shipping(self) -> Address | None:
        return next((a for a in self.addresses if a.default_shipping), None)


@dataclass(frozen=True)
class AddressBook:
    firstname: str
    lastname: str
    addresses: tuple[Address, ...] = field(default_factory=tuple)

    def get(self, address_id: int) -> Address | None:
        return next((a for a in self.addresses if a.id == address_id), None)


@dataclass(frozen=True)
class Profile:
    """The customer record as ``GET /V1/customers/me`` returns it, minus the address book."""

    id: int
    email: str
    firstname: str
    lastname: str
    website_id: int
    store_id: int
    is_subscribed: bool
    default_billing: str = ""
    default_shipping: str = ""
