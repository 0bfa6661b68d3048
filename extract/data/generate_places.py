"""Write ``places.tsv`` from jionlp's tables of China's administrative divisions and of the world's countries.

The source is jionlp 1.5.31 (https://github.com/dongrixinyu/JioNLP, Apache-2.0): ``china_location`` (province,
prefecture and county levels of all China, Hong Kong and Macao included, with aliases and administrative codes) and
``world_location`` (countries with their full names). jionlp is needed only here, never at run time::

    pip install jionlp==1.5.31        # or: pip install -e '.[places]'
    python extract/data/generate_places.py

Types and canonical names follow the gold conventions (``/work/shared/gold/README.md``):

- provinces and autonomous regions: ``Region``, full name (广东省, 广西壮族自治区), the table's short form as alias;
- the four municipalities, Hong Kong, Macao and the prefecture-level divisions: ``City``; a city's canonical is its
  name without 市 (深圳 ← 深圳市, 北京 ← 北京市), Hong Kong and Macao are 香港 and 澳门 with the SAR names as aliases,
  autonomous prefectures, 地区 and 盟 keep their full names (the table's short forms are aliases);
- county-level divisions: ``District``; districts, counties and banners keep their names (南沙区, 宝安区) with the
  short form without 区/县/旗 as alias, county-level cities lose 市 (开平 ← 开平市);
- countries: ``Country``, the table's short name (日本, 美国, 新西兰) with the full name as alias.

Names of one character never become names; names listed in ``place_stoplist.tsv`` (common words, wrong aliases)
never become names either, and a place whose own name is listed is left out. A short form made here by cutting a
suffix (南沙 ← 南沙区) is kept only when it is not a name the table gives another place (河北 ← 天津's 河北区 is
河北省's). The table's statistical "functional zones" (development zones, industrial parks, management areas: codes
whose fifth digit is 7, or names ending so) are left out: they are not districts in the gold's sense.

The output is sorted, so the same table always gives the same file.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
OUT = HERE / "places.tsv"
STOPLIST = HERE / "place_stoplist.tsv"
JIONLP_VERSION = "1.5.31"
COLUMNS = ("type", "canonical", "aliases", "province", "city", "source")

# Typing slips in jionlp 1.5.31's table, corrected here and marked in the row's source column.
CORRECTIONS = {"奎青区": "葵青区", "奎青": "葵青", "苗粟县": "苗栗县", "苗粟": "苗栗"}
_SAR = {"香港特别行政区": "香港", "澳门特别行政区": "澳门"}
_PSEUDO = ("省直辖行政区划", "市直辖行政区划")  # grouping nodes of the table, not places
_FUNCTIONAL_ENDINGS = ("开发区", "产业园", "园区", "示范区", "管理区", "管委会", "实验区", "保税区")
_TWO_CHAR_SUFFIXES = ("新区", "矿区", "林区", "特区")
_ONE_CHAR_SUFFIXES = ("区", "县", "旗")
_TYPE_ORDER = {"Region": 0, "City": 1, "District": 2, "Country": 3}


def read_stoplist(path: Path = STOPLIST) -> dict[str, str]:
    """The stop-listed names and the note on each."""
    stop: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("name\t"):
            continue
        name, _, note = line.partition("\t")
        stop[name.strip()] = note.strip()
    return stop


def _children(node: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key, value in node.items():
        if not key.startswith("_"):
            yield key, value


def _aliases(value: Any) -> list[str]:
    if isinstance(value, list):
        return [a for a in value if a]
    return [value] if value else []


def _functional(name: str, code: str) -> bool:
    return (len(code) == 6 and code[4] == "7") or name.endswith(_FUNCTIONAL_ENDINGS)


def _strip_suffix(name: str) -> str:
    """The short form of a district or county name (南沙区 → 南沙), or "" when it has none."""
    if name.endswith(("自治县", "自治旗")):
        return ""
    for suffix in (*_TWO_CHAR_SUFFIXES, *_ONE_CHAR_SUFFIXES):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return ""


def _city_canonical(name: str) -> str:
    """A city's canonical: without 市 when what is left has two characters or more (芒市 stays)."""
    return name[:-1] if name.endswith("市") and len(name) >= 3 else name


class _Row:
    __slots__ = ("aliases", "canonical", "city", "derived", "province", "source", "type")

    def __init__(
        self, type_: str, canonical: str, table: Iterable[str], derived: Iterable[str], province: str, city: str, source: str
    ):
        self.type = type_
        self.canonical = canonical
        self.aliases = [a for a in dict.fromkeys(table) if a != canonical]  # names the table gives
        self.derived = [a for a in dict.fromkeys(derived) if a != canonical and a not in self.aliases]  # names cut here
        self.province = province
        self.city = city
        self.source = source


def _name(raw: str, source: str) -> tuple[str, str]:
    fixed = CORRECTIONS.get(raw, raw)
    return fixed, source if fixed == raw else f"{source} (corrected from {raw})"


def china_rows(table: dict[str, Any], version: str, stop: dict[str, str]) -> list[_Row]:
    rows: list[_Row] = []
    src = f"jionlp-{version}:china_location"
    for prov_name, prov in _children(table):
        prov_code = prov["_admin_code"]
        if prov_name in _SAR:
            province = ""
        elif prov_name.endswith("市"):  # municipality: a city, no province above it
            province = ""
        else:
            province = prov_name
            rows.append(_Row("Region", prov_name, _aliases(prov["_alias"]), [], "", "", f"{src}:{prov_code}"))
        for city_name, city in _children(prov):
            city_code = city["_admin_code"]
            if city_name in _PSEUDO:
                city_canonical = ""
            else:
                if prov_name in _SAR:
                    city_canonical = _SAR[prov_name]
                    table_names = [prov_name, city_name, *_aliases(city["_alias"])]
                else:
                    city_canonical = _city_canonical(city_name)
                    table_names = [city_name, *_aliases(city["_alias"]), *_aliases(prov["_alias"] if province == "" else "")]
                rows.append(_Row("City", city_canonical, table_names, [], province, "", f"{src}:{city_code}"))
            for county_raw, county in _children(city):
                code = county["_admin_code"]
                if county_raw in _PSEUDO or _functional(county_raw, code):
                    continue
                county_name, source = _name(county_raw, f"{src}:{code}")
                if county_name.endswith("市"):  # county-level city: without 市 like a city, unless that is a common word
                    canonical = _city_canonical(county_name)
                    canonical = county_name if canonical in stop else canonical
                    derived: list[str] = []
                else:
                    canonical = county_name
                    derived = [_strip_suffix(county_name)]
                table_names = [county_name, *(_name(a, "")[0] for a in _aliases(county["_alias"]))]
                rows.append(_Row("District", canonical, table_names, derived, province, city_canonical, source))
    return rows


def world_rows(table: dict[str, Any], version: str) -> list[_Row]:
    rows: list[_Row] = []
    # The source names the table only: its loader files Oceania (大洋州, not 洲) under Africa.
    for countries in table.values():
        for short, info in countries.items():
            canonical = short.replace("(", "（").replace(")", "）")  # full-width, as the gold writes parentheses
            full = info.get("full_name", "")
            rows.append(_Row("Country", canonical, [short, full], [], "", "", f"jionlp-{version}:world_location"))
    return rows


def finish(rows: list[_Row], stop: dict[str, str]) -> list[tuple[str, ...]]:
    """Drop stop-listed and one-character names, and cut short forms that name another place in the table; sort."""
    table_names: dict[str, set[str]] = {}  # name -> canonicals of the places the table gives it to
    for row in rows:
        for name in (row.canonical, *row.aliases):
            table_names.setdefault(name, set()).add(row.canonical)
    out: set[tuple[str, ...]] = set()
    for row in rows:
        if row.canonical in stop or len(row.canonical) < 2:
            continue
        keep = [a for a in row.aliases if a not in stop and len(a) >= 2]
        for name in row.derived:
            if name in stop or len(name) < 2 or table_names.get(name, set()) - {row.canonical}:
                continue
            keep.append(name)
        aliases = "|".join(sorted(set(keep)))
        out.add((row.type, row.canonical, aliases, row.province, row.city, row.source))
    return sorted(out, key=lambda r: (_TYPE_ORDER[r[0]], r[1], r[3], r[4], r[5]))


def render(rows: list[tuple[str, ...]], version: str) -> str:
    header = [
        f"# Places from jionlp {version} (https://github.com/dongrixinyu/JioNLP, licence Apache-2.0): its tables",
        "# china_location (all China incl. Hong Kong and Macao, with aliases) and world_location (countries, full names).",
        "# Generated, do not edit: pip install jionlp==1.5.31 && python extract/data/generate_places.py",
        "# (names to leave out: extract/data/place_stoplist.tsv). Aliases are |-separated; province and city name",
        "# the canonical of the place above; source is jionlp-version:table[:admin code].",
        "\t".join(COLUMNS),
    ]
    return "\n".join([*header, *("\t".join(r) for r in rows)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else OUT
    try:
        import jionlp  # type: ignore[import-untyped]
    except ImportError:
        hint = "pip install jionlp==1.5.31 (or pip install -e '.[places]')"
        print(f"jionlp is needed to generate places.tsv: {hint}", file=sys.stderr)
        return 1
    version = getattr(jionlp, "__version__", "?")
    if version != JIONLP_VERSION:
        print(f"warning: jionlp {version} installed, places.tsv is documented against {JIONLP_VERSION}", file=sys.stderr)
    stop = read_stoplist()
    rows = china_rows(jionlp.china_location_loader(), version, stop) + world_rows(jionlp.world_location_loader(), version)
    text = render(finish(rows, stop), version)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({text.count(chr(10)) - 6} places)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
