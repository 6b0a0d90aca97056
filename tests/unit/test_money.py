from extraction.money import find_money


def amounts(text: str) -> list[tuple[float, str, bool]]:
    return [(m.value, m.currency, m.approx) for m in find_money(text)]


def test_yi_and_wan_in_yuan() -> None:
    assert amounts("投资总额325亿元,引资276亿元") == [
        (32_500_000_000, "CNY", False),
        (27_600_000_000, "CNY", False),
    ]
    assert amounts("实际到位资金1005136万元") == [(10_051_360_000, "CNY", False)]


def test_foreign_currencies() -> None:
    assert amounts("实际利用外资8.01亿美元") == [(801_000_000, "USD", False)]
    assert amounts("总投资9300万美元") == [(93_000_000, "USD", False)]
    assert amounts("约40.7亿港元") == [(4_070_000_000, "HKD", True)]
    assert amounts("投资2.5亿欧元") == [(250_000_000, "EUR", False)]


def test_approximate_words_mark_approx() -> None:
    for text in ("投资2000余万元", "投资额近百亿元", "超5400亿元", "约1656亿元", "1.5亿多元", "500亿元以上"):
        (found,) = find_money(text)
        assert found.approx, text


def test_yu_keeps_the_stated_number() -> None:
    (m,) = find_money("投资2000余万元上马")
    assert m.value == 20_000_000


def test_chinese_numerals() -> None:
    assert amounts("投资额近百亿元")[0][0] == 10_000_000_000


def test_counts_of_things_are_not_money() -> None:
    assert find_money("1.5亿像素的工业镜头,年产3万吨,2.4亿度电,5万平方米") == []
    assert find_money("同比增长13.7%,增长1.2倍") == []


def test_ranges_carry_both_ends() -> None:
    (m,) = find_money("总投资10-20亿元")
    assert (m.low, m.high, m.value) == (1_000_000_000, 2_000_000_000, 2_000_000_000)
    _lo, hi = find_money("引进2000万元至1亿元项目7个")
    assert hi.low == 20_000_000
