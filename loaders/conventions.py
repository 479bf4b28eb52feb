"""How a file writes its numbers and dates: declared (mapping, command line) or inferred per column.

A :class:`Convention` is what was declared, at one of three levels of a mapping (the whole mapping, a
source, a column) or on the command line; a lower level fills only what a higher one left open
(:meth:`Convention.over`). Before a file is loaded, :func:`file_conventions` reads the number and
date columns its source maps and settles, per column, the :class:`~chokepoint.loaders.values.Style`
the values are read by, and what the load summary says about it (:class:`ColumnConvention`):

- numbers: a declared decimal separator and thousands separator, else a decimal point, with a
  thousands comma read only where the column shows it (``1,250.5``, ``2,000,000``, ``2.5``) and no
  decimal comma (``4,1``) anywhere in it; a value that could be two numbers is a reject saying what
  to declare;
- dates: a declared order (``dayfirst``, ``monthfirst``, ``iso``) or strptime format, else the order
  a first field over 12 (day first) or a second field over 12 (month first) shows in some value of
  the column. A column with a date that could be either and nothing to decide it, or with both
  orders, stops the load before anything is written (:class:`ConventionError`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from chokepoint.graph.errors import ChokepointError
from chokepoint.loaders.values import DATE_ORDERS, UNDECLARED, Style, TypedText, date_fields, number_readings

__all__ = ["Convention", "ConventionError", "ColumnConvention", "FileConventions", "NO_CONVENTION",
           "convention_from", "file_conventions", "decimal_option", "thousands_option", "dates_option",
           "CONVENTION_KEYS"]

#: Keys a mapping level may declare.
CONVENTION_KEYS = ("decimal", "thousands", "dates")
_DECIMALS = {".": ".", ",": ",", "point": ".", "comma": ","}
_THOUSANDS = {"none": "none", "": "none", ".": ".", ",": ",", " ": " ", "space": " ", "'": "'", "\u2019": "'",
              "apostrophe": "'"}
_SHOWN_THOUSANDS = {"none": "none", " ": "space", "'": "apostrophe", ".": "'.'", ",": "','"}


class ConventionError(ChokepointError):
    """A declaration is not one the loader knows, or a column's dates cannot be read without one."""


@dataclass(frozen=True)
class Convention:
    """Declared reading of numbers and dates; ``None`` = not declared at this level."""

    decimal: str | None = None      # "." or ","
    thousands: str | None = None    # "none", ".", ",", " " (space), "'" (apostrophe)
    dates: str | None = None        # "dayfirst", "monthfirst", "iso"
    format: str | None = None       # strptime format of dates (wins over ``dates``)

    def over(self, lower: Convention) -> Convention:
        """This declaration, with what it leaves open taken from ``lower``."""
        return Convention(*(mine if mine is not None else theirs
                            for mine, theirs in zip(_fields(self), _fields(lower))))


def _fields(c: Convention) -> tuple:
    return (c.decimal, c.thousands, c.dates, c.format)


NO_CONVENTION = Convention()


def decimal_option(value: str | None) -> str | None:
    """A declared decimal separator in canonical form (``"."``/``","``); raise on anything else.

    >>> decimal_option(","), decimal_option("point"), decimal_option(None)
    (',', '.', None)
    """
    if value is None:
        return None
    try:
        return _DECIMALS[str(value).strip().lower()]
    except KeyError:
        raise ConventionError(f"decimal {value!r}: use ',' or '.'") from None


def thousands_option(value: str | None) -> str | None:
    """A declared thousands separator in canonical form (``none . , ' '`` or ``'``); raise on anything else.

    >>> thousands_option("space"), thousands_option("none"), thousands_option("'"), thousands_option(".")
    (' ', 'none', "'", '.')
    """
    if value is None:
        return None
    text = str(value)
    found = _THOUSANDS.get(text) or _THOUSANDS.get(text.strip().lower())
    if found is None:
        raise ConventionError(f"thousands {value!r}: use none, '.', ',', space or apostrophe")
    return found


def dates_option(value: str | None) -> tuple[str | None, str | None]:
    """``(order, format)`` from a declared ``dates``: an order of :data:`DATE_ORDERS`, or a strptime
    format (any text with ``%``), checked by writing and reading back a date.

    >>> dates_option("dayfirst"), dates_option("%d.%m.%y")
    (('dayfirst', None), (None, '%d.%m.%y'))
    """
    if value is None:
        return None, None
    text = str(value).strip()
    if text.lower() in DATE_ORDERS:
        return text.lower(), None
    if "%" in text:
        return None, _checked_format(text)
    raise ConventionError(f"dates {value!r}: use dayfirst, monthfirst, iso or a strptime format such as %d.%m.%Y")


def _checked_format(fmt: str) -> str:
    sample = dt.date(2031, 12, 25)
    try:
        if dt.datetime.strptime(sample.strftime(fmt), fmt).date() != sample:
            raise ValueError
    except ValueError:
        raise ConventionError(f"date format {fmt!r} does not read back the day, month and year it writes") from None
    return fmt


def convention_from(raw: Mapping, where: str, problems: list[str], keys: Iterable[str] = CONVENTION_KEYS,
                    ) -> Convention:
    """The declaration among ``raw``'s ``keys`` (a mapping level); mistakes go to ``problems``."""
    found: dict[str, str | None] = {}
    for key, option in (("decimal", decimal_option), ("thousands", thousands_option)):
        if key in keys and raw.get(key) is not None:
            try:
                found[key] = option(raw[key])
            except ConventionError as err:
                problems.append(f"{where}: {err}")
    for key in ("dates", "format"):
        if key in keys and raw.get(key) is not None:
            try:
                order, fmt = dates_option(raw[key])
                if key == "format" and fmt is None:
                    raise ConventionError(f"format {raw[key]!r}: a strptime format such as %d.%m.%Y")
                found["dates"], found["format"] = order, fmt
            except ConventionError as err:
                problems.append(f"{where}: {err}")
    convention = Convention(**found)
    if convention.decimal is not None and convention.decimal == convention.thousands:
        problems.append(f"{where}: decimal and thousands are both {convention.decimal!r}")
    return convention


# -- a file's columns ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ColumnConvention:
    """What the summary says of one number or date column: the convention applied, declared or
    inferred (with the value that showed it) or the default."""

    column: str
    kind: str                       # "number" or "date"
    applied: str                    # as a person reads it: "decimal ',' thousands '.'", "day/month/year"
    how: str                        # "declared", "inferred" or "default"
    evidence: str | None = None     # "row 4: '13/03/2024'"
    decimal: str | None = None
    thousands: str | None = None
    dates: str | None = None        # dayfirst, monthfirst, iso, a strptime format, or None (none needed)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FileConventions:
    """The style each number and date column of a file is read by, and the account of it."""

    styles: dict[str, Style] = field(default_factory=dict)
    columns: list[ColumnConvention] = field(default_factory=list)

    def style(self, column: str) -> Style:
        return self.styles.get(column, UNDECLARED)


@dataclass
class _Seen:
    """What a column's values showed: the first value of each kind (row, text)."""

    grouped: tuple[int, str] | None = None     # only a thousands comma / decimal point reads it
    comma: tuple[int, str] | None = None       # only a decimal comma reads it
    dayfirst: tuple[int, str] | None = None
    monthfirst: tuple[int, str] | None = None
    either: tuple[int, str] | None = None      # day/month or month/day, different dates


def file_conventions(path: Path, rows: Iterable[tuple[int, dict]], kinds: Mapping[str, set[str]],
                     declared: Mapping[str, Convention]) -> FileConventions:
    """Settle how each column of ``kinds`` (column -> {"number", "date"}) of the file ``path`` is read.

    ``declared`` holds each column's declaration (levels already combined). ``rows`` are the file's
    rows; they are read only if some column has nothing declared. Raise :class:`ConventionError`
    (one line, naming the file and every column) when a date column needs a declaration.
    """
    numbers = [c for c, k in kinds.items() if "number" in k
               and declared.get(c, NO_CONVENTION).decimal is None and declared.get(c, NO_CONVENTION).thousands is None]
    dates = [c for c, k in kinds.items() if "date" in k
             and declared.get(c, NO_CONVENTION).dates is None and declared.get(c, NO_CONVENTION).format is None]
    seen = {c: _Seen() for c in {*numbers, *dates}}
    if seen:
        _scan(rows, numbers, dates, seen)
    styles: dict[str, Style] = {}
    account: list[ColumnConvention] = []
    problems: list[str] = []
    for column in sorted(kinds):
        mine = declared.get(column, NO_CONVENTION)
        style = Style(decimal=mine.decimal, thousands=mine.thousands, dates=mine.dates, format=mine.format)
        if "number" in kinds[column]:
            style = _number_style(column, style, seen.get(column), account)
        if "date" in kinds[column]:
            style = _date_style(column, style, seen.get(column), account, problems)
        styles[column] = style
    if problems:
        raise ConventionError(f"{path}: " + "; ".join(problems) + "; declare the order for the column (dates: "
                              "dayfirst or monthfirst in the mapping, or --dates dayfirst|monthfirst); "
                              "nothing was written")
    return FileConventions(styles, account)


def _scan(rows: Iterable[tuple[int, dict]], numbers: list[str], dates: list[str], seen: dict[str, _Seen]) -> None:
    for row_no, row in rows:
        for column in numbers:
            text = row.get(column)
            if not text or type(text) is TypedText or ("," not in text and "." not in text):
                continue
            s = seen[column]
            if s.comma is not None and s.grouped is not None:
                continue
            point, comma = number_readings(text.strip())
            if point is None and comma is not None and s.comma is None:
                s.comma = (row_no, text.strip())
            elif comma is None and point is not None and s.grouped is None:
                s.grouped = (row_no, text.strip())
        for column in dates:
            text = row.get(column)
            if not text or type(text) is TypedText or len(text) > 12:
                continue
            fields = date_fields(text.strip())
            if fields is None:
                continue
            s, (first, second) = seen[column], fields
            if first > 12 >= second:
                s.dayfirst = s.dayfirst or (row_no, text.strip())
            elif second > 12 >= first:
                s.monthfirst = s.monthfirst or (row_no, text.strip())
            elif first != second and first <= 12 and second <= 12:
                s.either = s.either or (row_no, text.strip())


def _at(found: tuple[int, str]) -> str:
    return f"row {found[0]}: {found[1]!r}"


def _number_style(column: str, style: Style, seen: _Seen | None, account: list[ColumnConvention]) -> Style:
    if style.decimal is not None or style.thousands is not None:
        said = []
        if style.decimal is not None:
            said.append(f"decimal {style.decimal!r}")
        if style.thousands is not None:
            said.append(f"thousands {_SHOWN_THOUSANDS[style.thousands]}")
        account.append(ColumnConvention(column, "number", " ".join(said), "declared",
                                        decimal=style.decimal, thousands=style.thousands))
        return style
    seen = seen or _Seen()
    if seen.comma is not None:
        account.append(ColumnConvention(column, "number", "decimal '.'; decimal commas rejected (declare decimal ',')",
                                        "default", _at(seen.comma), decimal="."))
        return replace(style, comma_seen=True)
    if seen.grouped is not None:
        account.append(ColumnConvention(column, "number", "decimal '.' thousands ','", "inferred", _at(seen.grouped),
                                        decimal=".", thousands=","))
        return replace(style, grouped=True)
    account.append(ColumnConvention(column, "number", "decimal '.'", "default", decimal="."))
    return style


_ORDERS = {"dayfirst": "day/month/year", "monthfirst": "month/day/year", "iso": "year-month-day"}


def _date_style(column: str, style: Style, seen: _Seen | None, account: list[ColumnConvention],
                problems: list[str]) -> Style:
    if style.format is not None:
        account.append(ColumnConvention(column, "date", f"format {style.format!r}", "declared", dates=style.format))
        return style
    if style.dates is not None:
        account.append(ColumnConvention(column, "date", _ORDERS[style.dates], "declared", dates=style.dates))
        return style
    seen = seen or _Seen()
    if seen.dayfirst and seen.monthfirst:
        problems.append(f"column {column} has day-first ({_at(seen.dayfirst)}) and month-first "
                        f"({_at(seen.monthfirst)}) dates")
        return style
    for order in ("dayfirst", "monthfirst"):
        if getattr(seen, order):
            account.append(ColumnConvention(column, "date", _ORDERS[order], "inferred", _at(getattr(seen, order)),
                                            dates=order))
            return replace(style, dates=order)
    if seen.either:
        problems.append(f"column {column}: no date decides between day/month and month/day "
                        f"({_at(seen.either)} could be either)")
        return style
    account.append(ColumnConvention(column, "date", "no day/month order needed", "default"))
    return style
