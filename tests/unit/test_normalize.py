from extraction.normalize import normalize_text


def test_traditional_to_simplified_and_converter_damage() -> None:
    nt = normalize_text("黔粵聚焦產(chǎn)業(yè)協(xié)作,陜西")
    assert nt.text == "黔粤聚焦产业协作,陕西"


def test_full_width_digits_punctuation_and_spaces_in_numbers() -> None:
    nt = normalize_text("总投资１１１５.2 亿元，项目 219 个；")
    assert nt.text == "总投资1115.2亿元,项目219个;"


def test_offsets_point_back_to_the_original() -> None:
    raw = "簽約產(chǎn)業(yè)項目5個,總投資3.2億美元"
    nt = normalize_text(raw)
    start = nt.text.index("3.2")
    a, b = nt.original_span(start, start + len("3.2亿美元"))
    assert raw[a:b] == "3.2億美元"


def test_link_lists_under_related_headings_are_dropped() -> None:
    raw = "正文第一句。\n相关推荐\n- 某地签约项目总投资500亿元\n- 另一条链接\n"
    nt = normalize_text(raw)
    assert "500亿元" not in nt.text
    assert "正文第一句。" in nt.text


def test_navigation_bars_are_dropped() -> None:
    nt = normalize_text("首页 | 新闻中心 | 招商引资 | 政务公开\n正文。")
    assert "新闻中心" not in nt.text


def test_spaces_between_two_numbers_stay() -> None:
    assert normalize_text("2019-09-22 12:43:23来源").text == "2019-09-22 12:43:23来源"
