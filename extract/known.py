"""The data file of known entities: canonical names, types, aliases, Wikidata IDs, home cities and sources.

The file is reference data: every row names where it comes from, a Wikidata QID or a ``source`` (the entity's
official website or the public document that establishes it); a row with neither is an error."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.errors import DataFileError

from .normalise import Remembered, fold

__all__ = ["DEFAULT_DATA_FILE", "ENTITY_TYPES", "KnownEntity", "load_known", "name_key", "name_keys"]

ENTITY_TYPES = (
    "Region",
    "City",
    "District",
    "Country",
    "CooperationZone",
    "ScienceCity",
    "Laboratory",
    "Facility",
    "University",
    "ResearchInstitute",
    "Company",
    "GovernmentBody",
    "InternationalOrganization",
    "Alliance",
    "Event",
    "Program",
    "InnovationCluster",
    "Infrastructure",
    "Person",
)
DEFAULT_DATA_FILE = Path(__file__).parent / "data" / "known_entities.tsv"
_COLUMNS = ("type", "canonical", "aliases", "english", "wikidata", "city", "source")
_QID = re.compile(r"^Q\d+$")
_DROP = re.compile(r"[\s\"'“”‘’「」『』《》〈〉·•・]")
_DASH = re.compile(r"[‐‑‒–—―－~～]")


@dataclass(frozen=True)
class KnownEntity:
    type: str
    canonical: str
    aliases: tuple[str, ...]
    english: tuple[str, ...]
    wikidata: str
    city: str
    source: str = ""  # official website or public document; "" only when ``wikidata`` is set


def name_key(name: str) -> str:
    """The comparison key of a name: NFKC, simplified, no spaces, quotes or dots, one dash, lower case."""
    key = _KEYS.get(name)
    return key if key is not None else _KEYS.remember({name: _finish_key(fold(unicodedata.normalize("NFKC", name)))})[name]


def name_keys(names: list[str]) -> list[str]:
    """``name_key`` of each name; the names without a key yet are folded in one call (folding costs
    tens of microseconds a call)."""
    _KEYS.remember_all(names, _keys_together)
    return [name_key(name) for name in names]


def _keys_together(names: list[str]) -> list[str]:
    folded = fold("\n".join(unicodedata.normalize("NFKC", name) for name in names)).split("\n")  # line by line
    return [_finish_key(f) for f in folded]


def _finish_key(folded: str) -> str:
    s = unicodedata.normalize("NFKC", folded)
    s = _DROP.sub("", s)
    s = _DASH.sub("-", s)
    return s.lower()


_KEYS = Remembered(131072)  # keys made so far


def _split(cell: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in cell.split("|") if x.strip())


@lru_cache(maxsize=8)
def load_known(path: str | Path = DEFAULT_DATA_FILE) -> tuple[KnownEntity, ...]:
    """Parse the TSV data file (``"none"``: no known entities); a bad line raises ``DataFileError``
    naming the line."""
    if str(path) == "none":
        return ()
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as err:
        raise DataFileError(f"{p}: cannot be read ({err})") from None
    entities: list[KnownEntity] = []
    seen: set[tuple[str, str]] = set()
    header_seen = False
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.rstrip("\n").split("\t")
        if not header_seen:
            if tuple(cells) != _COLUMNS:
                raise DataFileError(f"{p}:{number}: header must be {' '.join(_COLUMNS)}")
            header_seen = True
            continue
        if len(cells) != len(_COLUMNS):
            raise DataFileError(f"{p}:{number}: expected {len(_COLUMNS)} tab-separated columns, found {len(cells)}")
        etype, canonical, aliases, english, qid, city, source = (c.strip() for c in cells)
        if etype not in ENTITY_TYPES:
            raise DataFileError(f"{p}:{number}: unknown type '{etype}'")
        if not canonical:
            raise DataFileError(f"{p}:{number}: empty canonical name")
        if qid and not _QID.match(qid):
            raise DataFileError(f"{p}:{number}: '{qid}' is not a Wikidata QID")
        if not qid and not source:
            raise DataFileError(f"{p}:{number}: {canonical} has neither a Wikidata QID nor a source")
        if (etype, canonical) in seen:
            raise DataFileError(f"{p}:{number}: duplicate entity {etype} {canonical}")
        seen.add((etype, canonical))
        entities.append(KnownEntity(etype, canonical, _split(aliases), _split(english), qid, city, source))
    if not header_seen:
        raise DataFileError(f"{p}: no header line")
    return tuple(entities)
