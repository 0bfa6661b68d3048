import pytest

from extract.known import DEFAULT_DATA_FILE, ENTITY_TYPES, load_known, name_key
from kg.errors import DataFileError


def test_data_file_loads_with_every_type_and_gba_core():
    known = load_known(DEFAULT_DATA_FILE)
    assert len(known) > 300
    assert {k.type for k in known} == set(ENTITY_TYPES)
    by_name = {k.canonical: k for k in known}
    assert by_name["香港"].wikidata == "Q8646"
    assert "HKUST" in by_name["香港科技大学"].english
    cities = {k.canonical for k in known if k.type == "City"}
    assert {"香港", "澳门", "广州", "深圳", "珠海", "佛山", "东莞", "中山", "江门", "惠州", "肇庆"} <= cities


def test_bad_data_file_names_the_line(tmp_path):
    p = tmp_path / "k.tsv"
    p.write_text("type\tcanonical\taliases\tenglish\twikidata\tcity\tsource\nPlanet\t火星\t\t\t\t\tx\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"k.tsv:2: unknown type 'Planet'"):
        load_known(p)


def test_row_without_qid_or_source_names_the_line(tmp_path):
    p = tmp_path / "k.tsv"
    header = "type\tcanonical\taliases\tenglish\twikidata\tcity\tsource\n"
    p.write_text(header + "City\t深圳\t\t\tQ15174\t\t\nCompany\t某公司\t\t\t\t\t\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"k.tsv:3: 某公司 has neither a Wikidata QID nor a source"):
        load_known(p)


def test_name_key_folds_script_quotes_dashes_and_spaces():
    assert name_key("「深圳－香港—廣州」創新集群") == name_key("深圳-香港-广州创新集群")
    assert name_key("香港科技大學 (廣州)") == name_key("香港科技大学（广州）")


def test_name_keys_made_together_are_made_one_by_one():
    import extract.known as known

    names = [
        "「深圳－香港—廣州」創新集群",
        "臺灣 乾隆 後來",
        "Ｓｈｅｎｚｈｅｎ Bay Lab",
        "鹏城实验室",
        "a\nb",
        "乾燥 頭髮",
        "臺灣 乾隆 後來",
    ]
    together = (known._KEYS.clear(), known.name_keys(names))[1]
    alone = [(known._KEYS.clear(), name_key(n))[1] for n in names]
    assert together == alone
    assert together[2] == "shenzhenbaylab"
