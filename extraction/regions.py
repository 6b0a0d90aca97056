"""Administrative divisions: names in text → GB/T 2260 codes, and the tree above them.

The dictionary is jionlp's china_location (provinces, cities, counties, the
statistical zone codes xxxx7x, and the towns under each county), read once and
compiled into Aho-Corasick automata. `data/region_aliases.tsv` adds what the
dictionary lacks (national new areas, prefecture short names) and masks strings
that only look like places (大理石, 阿里巴巴).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from extraction._jionlp import dictionary, jionlp
from extraction.built import library, load_or_build, package_file
from extraction.trie import Trie

Level = Literal["province", "city", "county"]
_Add = Callable[[str, str, "Via"], None]
Via = Literal["name", "short", "alias", "zone", "town", "local"]

_ZONE_SUFFIXES = (
    "经济技术开发区",
    "高新技术产业开发区",
    "高新技术产业园区",
    "高新技术开发区",
    "经济开发区",
    "工业园区",
    "产业园区",
    "开发区",
    "高新区",
    "经开区",
    "工业园",
    "产业园",
    "园区",
    "新区",
)
_ZONE_ABBREVIATIONS = {
    "高新技术产业开发区": ("高新区", "高新技术开发区"),
    "高新技术产业园区": ("高新区",),
    "高新技术开发区": ("高新区",),
    "经济技术开发区": ("经开区", "经济开发区"),
    "经济开发区": ("经开区",),
}
#: Host and path words of a URL that never name a place.
_URL_STOPWORDS = frozenset(
    "www gov cn com net org html htm shtml php asp aspx news content m big5 gate info index detail "
    "view show article post paper epaper xinwen zwgk system html5 mobile wap home page".split()
)


#: What an outlet's name adds to its place (江华新闻网, 阿拉善日报, 舟曲县融媒体中心).
_OUTLET_SUFFIX = re.compile(
    r"(?:广播电视台|融媒体中心|新闻网|新闻|日报|晚报|早报|时报|电视台|在线|发布|网|报)$"
)
#: Suffixes of county media (县融媒体中心, 县新闻网): a county's short name before them names it.
_COUNTY_MEDIA = frozenset({"广播电视台", "融媒体中心", "新闻网", "电视台", "发布"})


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str
    short: str
    level: Level
    parent: str | None

    @property
    def province(self) -> str:
        return self.code[:2] + "0000"


@dataclass(frozen=True, slots=True)
class RegionMention:
    """A place named in the text; `codes` holds every division the string can mean."""

    start: int
    end: int
    text: str
    codes: tuple[str, ...]
    via: Via


def _level(code: str) -> Level:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


class Gazetteer:
    """All divisions, their ancestry, and fast lookup of their names in text."""

    def __init__(self, location_file: Path, alias_rows: list[dict[str, str]]) -> None:
        self.divisions: dict[str, Division] = {}
        self._chains: dict[str, tuple[Division, ...]] = {}
        self._origins: dict[str, Division | None] = {}
        towns: dict[str, set[str]] = defaultdict(set)
        self._read_dictionary(location_file, towns)
        names: dict[str, set[str]] = defaultdict(set)
        via: dict[str, Via] = {}
        county_shorts: dict[str, set[str]] = defaultdict(set)

        full_names = {d.name for d in self.divisions.values()}

        def add(name: str, code: str, how: Via) -> None:
            # a derived form never shadows another division's full name (大理+市 ≠ 大理市)
            if len(name) < 2 or name in _ZONE_SUFFIXES or (how != "name" and name in full_names):
                return
            names[name].add(code)
            via.setdefault(name, how)

        for d in self.divisions.values():
            add(d.name, d.code, "name")
            if d.level == "province":
                add(d.short, d.code, "short")
            elif d.level == "city":
                self._add_city_names(d, add)
            else:
                self._add_county_names(d, add, county_shorts)
        masks: set[str] = set()
        for row in alias_rows:
            alias, code = row["alias"], row["code"]
            if code == "-":
                masks.add(alias)
                names.pop(alias, None)
            else:
                names[alias] = {code}
                via[alias] = "alias"
                if code not in self.divisions:  # a division newer than the dictionary (伊滨区, 2021)
                    parent = code[:4] + "00" if code[:4] + "00" in self.divisions else code[:2] + "0000"
                    self.divisions[code] = Division(code, alias, alias, _level(code), parent)
        self._main_names = frozenset(names)
        self._main = Trie()
        for name, codes in names.items():
            self._main.add(name, (name, tuple(sorted(codes)), via[name]))
        for mask in masks:
            self._main.add(mask, (mask, (), "alias"))
        self._main.build()
        # Short county and town names collide with common words: they are only
        # looked up inside a known home region (one automaton per province, built on
        # first use), or right before a zone suffix.
        self._local_words: dict[str, list[tuple[str, tuple[str, ...], Via]]] = defaultdict(list)
        for name, codes in county_shorts.items():
            if name not in names:
                for prov in {c[:2] for c in codes}:
                    self._local_words[prov].append((name, tuple(sorted(codes)), "local"))
        self._towns: dict[str, tuple[str, ...]] = {}
        for town, codes in towns.items():
            self._towns[town] = tuple(sorted(codes))
            if town not in names:
                for prov in {c[:2] for c in codes}:
                    self._local_words[prov].append((town, tuple(sorted(codes)), "town"))
        self._local: dict[str, Trie] = {}
        self._unique_towns = Trie()
        for town, codes in towns.items():
            if len(codes) == 1 and town.endswith(("镇", "乡")) and town not in names:
                self._unique_towns.add(town, (town, tuple(codes), "town"))
        self._unique_towns.build()
        self._zone_suffix_re = re.compile("|".join(_ZONE_SUFFIXES))
        self._zone_cores: dict[str, tuple[str, ...]] = {}
        for name, codes in county_shorts.items():
            self._zone_cores[name] = tuple(sorted(codes))
        for town, codes in towns.items():
            core = re.sub(r"(镇|乡|街道)$", "", town)
            if len(core) >= 2:
                merged = set(self._zone_cores.get(core, ())) | set(codes)
                self._zone_cores[core] = tuple(sorted(merged))
        self._pinyin = self._build_pinyin_index()
        self._county_shorts = {name: tuple(sorted(codes)) for name, codes in county_shorts.items()}
        self._ancestors: dict[str, frozenset[str]] = {
            code: frozenset(d.code for d in self.chain(code)) for code in self.divisions
        }

    # -- building -----------------------------------------------------------------

    def _read_dictionary(self, path: Path, towns: dict[str, set[str]]) -> None:
        recoded = _recoded()
        stack: list[str | None] = [None, None, None]
        with path.open(encoding="utf-8") as f:
            for line in f:
                depth = len(line) - len(line.lstrip("\t"))
                parts = line.strip().split("\t")
                if depth <= 2 and len(parts) >= 2 and parts[1].isdigit():
                    name, code = parts[0], parts[1]
                    if code in recoded:
                        code, name = recoded[code]
                    short = parts[2] if len(parts) > 2 else name
                    parent = stack[depth - 1] if depth > 0 else None
                    stack[depth] = code
                    if depth == 1 and code == parent:
                        continue  # municipalities repeat themselves as their own city
                    if code not in self.divisions:
                        self.divisions[code] = Division(code, name, short, _level(code), parent)
                elif (
                    depth == 3 and stack[2] and parts[0].endswith(("镇", "乡", "街道")) and len(parts[0]) >= 3
                ):
                    towns[parts[0]].add(stack[2])

    def _add_city_names(self, d: Division, add: _Add) -> None:
        short = d.short
        add(short, d.code, "short")
        if d.name.endswith("自治州") or d.name.endswith("州"):
            add(short + "州", d.code, "short")
            add(short + "自治州", d.code, "short")
        if d.name.endswith("地区"):
            add(short + "地区", d.code, "short")
        if d.name.endswith("盟"):
            add(short + "盟", d.code, "short")
        if not d.name.endswith("市"):
            add(short + "市", d.code, "short")

    def _add_county_names(self, d: Division, add: _Add, county_shorts: dict[str, set[str]]) -> None:
        if d.code[4] == "7":  # a statistical zone code (开发区, 新区)
            self._add_zone_names(d, add)
            return
        short = d.short
        if d.name.endswith("自治县"):
            add(short + "县", d.code, "short")
            add(short + "自治县", d.code, "short")
        if d.name.endswith("自治旗"):
            add(short + "旗", d.code, "short")
        if len(short) >= 3 and short != d.name:
            add(short, d.code, "short")
        elif len(short) == 2 and short != d.name:
            county_shorts[short].add(d.code)

    def _add_zone_names(self, d: Division, add: _Add) -> None:
        city = self.divisions.get(d.parent or "")
        province = self.divisions.get(d.province)
        forms = {d.name}
        if province and d.name.startswith(province.short):
            forms.add(d.name[len(province.short) :])
        for form in list(forms):
            for long, shorts in _ZONE_ABBREVIATIONS.items():
                if form.endswith(long):
                    forms.update(form[: -len(long)] + s for s in shorts)
        if city:
            for form in list(forms):
                for prefix in (city.name, city.short):
                    if form.startswith(prefix) and len(form) > len(prefix) + 2:
                        rest = form[len(prefix) :]
                        if not rest.startswith(_ZONE_SUFFIXES):
                            forms.add(rest)  # 长春净月高新区 → 净月高新区
                        forms.add(city.short + rest)
                        forms.add(city.name + rest)
        for form in forms:
            add(form, d.code, "zone")

    def _build_pinyin_index(self) -> dict[str, tuple[str, ...]]:
        index: dict[str, set[str]] = defaultdict(set)
        pinyin = jionlp().pinyin
        for d in self.divisions.values():
            if d.level == "province":
                spelled = "".join(s.rstrip("012345") for s in pinyin(d.short, formater="simple"))
                index[spelled].add(d.code)
                continue
            full = [s.rstrip("012345") for s in pinyin(d.name, formater="simple")]
            short = [s.rstrip("012345") for s in pinyin(d.short, formater="simple")]
            if len(short) >= 2:
                index["".join(short)].add(d.code)
            if len(full) >= 2:
                index["".join(full)].add(d.code)
                index["#" + "".join(s[0] for s in full)].add(d.code)
        return {k: tuple(sorted(v)) for k, v in index.items()}

    # -- lookups ------------------------------------------------------------------

    def get(self, code: str) -> Division | None:
        return self.divisions.get(code)

    def chain(self, code: str) -> list[Division]:
        """The division and its ancestors, province first."""
        cached = self._chains.get(code)
        if cached is None:
            cached = self._chains[code] = tuple(self._walk_up(code))
        return list(cached)

    def _walk_up(self, code: str) -> list[Division]:
        out: list[Division] = []
        d = self.divisions.get(code)
        while d is not None:
            out.append(d)
            d = self.divisions.get(d.parent) if d.parent else None
        if out and out[-1].level != "province":
            prov = self.divisions.get(code[:2] + "0000")
            if prov:
                out.append(prov)
        return out[::-1]

    def is_within(self, code: str, ancestor: str) -> bool:
        return ancestor in self._ancestors.get(code, ())

    def find(self, text: str) -> list[RegionMention]:
        """Every place name in the text, longest match first, masks removed."""
        return [
            RegionMention(start, end, name, codes, how)
            for start, end, (name, codes, how) in self._main.iter_long(text)
            if codes
        ]

    def find_local(self, text: str, scope: str) -> list[RegionMention]:
        """Short county names and town names that lie inside `scope` (a division code)."""
        out = []
        trie = self._local.get(scope[:2])
        if trie is None:
            trie = Trie()
            for word in self._local_words.get(scope[:2], []):
                trie.add(word[0], word)
            self._local[scope[:2]] = trie.build()
        for start, end, (name, codes, how) in trie.iter_long(text):
            inside = tuple(c for c in codes if self.is_within(c, scope))
            if len(inside) == 1:
                out.append(RegionMention(start, end, name, inside, how))
        return out

    def find_zones(self, text: str) -> list[RegionMention]:
        """`<county or town short name><zone suffix>` (农安经济技术开发区, 西渡高新区): the county's code."""
        out = []
        for m in self._zone_suffix_re.finditer(text):
            start = m.start()
            while start > max(0, m.start() - 4) and "\u4e00" <= text[start - 1] <= "\u9fa5":
                start -= 1
            core = text[start : m.start()]
            for i in range(len(core) - 1):
                if core[i:] in self._main_names:
                    break
                codes = self._zone_cores.get(core[i:])
                if codes:
                    out.append(RegionMention(start + i, m.end(), text[start + i : m.end()], codes, "zone"))
                    break
        return out

    def find_unique_towns(self, text: str) -> list[RegionMention]:
        """Towns whose name exists once in the country (城前镇): they place an article by themselves."""
        found = self._unique_towns.iter_long(text)
        return [RegionMention(s, e, name, codes, how) for s, e, (name, codes, how) in found]

    def from_url(self, url: str) -> list[tuple[tuple[str, ...], bool]]:
        """Places a URL spells in pinyin (panzhihua.gov.cn, yfyunchengqu): (codes, by_initials)."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return []
        host = parts.hostname or ""
        first_segment = parts.path.strip("/").split("/")[0]
        tokens = host.split(".") + re.split(r"[^A-Za-z]+", first_segment)
        out: list[tuple[tuple[str, ...], bool]] = []
        for token in tokens:
            token = token.lower()
            if token in _URL_STOPWORDS or not token.isalpha() or len(token) < 3:
                continue
            hit = self._pinyin.get(token)
            if hit is None:
                for cut in range(1, len(token) - 5):
                    hit = self._pinyin.get(token[cut:]) or self._pinyin.get(token[: len(token) - cut])
                    if hit:
                        break
            if hit:
                out.append((hit, False))
            elif len(token) <= 4 and ("#" + token) in self._pinyin:
                out.append((self._pinyin["#" + token], True))
        return out

    def outlet_places(self, outlet: str) -> tuple[str, ...]:
        """Where an outlet named after a place is (江华新闻网 → 江华瑶族自治县, 扬州晚报 → 扬州); ()
        if none is named. A county's short name counts only before a county media suffix: 光明网,
        新民晚报, 东方网 are outlets whose names only look like counties."""
        core, local_media = outlet, False
        while (m := _OUTLET_SUFFIX.search(core)) and m.start() >= 2:
            local_media = local_media or m.group(0) in _COUNTY_MEDIA
            core = core[: m.start()]
        whole = [m.codes for m in self.find(core) if m.start == 0 and m.end == len(core)]
        if whole:
            named = whole[0]
            if local_media or core in {d.name for c in named if (d := self.divisions.get(c))}:
                return named  # a full name (江华瑶族自治县), or any name before a county media suffix
            return tuple(c for c in named if self._level_of(c) in ("province", "city"))
        return self._county_shorts.get(core, ()) if local_media else ()

    def _level_of(self, code: str) -> str:
        d = self.divisions.get(code)
        return d.level if d else "county"

    def origin_of(self, name: str) -> Division | None:
        """Where a company comes from, by the place its name starts with (浙江浦江晟宇… → 浦江县)."""
        if name not in self._origins:
            if len(self._origins) > 50_000:  # a long-running worker sees endless names
                self._origins.clear()
            self._origins[name] = self._read_origin(name)
        return self._origins[name]

    def _read_origin(self, name: str) -> Division | None:
        best: Division | None = None
        pos = 0
        while pos < len(name):
            hits = [m for m in self.find(name[pos : pos + 12]) if m.start == 0]
            if not hits and best is not None:
                hits = [m for m in self.find_local(name[pos : pos + 6], best.code) if m.start == 0]
            if not hits:
                break
            m = hits[0]
            codes = [c for c in m.codes if best is None or self.is_within(c, best.code)]
            if len(codes) != 1:
                break
            best = self.divisions.get(codes[0], best)
            pos += m.end
        return best


def _recoded() -> dict[str, tuple[str, str]]:
    """Dictionary code → (GB/T 2260 code, current name), for divisions re-coded after the dictionary."""
    text = resources.files("extraction").joinpath("data/division_codes.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader((ln for ln in text.splitlines() if ln and not ln.startswith("#")), delimiter="\t")
    return {r["dictionary_code"]: (r["gbt_code"], r["name"]) for r in rows}


def _alias_rows() -> list[dict[str, str]]:
    text = resources.files("extraction").joinpath("data/region_aliases.tsv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@cache
def gazetteer() -> Gazetteer:
    """The shared gazetteer: built once (about a second), later starts load it (a tenth of that).
    jionlp's version stands for its place dictionary (12 MB, not read again to be hashed) and
    its pinyin."""
    parts = ("regions.py", "trie.py", "data/region_aliases.tsv", "data/division_codes.tsv")
    return load_or_build(
        "gazetteer",
        Gazetteer,
        [*map(package_file, parts), library("jionlp")],
        lambda: Gazetteer(dictionary("china_location.txt"), _alias_rows()),
    )
