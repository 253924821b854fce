"""Money formatting for the shopper: symbol and separators by locale, always two decimals.

Rules: amounts are ``Decimal`` (never float arithmetic); unknown currencies show their ISO code. Locales
whose language writes "1.234,56 €" (de, fr, es, it, nl, pt) get that form; everything else "$1,234.56".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CHF": "CHF", "CAD": "CA$", "AUD": "A$"}
_COMMA_DECIMAL_LANGUAGES = frozenset({"de", "fr", "es", "it", "nl", "pt", "da", "fi", "sv", "nb", "pl"})


def format_money(value: Decimal, currency: str, locale: str = "en_US") -> str:
    amount = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    symbol = SYMBOLS.get(currency, currency)
    language = (locale or "en").split("_")[0].lower()
    if language in _COMMA_DECIMAL_LANGUAGES:
        amount = amount.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
        return f"{amount}\u00a0{symbol}"
    return f"{symbol}{amount}" if len(symbol) == 1 else f"{symbol}\u00a0{amount}"
