from extraction.investors import find_companies


def names(text: str) -> list[str]:
    return [c.name for c in find_companies(text)]


def test_names_are_cut_at_the_words_before_them() -> None:
    assert names("其中十八趟项目由青岛望云旅游度假有限公司投资5亿元") == ["青岛望云旅游度假有限公司"]
    assert names("由台江县人民政府与中国500强企业水发集团有限公司签约") == ["水发集团有限公司"]
    assert names("如:深圳市天鼎微波科技有限公司投资12亿元") == ["深圳市天鼎微波科技有限公司"]


def test_parentheses_inside_names() -> None:
    assert names("包括深圳正威(集团)有限公司投资120亿元") == ["深圳正威(集团)有限公司"]


def test_branches_after_a_company_are_not_another_company() -> None:
    assert names("27日,苏州协鑫新能源投资有限公司湖南湖北分公司总经理") == ["苏州协鑫新能源投资有限公司"]
