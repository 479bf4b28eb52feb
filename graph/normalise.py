"""Deterministic normalisation of key values before they are hashed into entity ids.

Each schema key names its normaliser (``graph/schema.yaml``, ``normalise:``); the default is
:func:`text`. Same real-world value, same normalised key, on every machine.

Examples
--------
>>> text("  Andrés   LÓPEZ ")
'andres lopez'
>>> text("Дмитрий Ковалёв")
'dmitriy kovalev'
>>> person_name("LOPEZ, Andrés")
'andres lopez'
>>> company_name("Pacific Rim Trading, S.A. de C.V.")
'pacific rim trading'
>>> company_name("HUBEI JINLONG CHEMICAL CO., LTD.")
'hubei jinlong chemical'
>>> phone("(619) 555-0101")
'+16195550101'
>>> phone("667 111 2233", region="MX")
'+526671112233'
>>> plate("az-8xy 21")
'AZ8XY21'
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import phonenumbers
from anyascii import anyascii

__all__ = ["text", "person_name", "company_name", "phone", "plate", "NORMALISERS", "DEFAULT_PHONE_REGION"]

#: Region assumed for phone numbers written without a country code (``CHOKEPOINT_PHONE_REGION``).
DEFAULT_PHONE_REGION = os.environ.get("CHOKEPOINT_PHONE_REGION", "US")

_JOINERS = re.compile(r"[.'’`´]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Legal-form suffixes, already in text() form, longest first so "s a de c v" wins over "s a".
_COMPANY_SUFFIXES = sorted(
    [
        "s a de c v", "sa de cv", "s de r l de c v", "s de rl de cv", "sapi de cv", "s a p i de c v",
        "s a b de c v", "sab de cv", "s c", "s a", "sa", "s r l", "srl", "s l", "sl", "s a s", "sas",
        "ltd", "limited", "co ltd", "co", "company", "inc", "incorporated", "corp", "corporation",
        "llc", "l l c", "lp", "llp", "plc", "gmbh", "ag", "bv", "b v", "nv", "pte ltd", "pty ltd", "oy",
        "ab", "kk", "spa", "s p a", "cia", "y cia", "and co", "group", "trading co",
    ],
    key=len,
    reverse=True,
)
_SUFFIX_RE = re.compile(r"(?:\s|^)(?:" + "|".join(re.escape(s) for s in _COMPANY_SUFFIXES) + r")$")


def text(value: object) -> str:
    """Transliterate to ASCII, lower-case, drop . and apostrophes, other punctuation to spaces, trim."""
    if value is None:
        return ""
    ascii_text = _JOINERS.sub("", anyascii(str(value)).lower())
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def person_name(value: object) -> str:
    """:func:`text`, with "Last, First" turned into "First Last"."""
    raw = "" if value is None else str(value)
    if raw.count(",") == 1:
        last, first = raw.split(",")
        if first.strip() and last.strip():
            raw = f"{first} {last}"
    return text(raw)


def company_name(value: object) -> str:
    """:func:`text` without trailing legal forms (S.A. de C.V., Ltd, Co., GmbH, LLC...)."""
    name = text(value)
    while True:
        stripped = _SUFFIX_RE.sub("", name).strip()
        if stripped == name or not stripped:
            return name
        name = stripped


def phone(value: object, region: str | None = None) -> str:
    """E.164 (``+16195550101``) when the number parses, else its digits (``+`` kept if it had one).

    A number without a country code is read in ``region`` (default ``CHOKEPOINT_PHONE_REGION``, US);
    a leading ``00`` is read as ``+``.
    """
    raw = "" if value is None else str(value).strip()
    if not raw:
        return ""
    if raw.startswith("00"):  # the international prefix most of the world dials
        raw = "+" + raw[2:]
    try:
        parsed = phonenumbers.parse(raw, region or DEFAULT_PHONE_REGION)
        if phonenumbers.is_possible_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    digits = "".join(c for c in raw if c.isdigit())
    return ("+" + digits) if raw.startswith("+") and digits else digits


def plate(value: object) -> str:
    """Upper-case letters and digits only: ``az-8xy 21`` -> ``AZ8XY21``."""
    return "".join(c for c in anyascii("" if value is None else str(value)).upper() if c.isalnum())


NORMALISERS: dict[str, Callable[[object], str]] = {
    "text": text,
    "person_name": person_name,
    "company_name": company_name,
    "phone": phone,
    "plate": plate,
}
