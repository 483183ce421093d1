"""How figures are written for people: one place, used by the summary and the bot's replies."""

from __future__ import annotations

from knowledge.records import Figure

_SYMBOLS = {"USD": "$", "EUR": "€"}
_PER = {"year": "a year", "month": "a month", "hour": "an hour"}
_UNIT_WORDS = {"percent": "%", "years": " years", "months": " months", "weeks": " weeks",
               "days": " days", "calls": " calls", "count": ""}


def number(value: float) -> str:
    """37020 -> "37,020"; 20.59 -> "20.59"; 3500000 -> "3,500,000"."""
    return f"{value:,.2f}" if value != int(value) else f"{int(value):,}"


def amount(value: float, unit: str) -> str:
    """A number in its unit: "$37,020", "€25,000", "AUD 50,000", "5%", "4 years"."""
    if unit in _SYMBOLS:
        return f"{_SYMBOLS[unit]}{number(value)}"
    if unit in _UNIT_WORDS:
        return f"{number(value)}{_UNIT_WORDS[unit]}"
    return f"{unit} {number(value)}"


def figure(f: Figure) -> str:
    """A whole figure as the documents give it: "$14-$30 an hour", "$50,000+ a year",
    "about 338,000", "a decline of 5%"."""
    if f.high is not None:
        text = f"{amount(f.low, f.unit)}-{amount(f.high, f.unit)}"
    elif f.unit == "percent" and f.low < 0:
        text = f"a decline of {amount(-f.low, f.unit)}"
    else:
        text = amount(f.low, f.unit)
    if f.qualifier == "plus":
        text += "+"
    elif f.qualifier == "approx":
        text = f"about {text}"
    elif f.qualifier == "over":
        text = f"over {text}"
    elif f.qualifier == "under":
        text = f"nearly {text}"
    return f"{text} {_PER[f.per]}" if f.per else text
