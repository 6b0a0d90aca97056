"""Chinese numerals (一百多, 两, 十五) to numbers, for counts and amounts written in words."""

from __future__ import annotations

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}

CN_NUMERAL = "[零〇一二两三四五六七八九十百千]+"


def parse_cn_int(text: str) -> int | None:
    """一百二十 → 120, 十五 → 15, 百 → 100; None for anything else."""
    if not text:
        return None
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (digit if digit is not None else 1) * _UNITS[ch]
            digit = None
        else:
            return None
    if digit is not None:
        total += digit
    return total


def parse_number(text: str) -> float | None:
    """Arabic (with thousands commas) or Chinese numerals."""
    t = text.replace(",", "")
    try:
        return float(t)
    except ValueError:
        n = parse_cn_int(text)
        return float(n) if n is not None else None
