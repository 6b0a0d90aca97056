from extraction.rates import cny_rate, to_cny


def test_known_year_and_nearest_year() -> None:
    assert cny_rate("CNY", 2019) == 1.0
    assert cny_rate("USD", 2019) == 6.8985
    assert cny_rate("USD", 1990) == cny_rate("USD", 2005)  # nearest year in the table
    assert to_cny(801_000_000, "USD", 2019) == round(801_000_000 * 6.8985, 2)


def test_unknown_currency_has_no_rate() -> None:
    assert cny_rate("XYZ", 2020) is None
    assert to_cny(1, "XYZ", 2020) == 0.0
