"""The place table generated from jionlp's tables: types, canonicals and aliases follow the gold conventions."""

from collections import Counter

import pytest

from extract.places import DEFAULT_PLACES_FILE, PLACE_TYPES, Place, load_places, place_names


def _by_canonical() -> dict[str, list[Place]]:
    found: dict[str, list[Place]] = {}
    for place in load_places():
        found.setdefault(place.canonical, []).append(place)
    return found


def _one(canonical: str, type_: str) -> Place:
    matches = [p for p in _by_canonical()[canonical] if p.type == type_]
    assert len(matches) == 1, matches
    return matches[0]


def test_cities_regions_and_countries_follow_the_gold_conventions():
    shenzhen = _one("深圳", "City")
    assert "深圳市" in shenzhen.aliases
    assert shenzhen.province == "广东省"
    assert _one("北京", "City").aliases == ("北京市",)
    assert "香港特别行政区" in _one("香港", "City").aliases
    assert "澳门特别行政区" in _one("澳门", "City").aliases
    assert "广东" in _one("广东省", "Region").aliases
    assert _one("广西壮族自治区", "Region").aliases == ("广西",)
    assert _one("西藏自治区", "Region")
    for country in ("新西兰", "日本", "英国", "巴基斯坦"):
        assert _one(country, "Country")
    assert "美利坚合众国" in _one("美国", "Country").aliases


def test_districts_keep_their_suffix_and_know_their_city():
    nansha = [p for p in _by_canonical()["南沙区"] if p.city == "广州"]
    assert len(nansha) == 1
    assert nansha[0].type == "District"
    assert nansha[0].province == "广东省"
    assert "南沙" in nansha[0].aliases
    assert "宝安" in _one("宝安区", "District").aliases
    kaiping = _one("开平", "District")  # county-level city: no 市, as the gold writes it
    assert (kaiping.city, kaiping.aliases) == ("江门", ("开平市",))


def test_hong_kong_and_macao_districts():
    for name in ("沙田区", "油尖旺区", "葵青区", "九龙城区"):  # 葵青区 corrects the table's 奎青区
        assert _one(name, "District").city == "香港"
    assert "九龙" not in _one("九龙城区", "District").aliases  # Kowloon is more than 九龙城区
    assert _one("花地玛堂区", "District").city == "澳门"
    assert "奎青区" not in _by_canonical()


def test_junk_names_are_left_out():
    names = place_names()
    for junk in ("城区", "郊区", "矿区", "新区", "东区", "北区", "高新区", "开发区", "合作", "资源", "港", "澳", "粤"):
        assert junk not in names, junk
    assert all(len(name) >= 2 for name in names)
    assert names["合作市"] == ("District", "合作市")  # its short form is a common word, so it keeps 市


def test_every_row_has_a_source_and_the_header_names_jionlp():
    text = DEFAULT_PLACES_FILE.read_text(encoding="utf-8")
    assert "jionlp 1.5.31" in text.splitlines()[0]
    assert "Apache-2.0" in text.splitlines()[0]
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith(("#", "type\t"))]
    assert rows and all(row[5].startswith("jionlp-1.5.31:") for row in rows)


def test_counts_per_type():
    counts = Counter(p.type for p in load_places())
    assert set(counts) == set(PLACE_TYPES)
    assert counts["Region"] == 28  # 23 provinces (台湾省 included) and 5 autonomous regions
    assert counts["City"] >= 340  # 4 municipalities, Hong Kong, Macao and the prefecture level
    assert counts["District"] >= 2800
    assert counts["Country"] >= 195


def test_a_name_two_places_share_goes_to_the_type_that_ranks_first():
    names = place_names()
    assert names["深圳市"] == ("City", "深圳")
    assert names["南沙"] == ("District", "南沙区")
    assert names["吉林"] == ("City", "吉林")  # the city over the province 吉林省
    assert names["广东"] == ("Region", "广东省")
    assert names["河北"] == ("Region", "河北省")  # not 天津's 河北区: a cut short form never takes a table name
    assert names["美利坚合众国"] == ("Country", "美国")


def test_bad_files_name_the_line(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("type\tcanonical\taliases\tprovince\tcity\tsource\nPlanet\t火星\t\t\t\tx\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"p.tsv:2: unknown place type 'Planet'"):
        load_places(path)


def test_extract_places_does_not_import_kg():
    import subprocess
    import sys

    code = "import sys, extract.places as p; p.place_names(); print(any(m.split('.')[0] == 'kg' for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
