from datetime import date

from extraction.periods import find_day, find_period

PUB = date(2024, 9, 4)


def span(text: str, published: date = PUB) -> tuple[date, date] | None:
    found = find_period(text, published)
    return (found.start, found.end) if found else None


def test_month_ranges_resolve_to_the_published_year() -> None:
    assert span("今年1至8月,该园区") == (date(2024, 1, 1), date(2024, 8, 31))
    assert span("1-6月共实现") == (date(2024, 1, 1), date(2024, 6, 30))
    assert span("1-10月份", date(2024, 11, 20)) == (date(2024, 1, 1), date(2024, 10, 31))


def test_a_range_ending_after_publication_is_last_year() -> None:
    assert span("1-11月,全市", date(2024, 3, 1)) == (date(2023, 1, 1), date(2023, 11, 30))


def test_halves_quarters_and_first_months() -> None:
    assert span("上半年") == (date(2024, 1, 1), date(2024, 6, 30))
    assert span("前三季度") == (date(2024, 1, 1), date(2024, 9, 30))
    assert span("前8个月") == (date(2024, 1, 1), date(2024, 8, 31))
    assert span("去年全区") == (date(2023, 1, 1), date(2023, 12, 31))


def test_explicit_year() -> None:
    assert span("2006年1-10月全市履约项目") == (date(2006, 1, 1), date(2006, 10, 31))


def test_days() -> None:
    assert find_day("7月30日,推进", date(2019, 8, 1)) == date(2019, 7, 30)
    assert find_day("12月30日签约", date(2020, 1, 5)) == date(2019, 12, 30)
