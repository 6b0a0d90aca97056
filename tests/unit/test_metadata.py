from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from extraction.metadata import (
    _DATELINE,
    _DATELINE_TAIL,
    dateline_date,
    published_date,
    read_metadata,
    title_of,
)


def test_published_date_from_labels_plain_dates_and_urls() -> None:
    assert published_date("发布时间:2021年04月01日发布人:", "u") == date(2021, 4, 1)
    assert published_date("来源:红网 2019-08-01 16:39:54", "u") == date(2019, 8, 1)
    assert published_date("正文", "http://x.cn/2023/0518/74728.html") == date(2023, 5, 18)
    assert published_date("2014年1-4月,全省", "u") is None  # a period, not a date


def test_dateline_takes_the_latest_year_the_story_names() -> None:
    assert dateline_date("中新网贵阳3月23日电", "2022年……2023年是贵州的……") == date(2023, 3, 23)


def test_title_skips_navigation_and_dates() -> None:
    text = "当前位置:首页 > 新闻\n2024年09月04日 星期三\n为有源头活水来\n正文。"
    assert title_of(text) == "为有源头活水来"


def test_source_outlet() -> None:
    meta = read_metadata("来源:红网 作者:汪衡 2019-08-01", "u", None, None, None)
    assert meta.source == "红网"


@given(st.text(st.sampled_from("中新网日报社电讯视台在线贵阳月日3 12,。"), max_size=40))
def test_the_dateline_first_look_passes_every_text_that_holds_a_dateline(text: str) -> None:
    assert _DATELINE.search(text) is None or _DATELINE_TAIL.search(text) is not None


def test_the_source_and_dateline_are_read_from_the_head() -> None:
    meta = read_metadata("新华社成都5月6日电 正文。", "u", None, None, None)
    assert meta.source == "新华社"
    assert read_metadata("正文没有电头。", "u", None, None, None).source is None
