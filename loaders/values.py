"""Typed values from text cells: the schema's property types, with clear reasons when a cell is bad."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re

__all__ = ["BadValue", "parse_value"]

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d.%m.%Y", "%Y%m%d", "%d %b %Y", "%d %B %Y", "%b %d %Y")
_TRUE = {"true", "yes", "y", "1", "si", "sí", "t"}
_FALSE = {"false", "no", "n", "0", "f"}
_LIST_SPLIT = re.compile(r"\s*[;|]\s*")
_INT64 = (-2**63, 2**63 - 1)


class BadValue(ValueError):
    """A cell that cannot be read as its property's type; the message says why."""


def parse_value(text: str | None, kind: str):
    """Parse ``text`` as schema type ``kind``; empty cells are ``None``.

    >>> parse_value("1,250.5", "float")
    1250.5
    >>> parse_value("03/02/2024", "date")
    datetime.date(2024, 2, 3)
    >>> parse_value("courier; broker", "string[]")
    ['courier', 'broker']
    """
    if text is None:
        return None
    text = str(text).strip()
    if text == "":
        return None
    if kind == "string":
        return text
    if kind == "string[]":
        return [part for part in _LIST_SPLIT.split(text) if part]
    if kind == "float":
        try:
            number = float(text.replace(",", "").replace(" ", ""))
        except ValueError:
            raise BadValue(f"not a number: {text!r}") from None
        if not math.isfinite(number):  # "nan", "inf", "1e400": no quantity or coordinate
            raise BadValue(f"not a number: {text!r}")
        return number
    if kind == "integer":
        digits = text.replace(",", "").replace(" ", "")
        try:
            number = int(digits)  # exact, however many digits
        except ValueError:
            try:
                number = float(digits)
            except ValueError:
                raise BadValue(f"not a whole number: {text!r}") from None
            if not number.is_integer():
                raise BadValue(f"not a whole number: {text!r}")
            number = int(number)
        if not _INT64[0] <= number <= _INT64[1]:  # Neo4j stores 64-bit integers
            raise BadValue(f"whole number out of range: {text!r}")
        return number
    if kind == "boolean":
        low = text.casefold()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise BadValue(f"not yes/no: {text!r}")
    if kind == "date":
        return _date(text)
    raise BadValue(f"unknown type {kind!r}")


@functools.lru_cache(maxsize=4096)  # a file repeats its dates: a year of days is 365 texts
def _date(text: str) -> dt.date:
    """
    >>> _date("2024-02-03"), _date("3 Feb 2024")
    (datetime.date(2024, 2, 3), datetime.date(2024, 2, 3))
    """
    if len(text) == 10 and text[4] == text[7] == "-" and text.replace("-", "").isdigit():
        try:
            return dt.date.fromisoformat(text)  # yyyy-mm-dd, the common case, without strptime
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BadValue(f"not a date (use yyyy-mm-dd): {text!r}")
