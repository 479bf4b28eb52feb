"""Typed values from text cells: the schema's property types, with clear reasons when a cell is bad.

Numbers and dates are read by a *style*: the decimal and thousands separators and the order of day
and month a column was declared with, or inferred for it from its other values
(``loaders/conventions.py``, docs/mappings.md "Conventions"). With no style, a value is read only
where it cannot mean two things: ``4,1`` (a decimal comma?) and ``1,250`` (1250 or 1.25?) are
refused with the declaration that would read them, ``03/02/2024`` (3 February or March 2?) too;
never another number or another day.

A cell a file stored as a number or a date (an XLSX, JSON or Parquet value, not text) reaches the
parsers as :class:`TypedText`, in the canonical form ``graph.values.cell_text`` gives it, and is read
as it is: separators and date orders are conventions of text.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from dataclasses import dataclass

__all__ = ["BadValue", "Style", "TypedText", "UNDECLARED", "parse_value", "number_readings", "date_fields",
           "DATE_ORDERS", "THOUSANDS"]

_TEXT_MONTH_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%d-%b-%Y")
_YEAR_FIRST_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")
_TRUE = {"true", "yes", "y", "1", "si", "sí", "t"}
_FALSE = {"false", "no", "n", "0", "f"}
_LIST_SPLIT = re.compile(r"\s*[;|]\s*")
_INT64 = (-2**63, 2**63 - 1)

#: The ``dates`` a column can be declared with (an explicit strptime format is the other way).
DATE_ORDERS = ("dayfirst", "monthfirst", "iso")
#: Thousands separators a column can be declared with: name -> the characters that count as it.
THOUSANDS = {"none": "", ".": ".", ",": ",", " ": " \u00a0\u202f", "'": "'\u2019"}
_SPACES = " \u00a0\u202f"
_APOSTROPHES = "'\u2019"
_PLAIN = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<body>[0-9.,'\u2019 \u00a0\u202f]*[0-9.,]|[0-9])(?P<exp>[eE][+-]?[0-9]+)?")
_DAY_MONTH = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})")


class BadValue(ValueError):
    """A cell that cannot be read as its property's type; the message says why."""


class TypedText(str):
    """The text of a cell the file stored as a number or a date (not as text): read as it is."""

    __slots__ = ()


@dataclass(frozen=True)
class Style:
    """How one column's numbers and dates are read.

    ``decimal``: ``"."`` or ``","``; ``thousands``: a key of :data:`THOUSANDS`; ``None`` for either
    means not declared. ``dates``: one of :data:`DATE_ORDERS` or None; ``format``: a strptime format
    (then ``dates`` is ignored). ``grouped``: nothing declared, and the column has a value only a
    thousands comma reads (``1,250.5``, ``2,000,000``, or a decimal point as in ``2.5``) and none only
    a decimal comma reads, so ``1,250`` is 1250. ``comma_seen``: nothing declared and the column has
    a value only a decimal comma reads (``4,1``), so ``1.250`` is not read as 1.25 either.
    """

    decimal: str | None = None
    thousands: str | None = None
    dates: str | None = None
    format: str | None = None
    grouped: bool = False
    comma_seen: bool = False

    @property
    def numbers_declared(self) -> bool:
        return self.decimal is not None or self.thousands is not None


#: The style of a column nothing was declared or inferred for.
UNDECLARED = Style()


def parse_value(text: str | None, kind: str, style: Style | None = None):
    """Parse ``text`` as schema type ``kind`` under ``style`` (default :data:`UNDECLARED`); empty
    cells are ``None``.

    >>> parse_value("1,250.5", "float")
    1250.5
    >>> parse_value("1.250,5", "float", Style(decimal=",", thousands="."))
    1250.5
    >>> try:
    ...     parse_value("4,1", "float")
    ... except BadValue as err:
    ...     print(err)
    '4,1' has a comma that cannot separate thousands (a decimal comma?); declare decimal ',' (mapping: decimal: ",", or --decimal ,)
    >>> parse_value("03/02/2024", "date", Style(dates="dayfirst")), parse_value("13/02/2024", "date")
    (datetime.date(2024, 2, 3), datetime.date(2024, 2, 13))
    >>> parse_value("courier; broker", "string[]")
    ['courier', 'broker']
    """
    if text is None:
        return None
    if type(text) is TypedText and kind in ("float", "integer", "date"):
        return _typed(text, kind)
    text = str(text).strip()
    if text == "":
        return None
    if kind == "string":
        return text
    if kind == "string[]":
        return [part for part in _LIST_SPLIT.split(text) if part]
    if kind == "float":
        number = float(_number(text, style or UNDECLARED, whole=False))
        if not math.isfinite(number):  # "1e400": no quantity or coordinate
            raise BadValue(f"not a number: {text!r}")
        return number
    if kind == "integer":
        return _whole(_number(text, style or UNDECLARED, whole=True), text)
    if kind == "boolean":
        low = text.casefold()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise BadValue(f"not yes/no: {text!r}")
    if kind == "date":
        style = style or UNDECLARED
        return _date(text, style.dates, style.format)
    raise BadValue(f"unknown type {kind!r}")


# -- numbers -----------------------------------------------------------------------------------------

def _typed(text: str, kind: str):
    """A number or date the file stored as one: its canonical text read without conventions."""
    if kind == "date":
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            raise BadValue(f"not a date (use yyyy-mm-dd): {text!r}") from None
    try:
        number = float(text) if kind == "float" else _whole(text, text)
    except ValueError:
        raise BadValue(f"not a number: {text!r}") from None
    if kind == "float" and not math.isfinite(number):
        raise BadValue(f"not a number: {text!r}")
    return number


def _whole(digits: str, text: str) -> int:
    """An exact integer from canonical ``digits`` (``-12``, ``1.0``, ``1e3``)."""
    try:
        number = int(digits)  # exact, however many digits
    except ValueError:
        try:
            value = float(digits)
        except ValueError:
            raise BadValue(f"not a whole number: {text!r}") from None
        if not value.is_integer():
            raise BadValue(f"not a whole number: {text!r}")
        number = int(value)
    if not _INT64[0] <= number <= _INT64[1]:  # Neo4j stores 64-bit integers
        raise BadValue(f"whole number out of range: {text!r}")
    return number


def _canonical(text: str, decimal: str, thousands: str) -> str | None:
    """``text`` as Python writes the number (``-1250.5``, ``1e3``), reading ``decimal`` as the decimal
    separator and any one of the characters ``thousands`` between groups of three digits; ``None``
    when it is no number that way.

    >>> _canonical("1.250,5", ",", "."), _canonical("12,50", ".", ","), _canonical("-1 250 000", ".", " ")
    ('1250.5', None, '-1250000')
    """
    m = _NUMBER.fullmatch(text)
    if m is None:
        return None
    body = m["body"]
    if body.count(decimal) > 1:
        return None
    whole, point, fraction = body.partition(decimal)
    if not fraction.isdigit() and fraction or not (whole or fraction) or (point and not (whole + fraction)):
        return None
    if whole and not whole.isdigit():
        used = {c for c in whole if not c.isdigit()}
        if len(used) != 1 or not used <= set(thousands):
            return None
        (sep,) = used
        groups = whole.split(sep)
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]) and all(g.isdigit() for g in groups)):
            return None
        whole = "".join(groups)
    return f"{m['sign']}{whole or '0'}{'.' + fraction if point else ''}{m['exp'] or ''}"


def number_readings(text: str) -> tuple[str | None, str | None]:
    """How an undeclared ``text`` reads with a decimal point (``,`` spaces ``'`` as thousands) and
    with a decimal comma (``.`` spaces ``'`` as thousands): two canonical texts or ``None``.

    >>> number_readings("1,250"), number_readings("4,1"), number_readings("2.5"), number_readings("12")
    (('1250', '1.250'), (None, '4.1'), ('2.5', None), ('12', '12'))
    """
    return _canonical(text, ".", ",'\u2019" + _SPACES), _canonical(text, ",", ".'\u2019" + _SPACES)


def _separators(style: Style) -> tuple[str, str] | None:
    """``(decimal, thousands characters)`` when the declared part of ``style`` settles both."""
    d, t = style.decimal, style.thousands
    if d is not None:
        return d, THOUSANDS[t] if t is not None else {".": ",", ",": "."}[d] + _SPACES + _APOSTROPHES
    if t in (".", ","):
        return {".": ",", ",": "."}[t], t
    return None


def _number(text: str, style: Style, whole: bool) -> str:
    """The canonical text of the number ``text`` under ``style``, or :class:`BadValue` saying why."""
    if _PLAIN.fullmatch(text):
        return text
    separators = _separators(style)
    if separators is not None:
        canonical = _canonical(text, *separators)
        if canonical is None:
            raise BadValue(f"not a number with decimal {separators[0]!r} and thousands "
                           f"{_thousands_name(style, separators[0])}: {text!r}")
        return canonical
    if style.thousands is not None:  # none, spaces or apostrophes: a point or a comma is the decimal
        t = THOUSANDS[style.thousands]
        readings = {c for c in (_canonical(text, ".", t), _canonical(text, ",", t)) if c is not None}
        if len(readings) != 1:
            raise BadValue(f"not a number with thousands {_thousands_name(style, None)}: {text!r}")
        return readings.pop()
    point, comma = number_readings(text)
    if point is None and comma is None:
        raise BadValue(f"not a number: {text!r}")
    if point is None:
        if "," in text:
            raise BadValue(f"{text!r} has a comma that cannot separate thousands (a decimal comma?); "
                           f"{_declare(decimal=',')}")
        raise BadValue(f"{text!r} has points between groups of three digits (thousands points?); "
                       f"{_declare(thousands='.')}")
    if comma is None or float(point) == float(comma):
        return point
    # both readings, different numbers: "1,250" (1250 or 1.25), "1.250" (1.25 or 1250)
    both = f"{text!r} is {_plain(point)} or {_plain(comma)}"
    if style.comma_seen:
        raise BadValue(f"{both}, in a column that has decimal commas; {_declare(decimal=',', thousands='.')}")
    if "," in text:
        if style.grouped:
            return point
        raise BadValue(f"{both}; {_declare(thousands=',')} or {_declare(decimal=',')}")
    if whole:  # "1.000" in a column of whole numbers is a thousands point far more often than 1.0
        raise BadValue(f"{both}; {_declare(thousands='.')} or {_declare(decimal='.')}")
    return point  # "1.250" with no decimal comma anywhere in the column: the decimal point


def _declare(**separators: str) -> str:
    """How to declare ``separators``, for a reason.

    >>> print(_declare(decimal=",", thousands="."))
    declare decimal ',' thousands '.' (mapping: decimal: ",", thousands: ".", or --decimal , --thousands .)
    """
    said = " ".join(f"{k} {v!r}" for k, v in separators.items())
    mapping = ", ".join(f'{k}: "{v}"' for k, v in separators.items())
    cli = " ".join(f"--{k} {v}" for k, v in separators.items())
    return f"declare {said} (mapping: {mapping}, or {cli})"


def _plain(canonical: str) -> str:
    """A reading of an ambiguous number as a person writes it: ``1250``, ``1.25``."""
    value = float(canonical)
    return str(int(value)) if value.is_integer() else repr(value)


def _thousands_name(style: Style, decimal: str | None) -> str:
    t = style.thousands
    if t is None:
        t = {".": ",", ",": "."}.get(decimal or "", "none")
    return {"none": "none", " ": "space", "'": "apostrophe"}.get(t, repr(t))


# -- dates -------------------------------------------------------------------------------------------

def date_fields(text: str) -> tuple[int, int] | None:
    """The first two fields of a day/month date (``03/02/2024``, ``3.2.2024``, ``03-02-2024``).

    >>> date_fields("13/02/2024"), date_fields("2024-02-13")
    ((13, 2), None)
    """
    m = _DAY_MONTH.fullmatch(text)
    return (int(m[1]), int(m[3])) if m else None


@functools.lru_cache(maxsize=8192)  # a file repeats its dates: a year of days is 365 texts
def _date(text: str, order: str | None = None, fmt: str | None = None) -> dt.date:
    """
    >>> _date("2024-02-03"), _date("3 Feb 2024"), _date("02/03/2024", "monthfirst")
    (datetime.date(2024, 2, 3), datetime.date(2024, 2, 3), datetime.date(2024, 2, 3))
    """
    if fmt is not None:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            raise BadValue(f"not a date in the format {fmt!r}: {text!r}") from None
    if len(text) == 10 and text[4] == text[7] == "-" and text.replace("-", "").isdigit():
        try:
            return dt.date.fromisoformat(text)  # yyyy-mm-dd, the common case, without strptime
        except ValueError:
            pass
    m = _DAY_MONTH.fullmatch(text)
    if m is not None:
        if order == "iso":
            raise BadValue(f"not a date in year-month-day order (dates: iso): {text!r}")
        first, second, year = int(m[1]), int(m[3]), int(m[4])
        read = order
        if read is None:  # this value alone: a field over 12 is the day; equal fields are the same date
            if first <= 12 and second <= 12 and first != second:
                raise BadValue(f"ambiguous date {text!r} (day/month or month/day); declare dates dayfirst or "
                               f"monthfirst")
            read = "dayfirst" if first > 12 else "monthfirst"
        day, month = (first, second) if read == "dayfirst" else (second, first)
        try:
            return dt.date(year, month, day)
        except ValueError:
            how = f" (read {'day/month/year' if order == 'dayfirst' else 'month/day/year'})" if order else ""
            raise BadValue(f"not a date (use yyyy-mm-dd): {text!r}{how}") from None
    for fmt in _YEAR_FIRST_FORMATS + (() if order == "iso" else _TEXT_MONTH_FORMATS):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BadValue(f"not a date (use yyyy-mm-dd): {text!r}")
