"""What analyst-supplied Cypher may do: read operators and an allow-list of procedures and functions.

:meth:`Store.read_only <graph.store.Store.read_only>` runs Cypher that analysts wrote (``chokepoint cypher``,
saved queries, the app's ad-hoc box). It is checked three ways before it runs, and the first refusal wins:

1. **The statement type**, from the text: administration commands (``SHOW ...``, ``TERMINATE ...``,
   ``GRANT``, ``ALTER``...) are refused by their first words, and a ``USE`` clause (another database) too.
2. **Every procedure and function the text names**, whatever wraps it (``CALL x.y``, ``x.y(...)``,
   inside subqueries, ``CASE``, list comprehensions, back-ticked names): each namespaced name must be on
   :data:`PROCEDURES` or :data:`FUNCTIONS`. Names without a namespace are Neo4j's own built-in Cypher
   functions (a plugin cannot define one), which compute values and reach nothing.
3. **The plan** (``EXPLAIN``): the query type must be a read, every operator on :data:`READ_OPERATORS`,
   and every procedure or function in the operators' details on the allow-lists again.

Whatever runs a Cypher string (``apoc.cypher.*``, ``apoc.when``, ``apoc.case``, ``apoc.do.*``,
``apoc.periodic.*``, ``apoc.graph.fromCypher``...), loads or exports (``LOAD CSV``, ``apoc.load.*``,
``apoc.import.*``, ``apoc.export.*``) or manages the server (``dbms.*``, ``db.stats.*``) is refused in one
line that names it. :data:`SERVER_ALLOWLIST` is what the local Neo4j (and ``docker/compose.yml``) loads
at all (``dbms.security.procedures.allowlist``), so the server refuses the rest a second time.

Example
-------
>>> text_refusal("CALL apoc.when(true, 'LOAD CSV FROM \\"http://x\\" AS l RETURN l', '') YIELD value RETURN value")
'it calls apoc.when, which runs a Cypher string the plan cannot check'
>>> text_refusal("SHOW TRANSACTIONS")
'it is an administration command (SHOW TRANSACTIONS), which analysts may not run'
>>> text_refusal("MATCH (p:Person) RETURN toLower(p.caption) AS name, date.truncate('month', p.dob) AS m")
>>> scrub("Cannot load from URL 'file:///var/lib/neo4j/import/x.csv': no such file /var/lib/neo4j/import/x.csv")
"Cannot load from URL '<url>': no such file <path>"
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["PROCEDURES", "FUNCTIONS", "READ_OPERATORS", "SERVER_ALLOWLIST", "ADMIN_COMMANDS", "text_refusal",
           "plan_refusal", "called_names", "scrub"]

#: Procedures analysts may call: full-text search (what the app's search uses), the schema's names,
#: and APOC's path expanders (traversals with label and type filters; they read, and run no Cypher).
PROCEDURES = frozenset({
    "db.index.fulltext.queryNodes",
    "db.index.fulltext.queryRelationships",
    "db.labels",
    "db.relationshipTypes",
    "db.propertyKeys",
    "db.schema.visualization",
    "db.schema.nodeTypeProperties",
    "db.schema.relTypeProperties",
    "apoc.path.expand",
    "apoc.path.expandConfig",
    "apoc.path.subgraphNodes",
    "apoc.path.subgraphAll",
    "apoc.path.spanningTree",
})

#: Namespaced functions analysts may call: Neo4j's built-in temporal, spatial and vector functions, and a
#: few APOC functions that only compute values (collections, text similarity, maps, degree).
FUNCTIONS = frozenset({
    *(f"{kind}.{what}" for kind in ("date", "datetime", "localdatetime", "localtime", "time")
      for what in ("realtime", "statement", "transaction", "truncate")),
    "datetime.fromepoch", "datetime.fromepochmillis",
    "duration.between", "duration.inDays", "duration.inMonths", "duration.inSeconds",
    "point.distance", "point.withinBBox",
    "vector.similarity.cosine", "vector.similarity.euclidean",
    "apoc.coll.sum", "apoc.coll.avg", "apoc.coll.min", "apoc.coll.max", "apoc.coll.toSet", "apoc.coll.sort",
    "apoc.coll.flatten", "apoc.coll.frequencies", "apoc.coll.intersection", "apoc.coll.union",
    "apoc.coll.subtract", "apoc.coll.contains",
    "apoc.text.join", "apoc.text.clean", "apoc.text.levenshteinDistance", "apoc.text.levenshteinSimilarity",
    "apoc.text.jaroWinklerDistance", "apoc.text.sorensenDiceSimilarity", "apoc.text.fuzzyMatch",
    "apoc.map.merge", "apoc.map.fromPairs",
    "apoc.node.degree",
})

#: What the local Neo4j loads at all (``dbms.security.procedures.allowlist``): the APOC names above.
#: Neo4j's built-in procedures and functions are not plugins and always load; the runner checks those.
SERVER_ALLOWLIST = tuple(sorted(name for name in PROCEDURES | FUNCTIONS if name.startswith("apoc.")))

#: Plan operators that only read (Neo4j 5 and 2025.x; ``Name(Variant)`` is checked by ``Name``).
READ_OPERATORS = frozenset({
    "ProduceResults", "Argument", "ArgumentTracker", "EmptyResult",
    # leaves: scans and seeks
    "AllNodesScan", "NodeByLabelScan", "NodeByIdSeek", "NodeByElementIdSeek", "NodeIndexSeek",
    "NodeUniqueIndexSeek", "NodeIndexSeekByRange", "NodeUniqueIndexSeekByRange", "NodeIndexScan",
    "NodeIndexContainsScan", "NodeIndexEndsWithScan", "MultiNodeIndexSeek", "AssertingMultiNodeIndexSeek",
    "IntersectionNodeByLabelsScan", "UnionNodeByLabelsScan", "SubtractionNodeByLabelsScan",
    "DirectedAllRelationshipsScan", "UndirectedAllRelationshipsScan",
    "DirectedRelationshipTypeScan", "UndirectedRelationshipTypeScan",
    "DirectedUnionRelationshipTypesScan", "UndirectedUnionRelationshipTypesScan",
    "DirectedRelationshipByIdSeek", "UndirectedRelationshipByIdSeek",
    "DirectedRelationshipByElementIdSeek", "UndirectedRelationshipByElementIdSeek",
    "DirectedRelationshipIndexSeek", "UndirectedRelationshipIndexSeek",
    "DirectedRelationshipIndexSeekByRange", "UndirectedRelationshipIndexSeekByRange",
    "DirectedRelationshipUniqueIndexSeek", "UndirectedRelationshipUniqueIndexSeek",
    "DirectedRelationshipUniqueIndexSeekByRange", "UndirectedRelationshipUniqueIndexSeekByRange",
    "DirectedRelationshipIndexScan", "UndirectedRelationshipIndexScan",
    "DirectedRelationshipIndexContainsScan", "UndirectedRelationshipIndexContainsScan",
    "DirectedRelationshipIndexEndsWithScan", "UndirectedRelationshipIndexEndsWithScan",
    "NodeCountFromCountStore", "RelationshipCountFromCountStore",
    # traversals
    "Expand", "OptionalExpand", "VarLengthExpand", "BFSPruningVarLengthExpand", "Repeat", "Trail",
    "ShortestPath", "StatefulShortestPath", "NullifyMetadata", "ProjectEndpoints",
    # nesting and joining
    "Apply", "SemiApply", "AntiSemiApply", "LetSemiApply", "LetAntiSemiApply", "SelectOrSemiApply",
    "SelectOrAntiSemiApply", "LetSelectOrSemiApply", "LetSelectOrAntiSemiApply", "RollUpApply",
    "ConditionalApply", "AntiConditionalApply", "Optional", "CartesianProduct", "NodeHashJoin",
    "ValueHashJoin", "NodeLeftOuterHashJoin", "NodeRightOuterHashJoin", "TriadicSelection",
    "TriadicBuild", "TriadicFilter", "Union", "OrderedUnion", "Anti", "AssertSameNode",
    "AssertSameRelationship", "PreserveOrder",
    # rows
    "Filter", "Projection", "CacheProperties", "Unwind", "PartitionedUnwind", "Distinct", "OrderedDistinct",
    "Aggregation", "EagerAggregation", "OrderedAggregation", "Eager", "Sort", "PartialSort", "Top",
    "Top1WithTies", "PartialTop", "Limit", "ExhaustiveLimit", "Skip",
    # a procedure call: its name is checked against PROCEDURES
    "ProcedureCall",
})

#: First words of the administration commands refused by statement type.
ADMIN_COMMANDS = ("SHOW", "TERMINATE", "GRANT", "DENY", "REVOKE", "ALTER", "START", "STOP", "ENABLE", "DRYRUN",
                  "RENAME", "DEALLOCATE", "REALLOCATE")

# refused families, most specific first: (prefix, what it does)
_RUNS_CYPHER = "runs a Cypher string the plan cannot check"
_FAMILIES = (
    ("apoc.export.", "exports data (and may run a Cypher string)"),
    ("apoc.load.", "loads files or URLs on the server"),
    ("apoc.import.", "loads files or URLs on the server"),
    ("apoc.cypher.", _RUNS_CYPHER), ("apoc.when", _RUNS_CYPHER), ("apoc.case", _RUNS_CYPHER),
    ("apoc.do.", _RUNS_CYPHER), ("apoc.periodic.", _RUNS_CYPHER), ("apoc.graph.", _RUNS_CYPHER),
    ("apoc.trigger.", _RUNS_CYPHER), ("apoc.custom.", _RUNS_CYPHER), ("apoc.dv.", _RUNS_CYPHER),
    ("apoc.log.", "writes to the server's log"),
    ("apoc.util.sleep", "holds the server's threads"),
    ("dbms.", "is an administration procedure (dbms.*)"),
    ("db.stats.", "is an administration procedure (db.stats.*)"),
    ("tx.", "is an administration procedure (tx.*)"),
)
_ADMIN = re.compile(r"\s*(?:CYPHER\b[^\n]*?\s+)?(" + "|".join(ADMIN_COMMANDS) + r")\b(\s+\w+)?", re.I)
_USE = re.compile(r"(?<![.$\w])USE\s", re.I)
_LOAD_CSV = re.compile(r"(?<![.$\w])LOAD\s+CSV\b", re.I)
#: ``a.b.c(`` (a call) or ``CALL a.b.c`` (a procedure, parentheses optional): namespaced names
_CALLED = re.compile(r"(?<![\w.$])([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)+)\s*\(")
_CALL_PROC = re.compile(r"(?<![\w.$])CALL\s+([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)+)", re.I)
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:/[\w.@+~-]+){2,}/?")
_URL = re.compile(r"\b(?:file|https?|ftp|s3|gs|jdbc):[^\s'\"`]*", re.I)


def text_refusal(query: str) -> str | None:
    """Why the text of ``query`` may not run read-only (statement type, ``USE``, a name not allowed)."""
    code = _code(query)
    admin = _ADMIN.match(code)
    if admin:
        command = " ".join((admin.group(1) + (admin.group(2) or "")).split()).upper()
        return f"it is an administration command ({command}), which analysts may not run"
    if _USE.search(code):
        return "it names a database (USE); queries run on the configured database only"
    if _LOAD_CSV.search(code):
        return "it reads files or URLs on the server (LOAD CSV); load records with `chokepoint load` instead"
    for name in called_names(code, parsed=True):
        refusal = name_refusal(name)
        if refusal:
            return refusal
    return None


def plan_refusal(operators: Iterable[tuple[str, str]]) -> str | None:
    """Why a read plan's ``(operator, details)`` pairs may not run: an operator or a name not allowed."""
    operators = list(operators)
    names = {name.split("(", 1)[0] for name, _ in operators}
    if "LoadCSV" in names:
        return "it reads files or URLs on the server (LOAD CSV); load records with `chokepoint load` instead"
    if names & {"TransactionApply", "TransactionForeach"}:
        return "it commits transactions of its own (CALL { ... } IN TRANSACTIONS)"
    for name in sorted(names - READ_OPERATORS):
        if name.startswith(("Show", "Terminate")) or name == "AdministrationCommand":
            return f"it is an administration command (plan operator {name}), which analysts may not run"
        return f"its plan uses the operator {name}, which is not a read (docs/security.md lists the read operators)"
    for _, details in operators:
        for name in called_names(details):
            refusal = name_refusal(name)
            if refusal:
                return refusal
    return None


def name_refusal(name: str) -> str | None:
    """Why calling the procedure or function ``name`` is refused, or None when it is allowed."""
    if "." not in name or name in PROCEDURES or name in FUNCTIONS:
        return None
    lowered = name.lower()
    for prefix, what in _FAMILIES:
        if lowered.startswith(prefix.lower()):
            return f"it calls {name}, which {what}"
    return f"it calls {name}, which is not on the read-only allow-list (docs/security.md)"


def called_names(text: str, parsed: bool = False) -> Iterator[str]:
    """Namespaced names called in ``text``: Cypher (``parsed``: already through :func:`_code`) or a plan's
    details (string literals and back-ticked names dropped first), in order."""
    code = text if parsed else _code(text, keep_backticks=False)
    seen = set()
    for pattern in (_CALL_PROC, _CALLED):
        for m in pattern.finditer(code):
            name = re.sub(r"\s+", "", m.group(1))
            if name not in seen:
                seen.add(name)
                yield name


def scrub(message: str) -> str:
    """A server's message without its file paths and URLs (``<path>``, ``<url>``), on one line."""
    text = _URL.sub("<url>", message or "")
    text = _PATH.sub("<path>", text)
    return " ".join(text.split())


def _code(cypher: str, keep_backticks: bool = True) -> str:
    """Cypher with comments and string literals blanked; back-ticked names unquoted (``keep_backticks``)
    or blanked. ``CALL `apoc`.`when`(...)`` reads as ``CALL apoc.when(...)``."""
    out: list[str] = []
    i, n = 0, len(cypher)
    while i < n:
        c = cypher[i]
        if c in "'\"":
            j = i + 1
            while j < n and cypher[j] != c:
                j += 2 if cypher[j] == "\\" else 1
            out.append("''")
            i = j + 1
        elif c == "`":
            j = i + 1
            name = []
            while j < n:
                if cypher[j] == "`":
                    if cypher.startswith("``", j):
                        name.append("`")
                        j += 2
                        continue
                    break
                name.append(cypher[j])
                j += 1
            inner = "".join(name)
            out.append(inner if keep_backticks and re.fullmatch(r"[\w.]+", inner) else ("_q" if keep_backticks else "_"))
            i = j + 1
        elif cypher.startswith("//", i):
            j = cypher.find("\n", i)
            i = n if j < 0 else j
            out.append(" ")
        elif cypher.startswith("/*", i):
            j = cypher.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        else:
            out.append(c)
            i += 1
    return "".join(out)

