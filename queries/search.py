"""Find entities by what an investigator types: a name, an alias, a phone, a plate, an id.

The text is always a parameter; Lucene's special characters are escaped, so any input is safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chokepoint.graph.ids import normalise_key
from chokepoint.graph.store import Store
from chokepoint.graph.audit import logged

__all__ = ["Match", "search_entities"]

_FULLTEXT = """
CALL db.index.fulltext.queryNodes('entity_search', $lucene, {limit: $limit})
YIELD node, score
RETURN node.id AS id, [l IN labels(node) WHERE l <> 'Entity'][0] AS label, node.caption AS caption,
       node.aliases AS aliases, score
"""

_BY_ID = """
MATCH (n:Entity {id: $text})
RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'][0] AS label, n.caption AS caption,
       n.aliases AS aliases, 100.0 AS score
"""

_WORD = re.compile(r"\w+(?:\.\w+)*")  # a word, or dotted words ("john.smith", "acme.com")
_PHONE_LIKE = re.compile(r"[\d\s+().-]+")


@dataclass(frozen=True)
class Match:
    id: str
    label: str
    caption: str
    aliases: tuple[str, ...]
    score: float

    @property
    def display(self) -> str:
        return f"{self.caption} ({self.label})"


@logged("search", query_from="text")
def search_entities(store: Store, text: str, limit: int = 20) -> list[Match]:
    """Entities whose caption, aliases or id match ``text`` (every word, as a prefix), best first.

    >>> _lucene("Andrés Ló")
    'andres* AND lo*'
    >>> _lucene('+1 (619) "x"~')
    '1* AND 619* AND x*'
    >>> _lucene("+1 (619) 555")
    '1619555*'
    >>> _lucene("John.Smith acme")
    '(john.smith* OR (john* AND smith*)) AND acme*'
    """
    text = (text or "").strip()
    if not text:
        return []
    rows = store.read(_BY_ID, text=text)
    lucene = _lucene(text)
    if lucene:
        rows += store.read(_FULLTEXT, lucene=lucene, limit=limit)
    seen: set[str] = set()
    matches = []
    for r in rows:
        if r["id"] in seen:
            continue
        seen.add(r["id"])
        matches.append(Match(r["id"], r["label"], r["caption"], tuple(r["aliases"] or ()), float(r["score"])))
    return matches[:limit]


def _lucene(text: str) -> str:
    """Folded word prefixes: only letters and digits reach Lucene, so no input can break its syntax.

    Text that looks like a phone number ("+52 (667) 111-2233") becomes one run of digits. Lucene's
    standard tokenizer keeps dotted words whole ("john.smith" is one word in the index), so a dotted
    word is looked for whole or as its parts.
    """
    if _PHONE_LIKE.fullmatch(text) and sum(c.isdigit() for c in text) >= 3:
        return "".join(c for c in text if c.isdigit()) + "*"
    return " AND ".join(_term(w) for w in _WORD.findall(normalise_key(text)))


def _term(word: str) -> str:
    if "." not in word:
        return f"{word}*"
    return f"({word}* OR ({' AND '.join(f'{part}*' for part in word.split('.'))}))"
