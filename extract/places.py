"""Places typed from a public table: China's provinces, cities and districts (Hong Kong and Macao included) and
the world's countries, read from ``data/places.tsv``.

The data file is generated from jionlp 1.5.31's tables (Apache-2.0) by ``data/generate_places.py``; its header names
the source and the command that regenerates it. Types and canonicals follow the gold conventions: ``Region`` for
provinces and autonomous regions (广东省), ``City`` for municipalities, prefecture-level cities, Hong Kong and Macao
(深圳, 北京, 香港), ``District`` for county-level places (南沙区, 开平), ``Country`` by common short name (美国).

Nothing is read at import; both functions cache what they read.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

__all__ = ["DEFAULT_PLACES_FILE", "PLACE_TYPES", "Place", "load_places", "place_names"]

DEFAULT_PLACES_FILE = Path(__file__).parent / "data" / "places.tsv"
# The order in which a type wins a name that two places share (吉林: the city 吉林 over the province 吉林省).
PLACE_TYPES = ("City", "District", "Region", "Country")
_COLUMNS = ["type", "canonical", "aliases", "province", "city", "source"]


class Place(NamedTuple):
    type: str
    canonical: str
    aliases: tuple[str, ...]
    province: str  # canonical of the province (Region) above, "" for none (municipalities, Hong Kong, Macao, countries)
    city: str  # canonical of the city above a district, "" for none


def load_places(path: Path | str | None = None) -> tuple[Place, ...]:
    """The places of ``path`` (the packaged ``places.tsv`` by default), in file order."""
    return _load(Path(path) if path is not None else DEFAULT_PLACES_FILE)


@lru_cache(maxsize=8)
def _load(path: Path) -> tuple[Place, ...]:
    places: list[Place] = []
    header_seen = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if not header_seen:
            if fields != _COLUMNS:
                raise ValueError(f"{path}:{number}: expected the header {'/'.join(_COLUMNS)}, found {line!r}")
            header_seen = True
            continue
        if len(fields) != len(_COLUMNS):
            raise ValueError(f"{path}:{number}: {len(fields)} columns, expected {len(_COLUMNS)}")
        type_, canonical, aliases, province, city, source = fields
        if type_ not in PLACE_TYPES:
            raise ValueError(f"{path}:{number}: unknown place type {type_!r}")
        if not canonical or not source:
            raise ValueError(f"{path}:{number}: empty canonical or source")
        places.append(Place(type_, canonical, tuple(a for a in aliases.split("|") if a), province, city))
    return tuple(places)


def place_names(path: Path | str | None = None) -> dict[str, tuple[str, str]]:
    """Each name and alias (simplified, as written in the file) → (type, canonical) of the place it names.

    When one string names two places, the type earlier in ``PLACE_TYPES`` wins: City before District before
    Region before Country (吉林 is the city, not 吉林省; 大理 the prefecture 大理白族自治州, not the county-level
    大理). Within one type a place's own canonical wins over another's alias (新竹 is the county-level city 新竹, not 新竹县),
    and then the first place in the file. Districts of the same name in different cities share one canonical
    (鼓楼区), so they never conflict.
    """
    return dict(_names(Path(path) if path is not None else DEFAULT_PLACES_FILE))


@lru_cache(maxsize=8)
def _names(path: Path) -> tuple[tuple[str, tuple[str, str]], ...]:
    rank = {t: i for i, t in enumerate(PLACE_TYPES)}
    best: dict[str, tuple[tuple[int, int, int], tuple[str, str]]] = {}
    for order, place in enumerate(_load(path)):
        for name in (place.canonical, *place.aliases):
            key = (rank[place.type], 0 if name == place.canonical else 1, order)
            if name not in best or key < best[name][0]:
                best[name] = (key, (place.type, place.canonical))
    return tuple((name, value) for name, (_, value) in best.items())
