from extraction.counts import find_counts


def counts(text: str) -> list[tuple[int, bool]]:
    return [(c.n, c.bracket) for c in find_counts(text)]


def test_counts_before_and_after_the_word_project() -> None:
    assert counts("共签约省级项目60个") == [(60, False)]
    assert counts("3个项目集中签约") == [(3, False)]
    assert counts("6大项目共签约投资达19.92亿元") == [(6, False)]
    assert counts("签订正式投资合同1804个") == [(1804, False)]


def test_chinese_numerals_and_quoted_kinds() -> None:
    assert counts("现场共签约六个项目") == [(6, False)]
    assert counts("推出百余个招商项目") == [(100, False)]
    assert counts("等4个“三类500强”项目") == [(4, False)]


def test_size_brackets_are_marked() -> None:
    assert counts("其中超亿元项目11个") == [(11, True)]
    assert counts("2亿元以上重大项目13个") == [(13, True)]


def test_companies_and_people_are_not_project_counts() -> None:
    assert counts("参会企业199家、参会客商265人") == []
