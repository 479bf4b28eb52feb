"""Synthetic trafficking cases: standard record files plus ``truth.json``, deterministic by seed.

The generator writes the same record files the loaders read (docs/records.md), so a generated case goes
through the real loading path, noise and all. It streams: it builds the case one cell (crew) at a
time and keeps only the shared part of the world (suppliers, brokers, front companies, labs, staging
houses, dealers) and small per-question tallies in memory, so memory does not grow with the number of
records. docs/synthetic.md explains the structure and why it looks the way it does.

    >>> from chokepoint.synthetic.generator import SCENARIOS
    >>> sorted(SCENARIOS)
    ['poe-couriers', 'precursor-brokerage', 'southbound-firearms']
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import unicodedata
from bisect import bisect
from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import accumulate
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from chokepoint.graph.errors import ChokepointError
from chokepoint.synthetic import pools

__all__ = ["Scenario", "SCENARIOS", "GenerateSummary", "generate", "FILES"]

GENERATOR_VERSION = 1
#: Record files written, with their columns (the standard record set, docs/records.md).
FILES: dict[str, tuple[str, ...]] = {
    "ports": ("code", "name", "state", "country", "lat", "lon"),
    "locations": ("name", "kind", "country", "lat", "lon"),
    "chemicals": ("name", "aliases", "cas", "controlled", "category"),
    "organizations": ("name", "aliases", "roles", "country", "city"),
    "persons": ("name", "aliases", "roles", "dob", "nationality", "city"),
    "memberships": ("person", "organization", "role"),
    "labs": ("name", "kind", "country", "operator", "city"),
    "phones": ("number", "user"),
    "vehicles": ("plate", "make", "model", "kind", "user"),
    "supplies": ("supplier", "buyer", "buyer_type", "chemical", "quantity", "unit", "date"),
    "shipments": ("shipment_id", "from", "from_type", "to", "to_type", "commodity", "quantity", "unit",
                  "date", "mode", "courier", "vehicle", "port"),
    "crossings": ("person", "vehicle", "port", "date", "direction"),
    "communications": ("from_phone", "to_phone", "date", "duration_s", "kind"),
    "seizures": ("seizure_id", "date", "agency", "commodity", "quantity", "unit", "port", "location",
                 "arrested", "shipment_id", "vehicle"),
    "firearms": ("serial", "make", "model", "caliber", "purchaser", "dealer", "purchase_date", "trace_id",
                 "trace_date", "seizure_id"),
}
YEAR = 2024


@dataclass(frozen=True)
class Scenario:
    """Sizes at ``--scale 1`` (a classroom case) and rates; ``--scale`` multiplies the cells."""

    name: str
    title: str
    teaches: str
    cells: int
    couriers: int              # per cell
    distributors: int          # per cell
    shipments: int             # cross-border loads per courier per phase
    crossings: int             # crossings per courier per phase (on top of the loads)
    calls: int                 # calls per member per phase
    straw_purchasers: int      # per cell
    guns: int                  # mean guns per straw purchaser
    seizure_rate: float        # share of cross-border loads seized
    trace_rate: float          # share of guns seized in Mexico and traced
    suppliers: int
    fronts: int
    labs: int
    staging: int               # staging houses on the Mexican side, shared by all cells
    dealers: int
    brokers: int
    phases: int = 3
    questions: tuple[str, ...] = ()


SCENARIOS: dict[str, Scenario] = {s.name: s for s in (
    Scenario("precursor-brokerage", "Precursor brokerage",
             "how precursors reach labs through a front company and the broker behind it; supplier switching",
             cells=2, couriers=2, distributors=1, shipments=1, crossings=1, calls=3, straw_purchasers=0, guns=0,
             seizure_rate=0.1, trace_rate=0.0, suppliers=2, fronts=1, labs=2, staging=1, dealers=1, brokers=1,
             questions=("precursor_chokepoint", "front_director", "switched_precursor")),
    Scenario("poe-couriers", "Courier cells at the ports of entry",
             "corridors and ports of entry, courier cells, seizures over phases, the places whose loss cuts "
             "the labs off from the markets",
             cells=4, couriers=2, distributors=1, shipments=1, crossings=2, calls=3, straw_purchasers=0, guns=0,
             seizure_rate=0.15, trace_rate=0.0, suppliers=1, fronts=1, labs=3, staging=2, dealers=1, brokers=1,
             questions=("busiest_port_phase2", "lab_market_cut", "top_crosser_phase1")),
    Scenario("southbound-firearms", "Southbound firearms",
             "straw purchasers, dealers and traces: guns bought in the US, seized and traced in Mexico",
             cells=2, couriers=1, distributors=1, shipments=1, crossings=1, calls=3, straw_purchasers=3, guns=5,
             seizure_rate=0.1, trace_rate=0.6, suppliers=1, fronts=1, labs=1, staging=1, dealers=3, brokers=1,
             questions=("top_straw_purchaser", "top_dealer_traced", "guns_city")),
)}

QUESTION_TEXT = {
    "precursor_chokepoint": "Which organisation(s) sit on every precursor route from the foreign suppliers to "
                            "the labs? (the fewest whose removal cuts every route)",
    "front_director": "Who directs the organisation(s) every precursor route passes through?",
    "switched_precursor": "After phase 1, which precursor did the suppliers ship most of?",
    "busiest_port_phase2": "Which port of entry carried the most volume (kg) in phase 2?",
    "lab_market_cut": "Which places, removed together, would disconnect every lab from every market? "
                      "(the fewest possible)",
    "top_crosser_phase1": "Which courier crossed the border most often in phase 1?",
    "top_straw_purchaser": "Which straw purchaser bought the most firearms that were later traced from Mexico?",
    "top_dealer_traced": "Which dealer sold the most firearms that were later traced from Mexico?",
    "guns_city": "In which Mexican city were the most of the traced firearms seized?",
}


@dataclass
class GenerateSummary:
    scenario: str
    seed: int
    scale: float
    out: str
    records: dict[str, int]
    entities: int
    seconds: float = 0.0

    @property
    def total_records(self) -> int:
        return sum(self.records.values())


class _Records:
    """One CSV file per record kind; counts rows so invalid rows can be named by row number.

    Rows are written as plain joined text when no field needs quoting (the csv module is four times
    slower and this is the generator's hottest path); others go through ``csv.writer``. Both give the
    same bytes.
    """

    def __init__(self, out: Path):
        self.files, self.writerow, self.rows = {}, {}, dict.fromkeys(FILES, 0)
        for name, columns in FILES.items():
            f = open(out / f"{name}.csv", "w", newline="", encoding="utf-8", buffering=1 << 20)
            self.files[name] = f
            self.writerow[name] = _row_writer(f)
            self.writerow[name](columns)

    def write(self, name: str, row: list) -> int:
        """Write ``row``; return its row number (header = 1)."""
        self.writerow[name](row)
        self.rows[name] += 1
        return self.rows[name] + 1

    def close(self) -> None:
        for f in self.files.values():
            f.close()


def _row_writer(f) -> Callable[[Any], None]:
    slow = csv.writer(f, lineterminator="\n").writerow
    write = f.write

    def writerow(row) -> None:
        try:
            line = ",".join(row)
        except TypeError:  # numbers among the fields (the hot paths pass text only)
            row = [v if v.__class__ is str else str(v) for v in row]
            line = ",".join(row)
        if line.count(",") == len(row) - 1 and '"' not in line and "\n" not in line and "\r" not in line:
            write(line + "\n")
        else:
            slow(row)
    return writerow


class _Spool:
    """A list written to a temporary file as it grows, copied out as a JSON array at the end."""

    def __init__(self, folder: Path):
        import tempfile

        self.file = tempfile.TemporaryFile("w+", encoding="utf-8", dir=folder)
        self.count = 0

    def append(self, item: dict) -> None:
        self.file.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
        self.count += 1

    def copy_to(self, out) -> None:
        self.file.seek(0)
        out.write("[")
        for i, line in enumerate(self.file):
            out.write(("," if i else "") + "\n" + line.rstrip("\n"))
        out.write("\n]")
        self.file.close()


class _Leaders:
    """The keys with the highest count among final counts offered so far (ties kept), in O(ties) memory."""

    def __init__(self):
        self.value, self.keys = None, set()

    def offer(self, counts: Counter) -> None:
        for key, value in counts.items():
            if self.value is None or value > self.value:
                self.value, self.keys = value, {key}
            elif value == self.value:
                self.keys.add(key)

    def best(self) -> list[str]:
        return sorted(self.keys)


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class _Names:
    """Unique invented names by index: a fixed permutation of given name x surname x surname."""

    def __init__(self, seed: int):
        self.offset_es = seed * 7919
        self.offset_en = seed * 104729
        self.n_es = len(pools.GIVEN_ES) * len(pools.SURNAMES_ES) ** 2
        self.n_en = len(pools.GIVEN_EN) * len(pools.SURNAMES_EN) * 26 * 4
        self.es = self.en = 0

    def spanish(self) -> str:
        if self.es >= self.n_es:
            raise ChokepointError(f"scale too large: more than {self.n_es:,} Mexican names needed")
        k = (self.es * 1_000_003 + self.offset_es) % self.n_es
        self.es += 1
        k, g = divmod(k, len(pools.GIVEN_ES))
        s2, s1 = divmod(k, len(pools.SURNAMES_ES))
        return f"{pools.GIVEN_ES[g]} {pools.SURNAMES_ES[s1]} {pools.SURNAMES_ES[s2]}"

    def english(self) -> str:
        if self.en >= self.n_en:
            raise ChokepointError(f"scale too large: more than {self.n_en:,} US names needed")
        k = (self.en * 1_000_003 + self.offset_en) % self.n_en
        self.en += 1
        k, g = divmod(k, len(pools.GIVEN_EN))
        k, s = divmod(k, len(pools.SURNAMES_EN))
        suffix, initial = divmod(k, 26)
        tail = ("", " Jr.", " Sr.", " III")[suffix]
        return f"{pools.GIVEN_EN[g]} {chr(65 + initial)}. {pools.SURNAMES_EN[s]}{tail}"


class _Generator:
    def __init__(self, scenario: Scenario, seed: int, scale: float, noise: float, out: Path,
                 progress: Callable[[int], None] | None):
        self.sc, self.seed, self.scale, self.noise, self.out = scenario, seed, scale, noise, out
        self.rng = random.Random(f"chokepoint:{scenario.name}:{seed}")
        self.names = _Names(seed)
        self.progress = progress
        self.rec = _Records(out)
        self.truth_file = open(out / "truth.json", "w", encoding="utf-8")
        self.truth_file.write('{"entities": [\n')
        self.entities = 0
        self.counters = Counter()
        self.variants: dict[str, str] = {}       # person -> a planted other spelling (this cell's and shared)
        self.shared_people: set[str] = set()     # persons outside any cell (brokers, cooks)
        # truth lists that grow with the case are spooled to disk, not kept
        self.duplicates, self.invalid, self.arrests, self.routes_out = (
            _Spool(out), _Spool(out), _Spool(out), _Spool(out))
        self.routes: Counter = Counter()         # this cell's (lab, staging, port, stash, market, phase) -> kg
        self.leaders: dict[str, _Leaders] = defaultdict(_Leaders)  # per-cell tallies: only the best kept
        # the planted cuts, recorded as the goods are written (docs/synthetic.md, "Truth by construction")
        self.fed_fronts: set[str] = set()        # fronts that received a readable load from a supplier
        self.sending_fronts: set[str] = set()    # fronts that sent a readable load on to a lab
        self.fed_stages: set[str] = set()        # staging houses that received a readable load from a lab
        self.stage_cells: dict[str, list] = {}   # staging house -> [cells whose goods reached a market, 1st stash]
        self.tallies: dict[str, Counter] = defaultdict(Counter)
        phase_days = (366 // scenario.phases)
        start = dt.date(YEAR, 1, 1)
        self.days = [(start + dt.timedelta(days=i)).isoformat() for i in range(366)]
        self.phases = [(p + 1, p * phase_days, (p + 1) * phase_days - 1 if p + 1 < scenario.phases else 365)
                       for p in range(scenario.phases)]
        self.phase_of = [next(p for p, lo, hi in self.phases if lo <= d <= hi) for d in range(366)]
        self.crossed: set[tuple[str, int]] = set()  # this cell's (courier, day): one crossing a day in the graph
        self.n_cells = max(1, round(scenario.cells * scale))
        grow = max(1.0, scale) ** 0.5  # the shared part of the world grows slower than the cells
        self.n = {k: max(getattr(scenario, k), round(getattr(scenario, k) * grow))
                  for k in ("suppliers", "fronts", "labs", "staging", "dealers", "brokers")}
        self.seq = Counter()
        self.directors: dict[str, str] = {}      # front company -> its director
        self.courier_phones: dict[str, str] = {}
        self.broker_phones: dict[str, str] = {}
        self.arrested: set[str] = set()
        self.customers: dict[str, list[str]] = {}   # this cell's distributor -> buyer phones

    # -- helpers ------------------------------------------------------------------------------
    def entity(self, label: str, key: str, role: str, cell: int | None = None, phase: int | None = None,
               **extra: Any) -> str:
        """Record ``key``'s truth (one line of truth.json's entity list)."""
        if extra or '"' in key or "\\" in key:
            entry = {"label": label, "key": key, "role": role, "cell": cell, "phase": phase, **extra}
            line = json.dumps(entry, ensure_ascii=False)
        else:  # the common case, formatted directly (json.dumps is a third of the generator's time)
            line = (f'{{"label": "{label}", "key": "{key}", "role": "{role}", '
                    f'"cell": {"null" if cell is None else cell}, "phase": {"null" if phase is None else phase}}}')
        self.truth_file.write((",\n" if self.entities else "") + line)
        self.entities += 1
        return key

    def day(self, phase: int, rng: random.Random | None = None) -> int:
        _, lo, hi = self.phases[phase - 1]
        return lo + int((rng or self.rng).random() * (hi - lo + 1))

    def next_id(self, kind: str) -> int:
        self.seq[kind] += 1
        return self.seq[kind]

    def mention(self, person: str) -> str:
        """How a record spells ``person``: usually as registered, sometimes a planted variant."""
        variant = self.variants.get(person)
        if variant is not None and self.rng.random() < 0.3:
            return variant
        return person

    def person(self, name: str, role: str, cell: int | None, phase: int, city: str, nationality: str,
               aliases: str = "") -> str:
        rng = self.rng
        self.entity("Person", name, role, cell, phase)
        if cell is None:
            self.shared_people.add(name)
        dob = f"{rng.randint(1960, 2003)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if rng.random() < self.noise:
            dob = ""  # missing value
        row = [name, aliases, role, dob, nationality if rng.random() >= self.noise else "", city]
        self.rec.write("persons", row)
        if rng.random() < self.noise / 2:
            self.rec.write("persons", row)  # the same record twice (exports overlap)
        if rng.random() < self.noise * 2:
            self.plant_variant(name)
        return name

    def plant_variant(self, name: str) -> None:
        rng = self.rng
        kind = rng.choice(("case", "accents", "comma", "order", "typo"))
        parts = name.split(" ")
        if kind == "case":
            variant = name.upper()
        elif kind == "accents":
            variant = _strip_accents(name)
            if variant == name:
                variant, kind = name.upper(), "case"
        elif kind == "comma":
            variant = f"{' '.join(parts[1:])}, {parts[0]}"
        elif kind == "order":
            variant = " ".join(parts[1:] + parts[:1])
        else:
            word = max(range(len(parts)), key=lambda i: len(parts[i]))
            w = parts[word]
            i = rng.randrange(1, len(w) - 2)
            parts[word] = w[:i] + w[i + 1] + w[i] + w[i + 2:]
            variant = " ".join(parts)
            if variant == name:
                return
        self.variants[name] = variant
        expected = "same entity" if kind in ("case", "accents", "comma") else "resolve candidate"
        self.duplicates.append({"label": "Person", "key": name, "variant": variant, "kind": kind,
                                "expected": expected})

    def phone(self, user: str, mexican: bool, cell: int | None = None, phase: int | None = None) -> str:
        number = self.number(mexican)
        self.entity("Phone", number, "phone", cell, phase)
        self.rec.write("phones", [number, self.mention(user)])
        return number

    def spell_phone(self, number: str, always: bool = False) -> str:
        """Phone numbers as other exports write them (the loader brings them all to E.164)."""
        if not always and self.rng.random() >= self.noise:
            return number
        digits = number.replace(" ", "")
        return self.rng.choice((digits, "00" + digits[1:], number.replace(" ", "-")))

    def vehicle(self, user: str, cell: int, mexican: bool) -> str:
        n = self.next_id("vehicle")
        make, model, kind = pools.VEHICLES[n % len(pools.VEHICLES)]
        letters = "".join(chr(65 + (n // 26 ** i) % 26) for i in range(3))
        plate = f"{letters}-{n % 1000:03d}-{(n // 1000) % 100:02d}" if mexican else f"{n % 9 + 1}{letters}{n % 1000:03d}"
        self.entity("Vehicle", plate, "vehicle", cell)
        self.rec.write("vehicles", [plate, make, model, kind, self.mention(user)])
        return plate

    def location(self, name: str, kind: str, country: str, lat: float, lon: float, cell: int | None = None,
                 role: str | None = None) -> str:
        self.entity("Location", name, role or kind, cell)
        jitter = self.rng.random
        self.rec.write("locations", [name, kind, country, f"{lat + (jitter() - 0.5) * 0.05:.4f}",
                                     f"{lon + (jitter() - 0.5) * 0.05:.4f}"])
        return name

    def calls(self, pairs: list[tuple[str, str]], phase: int) -> None:
        """Call records between phone numbers (the hottest loop of the generator: kept flat)."""
        rng, days, noise = self.rng, self.days, self.noise
        random_, expo = rng.random, rng.expovariate
        _, lo, hi = self.phases[phase - 1]
        span = hi - lo + 1
        writerow = self.rec.writerow["communications"]
        for a, b in pairs:
            draw = random_()
            if draw < noise:  # one end written as another export would
                if draw < noise / 2:
                    a = self.spell_phone(a, always=True)
                else:
                    b = self.spell_phone(b, always=True)
            writerow((a, b, days[lo + int(random_() * span)], str(int(expo(1 / 120)) + 5),
                      "call" if draw < 0.7 else "sms"))
        self.rec.rows["communications"] += len(pairs)

    def shipment(self, src: tuple[str, str], dst: tuple[str, str], commodity: str, kg: float, day: int,
                 mode: str, courier: str = "", vehicle: str = "", port: str = "", cell: int | None = None,
                 phase: int | None = None) -> tuple[str, int, bool]:
        """Write a shipment row; return (id, row number, loaded). A few rows are made unreadable."""
        self.seq["shipment"] += 1
        sid = f"SH-{self.seq['shipment']:08d}"
        date = self.days[day]
        quantity: Any = kg
        valid = True
        draw = self.rng.random()  # one draw decides: unreadable row, the same row twice, or neither
        if draw < self.noise / 10:
            valid = False
            if draw < self.noise / 20:
                quantity, column, why = f"about {kg:g}", "quantity", "not a number"
            else:
                date, column, why = f"{YEAR}-02-31", "date", "not a date"
        row = [sid, src[1], src[0], dst[1], dst[0], commodity, str(quantity), "kg", date, mode,
               self.mention(courier) if courier else "", vehicle, port]
        row_no = self.rec.write("shipments", row)
        if not valid:
            self.invalid.append({"file": "shipments.csv", "row": row_no, "column": column, "why": why})
            return sid, row_no, valid
        self.entity("Shipment", sid, "shipment", cell, phase)
        if draw < self.noise / 10 + self.noise / 2:
            self.rec.write("shipments", row)  # the same load in two exports
        return sid, row_no, valid

    def tick(self, n: int = 1) -> None:
        if self.progress:
            self.progress(n)

    # -- the world ----------------------------------------------------------------------------
    def run(self) -> None:
        sc, rng, rec = self.sc, self.rng, self.rec
        ports = pools.PORTS[:max(3, min(len(pools.PORTS), self.n_cells))]
        for code, name, state, lat, lon in ports:
            self.entity("PortOfEntry", code, "port_of_entry", name=name)
            rec.write("ports", [code, name, state, "US", lat, lon])
        for name, alias, cas, category in pools.PRECURSORS + pools.PRODUCTS:
            self.entity("Chemical", name, category)
            rec.write("chemicals", [name, alias, cas, "yes" if category == "precursor" else "no", category])
        # shared world: suppliers abroad, front companies and their brokers, labs, staging houses, dealers
        suppliers = []
        for i in range(self.n["suppliers"]):
            city, country, lat, lon = pools.ABROAD[i % len(pools.ABROAD)]
            name = (f"{pools.SUPPLIER_WORDS[i % len(pools.SUPPLIER_WORDS)]} "
                    f"{pools.SUPPLIER_NAMES[(i * 7 + self.seed) % len(pools.SUPPLIER_NAMES)]} "
                    f"{pools.SUPPLIER_KINDS[(i // len(pools.SUPPLIER_WORDS)) % len(pools.SUPPLIER_KINDS)]}")
            if i >= len(pools.SUPPLIER_WORDS) * len(pools.SUPPLIER_KINDS):
                name += f" ({i})"
            self.entity("Organization", name, "supplier")
            rec.write("organizations", [name, "", "supplier", country, city])
            suppliers.append((name, city, lat, lon))
        for city, country, lat, lon in pools.ABROAD:
            self.location(city, "city", country, lat, lon)
        for city, lat, lon in pools.SEA_PORTS + pools.LAB_CITIES:
            self.location(city, "city", "MX", lat, lon)
        brokers = []
        for i in range(self.n["brokers"]):
            brokers.append(self.person(self.names.spanish(), "broker", None, 1, "Guadalajara", "MX"))
            self.broker_phones[brokers[-1]] = self.phone(brokers[-1], mexican=True)
        fronts = []
        for i in range(self.n["fronts"]):
            name = (f"{pools.FRONT_KINDS[i % len(pools.FRONT_KINDS)]} "
                    f"{pools.FRONT_WORDS[(i + self.seed) % len(pools.FRONT_WORDS)]} "
                    f"{pools.FRONT_SUFFIXES[i % len(pools.FRONT_SUFFIXES)]}")
            if i >= len(pools.FRONT_KINDS):
                name = name.replace(" S.", f" {i} S.", 1)
            sea = pools.SEA_PORTS[i % len(pools.SEA_PORTS)][0]
            self.entity("Organization", name, "front_company")
            rec.write("organizations", [name, "", "front_company", "MX", sea])
            director = brokers[i % len(brokers)]
            rec.write("memberships", [self.mention(director), name, "director"])
            self.directors[name] = director
            fronts.append((name, sea))
        self.fronts = fronts
        labs = []
        for i in range(self.n["labs"]):
            city = pools.LAB_CITIES[i % len(pools.LAB_CITIES)][0]
            name = f"Lab {city} {i + 1}"
            cook = self.person(self.names.spanish(), "cook", None, 1, city, "MX")
            self.entity("Lab", name, "lab")
            rec.write("labs", [name, "synthesis" if i % 2 == 0 else "pill_press", "MX", self.mention(cook), city])
            labs.append(name)
            self.phone(cook, mexican=True)
        staging = []
        for i in range(self.n["staging"]):
            c = i % len(ports)
            city, lat, lon = pools.BORDER_CITIES[c]
            staging.append(self.location(f"Bodega {city} {i + 1}", "staging_house", "MX", lat, lon, role="staging"))
        dealers = []
        for i in range(self.n["dealers"]):
            name = (f"{pools.DEALER_WORDS[(i + self.seed) % len(pools.DEALER_WORDS)]} "
                    f"{pools.DEALER_KINDS[i % len(pools.DEALER_KINDS)]}")
            if i >= len(pools.DEALER_WORDS):
                name += f" #{i}"
            self.entity("Organization", name, "dealer")
            city = ("Phoenix", "Tucson", "El Paso", "Houston", "San Antonio", "Dallas")[i % 6]
            rec.write("organizations", [name, "", "dealer", "US", city])
            dealers.append(name)
        self.precursors(suppliers, fronts, labs)
        self.tick(sum(rec.rows.values()))
        # cells, one at a time
        cities_done = set()
        for cell in range(self.n_cells):
            before = sum(rec.rows.values())
            self.cell(cell, ports, labs, staging, dealers, brokers, cities_done)
            self.tick(sum(rec.rows.values()) - before)

    def precursors(self, suppliers, fronts, labs) -> None:
        """Precursors bought abroad by the front companies (supplies + sea legs) and sent on to the labs."""
        rng = self.rng
        brokers = list(self.broker_phones.values())
        for phase, _, _ in self.phases:
            # the brokers know each other: the few ties that hold the whole network together
            self.calls([(a, b) for a, b in zip(brokers, brokers[1:]) for _ in range(self.sc.calls)], phase)
            chems = ("NPP", "4-ANPP", "Propionyl chloride") if phase == 1 else ("4-AP", "1-boc-4-AP", "Aniline")
            for s, (supplier, city, _, _) in enumerate(suppliers):
                for f, (front, sea) in enumerate(fronts):
                    if len(fronts) > 1 and (s + f) % 2 and len(suppliers) > 1:
                        continue
                    for k, chem in enumerate(chems):
                        kg = round(rng.uniform(50, 400) * (3 if k == 0 else 1), 1)
                        day = self.day(phase)
                        self.rec.write("supplies", [supplier, front, "Organization", chem, kg, "kg", self.days[day]])
                        self.tallies[f"supplied_{self.phase_of[day]}"][chem] += kg
                        if self.shipment(("Organization", supplier), ("Organization", front), chem, kg, day,
                                         "sea")[2]:
                            self.fed_fronts.add(front)
            for f, (front, _) in enumerate(fronts):
                for i, lab in enumerate(labs):
                    if len(fronts) > 1 and i % len(fronts) != f:
                        continue
                    for chem in chems:
                        if self.shipment(("Organization", front), ("Lab", lab), chem, round(rng.uniform(20, 150), 1),
                                         min(365, self.day(phase) + 3), "land")[2]:
                            self.sending_fronts.add(front)

    def cell(self, cell: int, ports, labs, staging, dealers, brokers, cities_done) -> None:
        sc, rng, rec = self.sc, self.rng, self.rec
        corridor = cell % len(ports)
        port = ports[corridor][0]
        mx_city, mx_lat, mx_lon = pools.BORDER_CITIES[corridor]
        us_cities = pools.CORRIDOR_CITIES[corridor]
        if mx_city not in cities_done:
            cities_done.add(mx_city)
            self.location(mx_city, "city", "MX", mx_lat, mx_lon)
        lab = labs[cell % len(labs)]
        stage = staging[cell % len(staging)]
        stash_city = us_cities[0]
        lat, lon = pools.US_CITIES[stash_city]
        stash = self.location(f"Stash house {stash_city} {cell + 1}", "stash_house", "US", lat, lon, cell, "stash")
        markets = []
        for m, city in enumerate(us_cities[1:1 + max(1, sc.distributors)]):
            lat, lon = pools.US_CITIES[city]
            markets.append(self.location(f"Market {city} {cell + 1}", "market", "US", lat, lon, cell, "market"))
        leader = self.person(self.names.spanish(), "cell_leader", cell, 1, mx_city, "MX")
        lieutenant = self.person(self.names.spanish(), "lieutenant", cell, 1, mx_city, "MX")
        distributors = [self.person(self.names.english() if d % 2 else self.names.spanish(), "distributor", cell, 1,
                                    us_cities[1 + d % (len(us_cities) - 1)], "US") for d in range(sc.distributors)]
        couriers = [self.new_courier(cell, 1, mx_city) for _ in range(sc.couriers)]
        straws = [self.person(self.names.english(), "straw_purchaser", cell, 1, stash_city, "US")
                  for _ in range(sc.straw_purchasers)]
        phones = {p: self.phone(p, mexican=p not in distributors and p not in straws, cell=cell, phase=1)
                  for p in [leader, lieutenant, *distributors, *straws]}
        phones.update(self.courier_phones)
        self.courier_phones = {}
        broker_phone = self.broker_phones[brokers[cell % len(brokers)]]
        self.stash_in = self.stash_out = False  # a readable load into the stash house; one on to a market
        for phase, _, _ in self.phases:
            if phase > 1:  # arrested couriers are replaced
                for i, (c, _) in enumerate(couriers):
                    if c in self.arrested:
                        couriers[i] = self.new_courier(cell, phase, mx_city)
                        phones.update(self.courier_phones)
                        self.courier_phones = {}
            members = [leader, lieutenant, *distributors, *(c for c, _ in couriers)]
            cum = list(accumulate([8, 4, *([2] * len(distributors)), *([1] * len(couriers))]))
            total, random_ = cum[-1], rng.random
            pairs = []
            for m in members:
                for _ in range(sc.calls):
                    other = members[bisect(cum, random_() * total)]
                    if other != m:
                        pairs.append((phones[m], phones[other]))
            pairs += [(broker_phone, phones[leader])] * sc.calls  # the broker ties cells together
            pairs += [(phones[lieutenant], phones[s]) for s in straws]
            for d in distributors:  # buyers: a Pareto number of contacts per distributor, the long tail
                customers = self.customers.setdefault(d, [])
                wanted = min(300, int(3 * rng.paretovariate(1.2)))
                while len(customers) < wanted:
                    customers.append(self.customer_phone(cell, phase))
                pairs += [(c, phones[d]) for c in customers for _ in range(1 + int(random_() * 2))]
            self.calls(pairs, phase)
            self.goods_flow(cell, phase, lab, stage, port, stash, markets, couriers, distributors)
            self.firearms(cell, phase, straws, dealers, port, mx_city, lieutenant)
        if self.stash_in and self.stash_out:  # a route lab -> staging house -> stash house -> market
            seen = self.stage_cells.setdefault(stage, [0, stash])
            seen[0] += 1
        # couriers belong to one cell: fold their crossing days into the tally and forget them
        self.leaders["crossing_days_1"].offer(Counter(c for c, day in self.crossed if self.phase_of[day] == 1))
        self.crossed.clear()
        self.leaders["traced_by_purchaser"].offer(self.tallies.pop("traced_by_purchaser", Counter()))
        for k, v in sorted(self.routes.items()):
            self.routes_out.append({"lab": k[0], "staging": k[1], "port": k[2], "stash": k[3], "market": k[4],
                                    "phase": k[5], "kg": round(v, 1)})
        self.routes.clear()
        self.arrested.clear()
        self.customers.clear()
        self.variants = {k: v for k, v in self.variants.items() if k in self.shared_people}

    def customer_phone(self, cell: int, phase: int) -> str:
        """A buyer's phone: known only from the call records (no subscriber in phones.csv)."""
        return self.entity("Phone", self.number(mexican=False), "customer", cell, phase)

    def number(self, mexican: bool) -> str:
        """A new phone number, unique in the case (an area code, then a permuted sequence number)."""
        n = self.next_id("phone")
        codes = pools.AREA_CODES_MX if mexican else pools.AREA_CODES_US
        area = codes[n % len(codes)]
        if mexican:
            digits = 10 - len(area)
            local = f"{(n // len(codes) * 7_654_321 + self.seed) % 10 ** digits:0{digits}d}"
            return f"+52 {area} {local[:3]} {local[3:]}"
        local = f"{(n // len(codes) * 7_654_321 + self.seed) % 10 ** 6:06d}"
        return f"+1 {area} 5{local[:2]} {local[2:]}"  # 5xx exchanges: never a real subscriber

    def new_courier(self, cell: int, phase: int, city: str) -> tuple[str, str]:
        name = self.person(self.names.spanish() if self.rng.random() < 0.6 else self.names.english(),
                           "courier", cell, phase, city, "MX")
        car = self.vehicle(name, cell, mexican=self.rng.random() < 0.5)
        self.courier_phones = {**self.courier_phones, name: self.phone(name, mexican=True, cell=cell, phase=phase)}
        return name, car

    def goods_flow(self, cell, phase, lab, stage, port, stash, markets, couriers, distributors) -> None:
        rng = self.rng
        random_ = rng.random
        src_lab, at_stage, at_stash = ("Lab", lab), ("Location", stage), ("Location", stash)
        for n, (courier, car) in enumerate(couriers):
            if courier in self.arrested:
                continue
            # heavy-tailed activity: the first courier of a cell is its busiest
            busy = 1 + int(rng.paretovariate(2.5)) + (2 if n == 0 else 0)
            n_cross = self.sc.crossings * busy
            write_crossing = self.rec.writerow["crossings"]
            for _ in range(n_cross):
                day = self.day(phase)
                write_crossing((self.mention(courier), car, port, self.days[day], "northbound"))
                self.crossed.add((courier, day))
            self.rec.rows["crossings"] += n_cross
            for _ in range(self.sc.shipments * busy):
                kg = round(2 + random_() * 38, 1)
                d0 = self.day(phase)
                product = "Fentanyl pills" if random_() < 0.7 else "Fentanyl powder"
                if self.shipment(src_lab, at_stage, product, kg, d0, "land", cell=cell, phase=phase)[2]:
                    self.fed_stages.add(stage)
                d1 = min(365, d0 + 1 + int(random_() * 10))
                sid, _, ok = self.shipment(at_stage, at_stash, product, kg, d1, "land", courier, car, port,
                                           cell=cell, phase=phase)
                self.stash_in = self.stash_in or ok
                self.rec.write("crossings", [self.mention(courier), car, port, self.days[d1], "northbound"])
                self.crossed.add((courier, d1))
                if ok:
                    self.tallies[f"port_kg_{self.phase_of[d1]}"][port] += kg
                if ok and rng.random() < self.sc.seizure_rate and courier not in self.arrested:
                    seizure = f"CBP-{YEAR}-{self.next_id('seizure'):06d}"
                    self.entity("Seizure", seizure, "seizure", cell, phase)
                    self.rec.write("seizures", [seizure, self.days[d1], "CBP", product, kg, "kg", port, "",
                                                self.mention(courier), sid, car])
                    self.arrested.add(courier)
                    self.arrests.append({"person": courier, "phase": phase, "seizure": seizure})
                    break
                market = markets[int(random_() * len(markets))]
                d2 = min(365, d1 + 1 + int(random_() * 14))
                if self.shipment(at_stash, ("Location", market), product, round(kg * 0.9, 1), d2, "land",
                                 distributors[0] if distributors else "", cell=cell, phase=phase)[2]:
                    self.stash_out = True
                self.routes[(lab, stage, port, stash, market, phase)] += kg

    def firearms(self, cell, phase, straws, dealers, port, mx_city, lieutenant) -> None:
        rng = self.rng
        for s, straw in enumerate(straws):
            count = max(1, int(self.sc.guns * rng.paretovariate(2.0) / 2)) + (3 if s == 0 and phase == 1 else 0)
            for _ in range(count):
                serial_n = self.next_id("firearm")
                make, model, caliber = pools.FIREARMS[serial_n % len(pools.FIREARMS)]
                serial = f"{make[:2].upper()}{serial_n:07d}"
                dealer = dealers[min(len(dealers) - 1, int(rng.paretovariate(1.5)) - 1)]
                bought = self.day(phase)
                trace_id = trace_date = seizure = ""
                if rng.random() < self.sc.trace_rate:
                    seized = min(365, bought + rng.randint(10, 90))
                    seizure = f"FGR-{YEAR}-{self.next_id('gun_seizure'):06d}"
                    self.entity("Seizure", seizure, "firearm_seizure", cell, phase)
                    self.rec.write("seizures", [seizure, self.days[seized], "FGR", "", "", "", "", mx_city,
                                                self.mention(lieutenant) if rng.random() < 0.2 else "", "", ""])
                    trace_id = f"T-{YEAR}-{self.next_id('trace'):06d}"
                    trace_date = self.days[min(365, seized + rng.randint(5, 40))]
                    self.tallies["traced_by_purchaser"][straw] += 1
                    self.tallies["traced_by_dealer"][dealer] += 1
                    self.tallies["traced_by_city"][mx_city] += 1
                self.entity("Firearm", serial, "firearm", cell, phase)
                self.rec.write("firearms", [serial, make, model, caliber, self.mention(straw), dealer,
                                            self.days[bought], trace_id, trace_date, seizure])

    # -- truth --------------------------------------------------------------------------------
    def answers(self) -> list[dict]:
        out = []
        for q in self.sc.questions:
            answer, kind = self.answer(q)
            out.append({"id": q, "text": QUESTION_TEXT[q], "kind": kind, "answer": answer})
        return out

    def answer(self, q: str) -> tuple[Any, str]:
        def top(counter: Counter) -> list[str]:
            if not counter:
                return []
            best = max(counter.values())
            return sorted(k for k, v in counter.items() if v == best)

        if q == "precursor_chokepoint":
            return self.precursor_cut(), "entities"
        if q == "front_director":
            return sorted(self.directors[f] for f in self.precursor_cut()), "entities"
        if q == "switched_precursor":
            later = Counter()
            for phase, _, _ in self.phases[1:]:
                later.update(self.tallies[f"supplied_{phase}"])
            return top(later), "one of"
        if q == "busiest_port_phase2":
            return top(self.tallies["port_kg_2"]), "one of"
        if q == "lab_market_cut":
            return self.lab_market_cut(), "entities"
        if q == "top_crosser_phase1":
            return self.leaders["crossing_days_1"].best(), "one of"
        if q == "top_straw_purchaser":
            return self.leaders["traced_by_purchaser"].best(), "one of"
        if q == "top_dealer_traced":
            return top(self.tallies["traced_by_dealer"]), "one of"
        if q == "guns_city":
            return top(self.tallies["traced_by_city"]), "one of"
        raise KeyError(q)

    def precursor_cut(self) -> list[str]:
        """The planted chokepoint between suppliers and labs: the front companies that carried precursors.

        Suppliers ship only to fronts and labs receive only from fronts, so every route is supplier ->
        front -> lab and no two fronts share one: each front that both received and sent a readable load
        must be cut, and those fronts cut everything.
        """
        return sorted(self.fed_fronts & self.sending_fronts)

    def lab_market_cut(self) -> list[str]:
        """The planted cut between labs and markets: the staging houses on a route that reached a market.

        Every route is lab -> staging house -> the cell's own stash house -> the cell's markets, and
        staging houses are shared by cells while stash houses are not: each staging house on a route
        must go, or else the stash house of every cell behind it. Where it has one such cell the two tie,
        and the answer takes the stash house, the place nearer the markets, as ``minimum_cut`` in
        ``queries/routes.py`` does (it keeps the largest source side of the cut).
        """
        return sorted(stage if cells > 1 else stash for stage, (cells, stash) in self.stage_cells.items()
                      if stage in self.fed_stages)

    def finish(self) -> dict:
        self.rec.close()
        tail = {
            "generator_version": GENERATOR_VERSION,
            "scenario": self.sc.name, "seed": self.seed, "scale": self.scale, "noise": self.noise,
            "parameters": asdict(self.sc),
            "phases": [{"phase": p, "start": self.days[lo], "end": self.days[hi]} for p, lo, hi in self.phases],
            "questions": self.answers(),
            "routes": self.routes_out,
            "arrests": self.arrests,
            "duplicates": self.duplicates,
            "invalid_rows": self.invalid,
            "records": {f"{k}.csv": v for k, v in sorted(self.rec.rows.items())},
        }
        self.truth_file.write("\n]")
        for key, value in tail.items():
            self.truth_file.write(f',\n"{key}": ')
            if isinstance(value, _Spool):
                value.copy_to(self.truth_file)
            else:
                self.truth_file.write(json.dumps(value, ensure_ascii=False, sort_keys=True))
        self.truth_file.write("\n}\n")
        self.truth_file.close()
        return tail


def generate(scenario: str, seed: int, out: Path, scale: float = 1.0, noise: float = 0.05,
             progress: Callable[[int], None] | None = None) -> GenerateSummary:
    """Write the record files and ``truth.json`` of ``scenario`` into ``out`` (created if needed)."""
    import time

    if scenario not in SCENARIOS:
        raise ChokepointError(f"unknown scenario {scenario!r}; known: {', '.join(sorted(SCENARIOS))}")
    if not scale > 0:
        raise ChokepointError(f"--scale must be positive, not {scale}")
    if not 0 <= noise <= 0.5:
        raise ChokepointError(f"--noise must be between 0 and 0.5, not {noise}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    gen = _Generator(SCENARIOS[scenario], seed, scale, noise, out, progress)
    try:
        gen.run()
    finally:
        tail = gen.finish()
    return GenerateSummary(scenario=scenario, seed=seed, scale=scale, out=str(out),
                           records={k: v for k, v in tail["records"].items()}, entities=gen.entities,
                           seconds=time.perf_counter() - start)
