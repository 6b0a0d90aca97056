import pytest

from extraction.money import find_money
from extraction.rates import cny_rate, currencies, to_cny


def test_known_year_and_nearest_year() -> None:
    assert cny_rate("CNY", 2019) == 1.0
    assert cny_rate("USD", 2019) == 6.8985
    assert cny_rate("USD", 1990) == cny_rate("USD", 2005)  # nearest year in the table
    assert to_cny(801_000_000, "USD", 2019) == round(801_000_000 * 6.8985, 2)


def test_every_currency_read_in_text_has_a_rate_for_every_year() -> None:
    """No amount can come out as 0 CNY: a currency is read only if its table has rates."""
    for code, c in currencies().items():
        for year in (2004, 2012, 2030):
            assert cny_rate(code, year) > 0
        for word in c.words:
            (m,) = find_money(f"投资2亿{word}建设")
            assert m.currency == code


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [("总投资3.1个亿", 3.1e8, "CNY"), ("协议投资5000万澳元", 5e7, "AUD"), ("引资1.2亿新台币", 1.2e8, "TWD")],
)
def test_written_forms(text: str, value: float, currency: str) -> None:
    (m,) = find_money(text)
    assert (m.value, m.currency) == (value, currency)
    assert to_cny(m.value, m.currency, 2020) > 0
