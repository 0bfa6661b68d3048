"""How much of the gold's places the jionlp place table holds, with the same type.

    .venv/bin/python benchmarks/places_coverage.py [GOLD_DIR ...]   (default: ../shared/gold and ../shared/devset/train/gold)

For each gold type (Region, City, District, Country) and each set of gold files, over distinct gold canonicals:
``canonical`` — the gold canonical is a table canonical of that type; ``named`` — the canonical or one of its gold
aliases (simplified) is a table name that ``place_names`` gives that type and that same canonical; ``typed`` — the
canonical or an alias is a table name of that type at all. Misses are listed. Never run on the test split.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import opencc

from extract.places import PLACE_TYPES, load_places, place_names

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIRS = [ROOT.parent / "shared" / "gold", ROOT.parent / "shared" / "devset" / "train" / "gold"]


def gold_places(directory: Path) -> dict[tuple[str, str], set[str]]:
    to_simplified = opencc.OpenCC("t2s")
    found: dict[tuple[str, str], set[str]] = {}
    for path in sorted(directory.glob("*.json")):
        for entity in json.loads(path.read_text(encoding="utf-8"))["entities"]:
            if entity["type"] in PLACE_TYPES:
                names = found.setdefault((entity["type"], entity["canonical"]), set())
                names.update(to_simplified.convert(a) for a in entity.get("aliases_in_doc", []))
    return found


def main(argv: list[str]) -> None:
    canonicals = {(p.type, p.canonical) for p in load_places()}
    names = place_names()
    for directory in [Path(a) for a in argv] or DEFAULT_DIRS:
        gold = gold_places(directory)
        print(f"{directory} ({len(list(directory.glob('*.json')))} files)")
        for type_ in PLACE_TYPES:
            items = {c: a for (t, c), a in gold.items() if t == type_}
            exact = {c for c in items if (type_, c) in canonicals}
            named = {c for c, a in items.items() if any(names.get(n) == (type_, c) for n in {c, *a})}
            typed = {c for c, a in items.items() if any(names.get(n, ("",))[0] == type_ for n in {c, *a})}
            n = len(items) or 1
            print(
                f"  {type_:<8} {len(items):>3} canonicals: canonical {len(exact)}/{len(items)} ({len(exact) / n:.0%}),"
                f" named {len(named)} ({len(named) / n:.0%}), typed {len(typed)} ({len(typed) / n:.0%});"
                f" missed: {' '.join(sorted(set(items) - named))}"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
