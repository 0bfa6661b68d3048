from extract.normalise import _convert_same_length, detect_script, fold, repair, to_traditional, to_traditional_all


def test_broken_lines_are_joined_and_offsets_map_back():
    raw = "中国散\n\n裂中子源位于东\n莞，已为港澳用户提供服务。\n"
    clean = repair(raw)
    assert "中国散裂中子源位于东莞" in clean.text
    start = clean.text.index("中国散裂中子源")
    s, e = clean.raw_span(start, start + len("中国散裂中子源"))
    assert raw[s:e] == "中国散\n\n裂中子源"


def test_page_furniture_is_dropped_and_footnotes_move_after_the_body():
    raw = (
        "首届“一带一\n"
        "修改稿收到日期：2024年9月11日\n"
        "① 习近平致贺信 . (2023-11-06)[2024-09-07]. https://www.gov.cn/yaowen/liebiao/202311/content_\n"
        "6913755.htm.\n"
        " 路”科技交流大会成功举办。\n"
    )
    clean = repair(raw)
    body, footnote = clean.text.split("\n", 1)
    assert body == "首届“一带一路”科技交流大会成功举办。"
    assert "修改稿" not in clean.text
    assert footnote.startswith("① 习近平致贺信") and footnote.rstrip().endswith("6913755.htm.")
    start = clean.text.index("习近平")
    s, e = clean.raw_span(start, start + 3)
    assert raw[s:e] == "习近平"


def test_sentence_end_gives_hard_break_and_short_heading_a_weak_one():
    body = "这是一行很长的正文内容用于确定典型行宽度的测试文本"
    raw = f"小标题\n{body}\n{body}。\n{body}\n{body}。\n"
    clean = repair(raw)
    assert clean.text.startswith("小标题" + body)
    assert len("小标题") in clean.weak_breaks
    assert "。\n" in clean.text


def test_fold_keeps_length_and_simplifies():
    text = "鵬城實驗室「深圳—香港—廣州」創新集群(廣州)"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "鹏城实验室“深圳—香港—广州”创新集群（广州）"


def test_detect_script():
    assert detect_script("香港科技大學（廣州）與廣州實驗室合作共建") == "zh-Hant"
    assert detect_script("香港科技大学（广州）与广州实验室合作共建") == "zh-Hans"
    assert detect_script("The Greater Bay Area hosts many laboratories and universities.") == "en"

    text = "香港科技大學（廣州）與廣州實驗室合作共建"
    assert detect_script(text, fold(text)) == "zh-Hant"
    assert detect_script("2024 年", "2024 年") == "zh-Hans"


def test_english_means_twice_as_many_latin_letters_as_chinese_characters():
    assert detect_script("ABCD 深圳") == "zh-Hans"  # 4 letters, 2 characters: not more than twice
    assert detect_script("ABCDe 深圳") == "en"
    assert detect_script("[@`{ 深圳") == "zh-Hans"  # the neighbours of A-Z and a-z are not letters
    assert detect_script("ÀÉÎÕÜ 深圳") == "zh-Hans"


def test_fold_makes_ascii_brackets_and_corner_quotes_full_width():
    assert fold("(A,B;C)「D」『E』") == "（A，B；C）“D”‘E’"


def test_fold_of_a_whole_text_is_fold_line_by_line():
    lines = ["鵬城實驗室與香港科技大學", "", "臺灣 乾隆 後來 頭髮", "The 粵港澳 Greater Bay 大灣區", "發展（廣州）"]
    text = "\n".join(lines)
    assert fold(text) == "\n".join(fold(line) for line in lines)
    assert fold(text).split("\n")[2] == _convert_same_length("臺灣 乾隆 後來 頭髮", "t2s")


def test_traditional_labels_converted_together_are_converted_one_by_one():
    names = ["深圳湾实验室", "粤港澳大湾区国家技术创新中心", "鹏城实验室", "深圳湾实验室", "南山发展研究院", "a\nb"]
    assert to_traditional_all(names) == [to_traditional(n) for n in names]
    assert to_traditional_all(names)[0] == "深圳灣實驗室"
