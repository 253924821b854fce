"""Countries, regions and currencies, as Magento's Directory module serves them.

Rules: region ids are Magento's own (``directory_country_region``: California 12, Texas 57, Bayern 81,
Ontario 74 ...), so addresses typed against a real store mean the same here. ``full_name_locale`` follows
the store's locale (German names for ``de_DE``), ``full_name_english`` never changes. Countries without
regions have no ``available_regions`` key at all, as in Magento's response.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sandbox.catalog import api
from sandbox.commerce.catalog_bridge import StoreInfo
from sandbox.commerce.errors import NoSuchEntity


@dataclass(frozen=True)
class Country:
    id: str
    iso3: str
    english: str
    german: str
    regions: tuple[tuple[int, str, str], ...] = ()  # (region_id, code, name)


_US = (
    (1, "AL", "Alabama"), (2, "AK", "Alaska"), (4, "AZ", "Arizona"), (5, "AR", "Arkansas"),
    (12, "CA", "California"), (13, "CO", "Colorado"), (14, "CT", "Connecticut"), (15, "DE", "Delaware"),
    (16, "DC", "District of Columbia"), (18, "FL", "Florida"), (19, "GA", "Georgia"), (21, "HI", "Hawaii"),
    (22, "ID", "Idaho"), (23, "IL", "Illinois"), (24, "IN", "Indiana"), (25, "IA", "Iowa"),
    (26, "KS", "Kansas"), (27, "KY", "Kentucky"), (28, "LA", "Louisiana"), (29, "ME", "Maine"),
    (31, "MD", "Maryland"), (32, "MA", "Massachusetts"), (33, "MI", "Michigan"), (34, "MN", "Minnesota"),
    (35, "MS", "Mississippi"), (36, "MO", "Missouri"), (37, "MT", "Montana"), (38, "NE", "Nebraska"),
    (39, "NV", "Nevada"), (40, "NH", "New Hampshire"), (41, "NJ", "New Jersey"), (42, "NM", "New Mexico"),
    (43, "NY", "New York"), (44, "NC", "North Carolina"), (45, "ND", "North Dakota"), (47, "OH", "Ohio"),
    (48, "OK", "Oklahoma"), (49, "OR", "Oregon"), (51, "PA", "Pennsylvania"), (52, "PR", "Puerto Rico"),
    (53, "RI", "Rhode Island"), (54, "SC", "South Carolina"), (55, "SD", "South Dakota"),
    (56, "TN", "Tennessee"), (57, "TX", "Texas"), (58, "UT", "Utah"), (59, "VT", "Vermont"),
    (61, "VA", "Virginia"), (62, "WA", "Washington"), (63, "WV", "West Virginia"), (64, "WI", "Wisconsin"),
    (65, "WY", "Wyoming"),
)  # fmt: skip
_CA = (
    (66, "AB", "Alberta"), (67, "BC", "British Columbia"), (68, "MB", "Manitoba"),
    (69, "NL", "Newfoundland and Labrador"), (70, "NB", "New Brunswick"), (71, "NS", "Nova Scotia"),
    (72, "NT", "Northwest Territories"), (73, "NU", "Nunavut"), (74, "ON", "Ontario"),
    (75, "PE", "Prince Edward Island"), (76, "QC", "Quebec"), (77, "SK", "Saskatchewan"),
    (78, "YT", "Yukon Territory"),
)  # fmt: skip
_DE = (
    (79, "NDS", "Niedersachsen"), (80, "BAW", "Baden-Württemberg"), (81, "BAY", "Bayern"),
    (82, "BER", "Berlin"), (83, "BRG", "Brandenburg"), (84, "BRE", "Bremen"), (85, "HAM", "Hamburg"),
    (86, "HES", "Hessen"), (87, "MEC", "Mecklenburg-Vorpommern"), (88, "NRW", "Nordrhein-Westfalen"),
    (89, "RHE", "Rheinland-Pfalz"), (90, "SAR", "Saarland"), (91, "SAS", "Sachsen"),
    (92, "SAC", "Sachsen-Anhalt"), (93, "SCN", "Schleswig-Holstein"), (94, "THE", "Thüringen"),
)  # fmt: skip

COUNTRIES: tuple[Country, ...] = (
    Country("AT", "AUT", "Austria", "Österreich"),
    Country("AU", "AUS", "Australia", "Australien"),
    Country("BE", "BEL", "Belgium", "Belgien"),
    Country("CA", "CAN", "Canada", "Kanada", _CA),
    Country("CH", "CHE", "Switzerland", "Schweiz"),
    Country("DE", "DEU", "Germany", "Deutschland", _DE),
    Country("DK", "DNK", "Denmark", "Dänemark"),
    Country("ES", "ESP", "Spain", "Spanien"),
    Country("FR", "FRA", "France", "Frankreich"),
    Country("GB", "GBR", "United Kingdom", "Vereinigtes Königreich"),
    Country("IE", "IRL", "Ireland", "Irland"),
    Country("IT", "ITA", "Italy", "Italien"),
    Country("JP", "JPN", "Japan", "Japan"),
    Country("MX", "MEX", "Mexico", "Mexiko"),
    Country("NL", "NLD", "Netherlands", "Niederlande"),
    Country("PL", "POL", "Poland", "Polen"),
    Country("SE", "SWE", "Sweden", "Schweden"),
    Country("US", "USA", "United States", "Vereinigte Staaten", _US),
)
_BY_ID = {c.id: c for c in COUNTRIES}
# Countries whose addresses need a region (Magento's general/region/state_required defaults).
REGION_REQUIRED = {"US", "CA"}
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def country(country_id: str) -> Country | None:
    return _BY_ID.get(country_id.upper()) if country_id else None


def find_region(country_id: str, *, region_id: Any = None, code: str = "", name: str = "") -> tuple | None:
    found = country(country_id)
    if found is None:
        return None
    for region in found.regions:
        if (region_id not in (None, "", 0) and str(region[0]) == str(region_id)) or (
            code and region[1].lower() == code.lower()
        ):
            return region
        if name and region[2].lower() == name.lower():
            return region
    return None


def country_info(entry: Country, info: StoreInfo) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": entry.id,
        "two_letter_abbreviation": entry.id,
        "three_letter_abbreviation": entry.iso3,
        "full_name_locale": entry.german if info.locale.startswith("de") else entry.english,
        "full_name_english": entry.english,
    }
    if entry.regions:
        out["available_regions"] = [{"id": str(r[0]), "code": r[1], "name": r[2]} for r in entry.regions]
    return out


def countries(info: StoreInfo) -> list[dict[str, Any]]:
    return [country_info(entry, info) for entry in COUNTRIES]


def get_country(country_id: str, info: StoreInfo) -> dict[str, Any]:
    entry = country(country_id)
    if entry is None:
        # CountryInformationAcquirer::getCountryInfo's own wording.
        raise NoSuchEntity("Requested country is not available.")
    return country_info(entry, info)


def currency(info: StoreInfo) -> dict[str, Any]:
    rates = []
    for code in info.available_currency_codes:
        try:
            rate = api.convert(Decimal(1), info.base_currency_code, code)
        except ValueError:
            continue
        rates.append({"currency_to": code, "rate": rate})
    return {
        "base_currency_code": info.base_currency_code,
        "base_currency_symbol": CURRENCY_SYMBOLS.get(info.base_currency_code, info.base_currency_code),
        "default_display_currency_code": info.default_display_currency_code,
        "default_display_currency_symbol": CURRENCY_SYMBOLS.get(
            info.default_display_currency_code, info.default_display_currency_code
        ),
        "available_currency_codes": list(info.available_currency_codes),
        "exchange_rates": rates,
    }
