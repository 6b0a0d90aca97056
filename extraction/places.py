"""Where an article reports from (its home region) and where each event's money lands.

EVENTS.md: an event's region is the project's place where the text names it,
otherwise the region that reports. The home region is read from the title,
the dateline and outlet, the first mentions, the towns named, and a URL that
spells a place in pinyin; its depth (province, city, county) from how much of
the weight the deeper levels hold and from the level words (全省, 我市, 该县).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from extraction.investors import CompanyMention
from extraction.lexicon import Lexicon
from extraction.regions import Gazetteer, RegionMention

#: Where a delegation went or comes from, also the later places of a list (赴深圳、东莞).
_AWAY = re.compile(r"(?:来自|赴|前往|走访|飞赴|率团|考察|拜访|对接|对标|到访)(?:[^,;。、赴]{2,8}、){0,4}$")
_AWAY_CHARS = frozenset("来赴前走飞率考拜对到")  # first characters of _AWAY's words: a cheap first look
_VENUE = re.compile(r"^[^,;。]{0,12}?(举行|举办|召开|开幕|隆重举行)")
_ORGANIZER = re.compile(r"^(?:人民政府|政府|代表团)?(?:在|赴|于)[^,;。]{1,12}?(举行|举办|召开|开展)")
_CLAUSE_OPENING = re.compile(r"(?:^|[,;:。、\n]|其中,?|其中:)$")
_OWN_VENUE = re.compile(r"分会场|主会场")
_LOCATION_CUE = re.compile(r"(位于|落户|落地|落户于|选址|建在|坐落|在)$")
_BUILD_AFTER = re.compile(r"^(?:市|县|区)?(?:建设|投资|新建|建|打造|布局)")
#: The clause after an amount that says where the project goes (,落户绵阳高新区 / ,在江油市建设).
_NEXT_CLAUSE_PLACE = re.compile(
    r"^[,;]\s*(?:将|拟|计划|项目)?(?:落户|落地|位于|选址|建在|坐落于?|在)[^,;。]{2,20}"
)
#: A place in parentheses right after another (浙江(广东)): a qualifier, not a subject.
_QUALIFIER = re.compile(r"\((?=[^()]{2,8}\))")
#: Hong Kong, Macao and Taiwan codes: money lands there only in stories from there.
_OFFSHORE = frozenset({"71", "81", "82"})
#: 深圳企业, 香港客商: a place that says where investors come from, not where money lands.
_ORIGIN_AFTER = re.compile(r"(?:籍|的)?(?:企业|客商|商会|商人|企业家|民企|资本|投资商|投资者|老乡)")
#: 中国(湖南)自由贸易试验区: the parenthesized place is the zone's home, not a market courted.
_NATIONAL_BEFORE = re.compile(r"中国$")
_SHARE = 0.4
_TOWN_WINDOW = 800  # a deeper region is home when it holds this share of its parent's weight


@dataclass(frozen=True, slots=True)
class Place:
    start: int
    end: int
    code: str
    text: str
    in_company: bool
    elsewhere: bool = False  # a venue, a destination, a market courted: not whose figure it is


@dataclass
class ArticlePlaces:
    chain: list[str]
    places: list[Place] = field(default_factory=list)
    levels: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def home(self) -> str:
        return self.chain[-1]


class PlaceReader:
    def __init__(self, gaz: Gazetteer, lex: Lexicon) -> None:
        self.gaz = gaz
        self.lex = lex

    # -- the home region ----------------------------------------------------------

    def read(
        self,
        text: str,
        title: str | None,
        lead_end: int,
        url: str,
        companies: list[CompanyMention],
        outlet: str | None = None,
    ) -> ArticlePlaces:
        covered = bytearray(len(text) + 1)
        for c in companies:
            covered[c.start : c.end] = b"\x01" * (c.end - c.start)

        def in_company(m: RegionMention) -> bool:
            return 0 <= m.start < len(covered) and bool(covered[m.start])

        found = self.gaz.find(text) + self.gaz.find_zones(text)
        found = _drop_overlaps(found)
        standing = {(m.start, m.end): self._standing(m, text) for m in found}
        weights: list[tuple[RegionMention, float]] = []
        for m in found:
            if in_company(m):
                continue
            w = (2.0 if m.start < lead_end else 1.0) * standing[m.start, m.end]
            weights.append((m, w))
        if title:
            for m in self.gaz.find(title) + self.gaz.find_zones(title):
                weights.append((m, 2.0 * self._standing(m, title)))
        if outlet:
            codes = self.gaz.outlet_places(outlet)
            if len(codes) == 1 and codes[0][:2] not in _OFFSHORE:  # 来源:江华新闻网: a county outlet's county
                weights.append((RegionMention(-1, -1, outlet, codes, "name"), 1.5))
        for town in self.gaz.find_unique_towns(text[:_TOWN_WINDOW]):  # towns that place a story open it
            weights.append((town, 1.0))
        url_places = self.gaz.from_url(url)
        for codes, by_initials in url_places:
            if not by_initials and len({c[:2] for c in codes}) == 1:  # only a URL that spells one place
                weights.append((RegionMention(-1, -1, url, codes, "name"), 3.0))
        level_of = self.lex.level_of
        levels = [(m.start(), m.end(), level_of[m.group(0)]) for m in self.lex.level_re.finditer(text)]
        level_words = Counter(level for _, _, level in levels)
        chain = self._home_chain(weights, level_words)
        # second pass: short county names, towns and URL initials inside the home region
        scope = chain[1] if len(chain) > 1 else chain[0] if chain else None
        if scope:
            local = [m for m in self.gaz.find_local(text, scope) if not in_company(m)]
            before = len(weights)
            for m in local:
                weights.append((m, 2.0 if m.start < lead_end else 1.0))
            for codes, by_initials in url_places:
                inside_scope = tuple(c for c in codes if self.gaz.is_within(c, scope))
                if by_initials and len(inside_scope) == 1:
                    weights.append((RegionMention(-1, -1, url, inside_scope, "name"), 3.0))
            found = _drop_overlaps(found + local)
            if len(weights) > before:
                chain = self._home_chain(weights, level_words)
        places = []
        for m in found:
            code = self._resolve(m.codes, chain)
            if code and ((chain and code[:2] == chain[0][:2]) or not _never_lands(code, m, text)):
                here = standing.get((m.start, m.end))
                if here is None:  # a short name found in the second pass
                    here = self._standing(m, text)
                elsewhere = here < 1.0 and code not in chain
                places.append(Place(m.start, m.end, code, m.text, in_company(m), elsewhere))
        return ArticlePlaces(chain=chain or ["000000"], places=places, levels=levels)

    @staticmethod
    def _standing(m: RegionMention, text: str) -> float:
        """How much a mention says about whose story it is."""
        after = text[m.end : m.end + 24]
        venue = text[max(0, m.start - 1) : m.start] in ("在", "于") and _VENUE.match(after)
        before = text[max(0, m.start - 40) : m.start]
        if venue or (not _AWAY_CHARS.isdisjoint(before) and _AWAY.search(before)):
            return 0.3  # where a delegation went, or the venue of an event
        if _is_qualifier(m, text) or _ORIGIN_AFTER.match(after):
            return 0.3  # 浙江(广东)洽谈会 courts a market; 深圳企业, 浙商 say where investors come from
        if _ORGANIZER.match(after):
            return 2.0  # 广东省在香港举行…: the region that holds the event
        if any(m.codes) and all(c[:2] in _OFFSHORE for c in m.codes):
            return 0.1  # Hong Kong, Macao, Taiwan: an outlet's, an investor's or a trip's place
        return 1.0

    def _resolve(self, codes: tuple[str, ...], chain: list[str]) -> str | None:
        if len(codes) == 1:
            return codes[0]
        for anchor in reversed(chain):
            inside = [c for c in codes if self.gaz.is_within(c, anchor)]
            if len(inside) == 1:
                return inside[0]
        return None

    def _home_chain(self, weights: list[tuple[RegionMention, float]], levels: Counter[str]) -> list[str]:
        score: dict[str, float] = defaultdict(float)
        province_score: dict[str, float] = defaultdict(float)
        for m, w in weights:
            provinces = {c[:2] for c in m.codes}
            if len(provinces) == 1:
                province_score[next(iter(provinces))] += w
        if not province_score:
            return []
        province = max(province_score, key=lambda p: province_score[p])
        for m, w in weights:
            code = self._resolve(m.codes, [province + "0000"])
            if code and code.startswith(province):
                for d in self.gaz.chain(code):
                    score[d.code] += w
        chain = [province + "0000"]
        total = score.get(chain[0], 0.0)
        deeper_words = levels["city"] + levels["county"] + levels["district"] + levels["zone"]
        if levels["province"] >= 2 and levels["province"] > 2 * deeper_words:
            return chain
        cities = {c: s for c, s in score.items() if c.startswith(province) and self._level(c) == "city"}
        if cities:
            city = max(cities, key=lambda c: cities[c])
            if cities[city] >= _SHARE * total:
                chain.append(city)
                total = cities[city]
        if (
            levels["city"] >= 2
            and levels["city"] > 2 * (levels["county"] + levels["district"] + levels["zone"])
            and (
                len(chain) > 1
                and self.gaz.get(chain[-1]) is not None
                and not any(
                    self.gaz.chain(c)[-1].name.endswith("市") for c in score if self._level(c) == "county"
                )
            )
        ):
            return chain
        parent = chain[-1]
        counties = {
            c: s for c, s in score.items() if self._level(c) == "county" and self.gaz.is_within(c, parent)
        }
        if counties:
            county = max(counties, key=lambda c: counties[c])
            if counties[county] >= _SHARE * total:
                if len(chain) == 1:  # a county directly under its province (省直辖)
                    division = self.gaz.get(county)
                    if division and division.parent and division.parent != chain[0]:
                        chain.append(division.parent)
                chain.append(county)
        return chain

    def _level(self, code: str) -> str:
        d = self.gaz.get(code)
        return d.level if d else "county"

    # -- where one event's money lands ------------------------------------------------

    def relation(self, code: str, chain: list[str]) -> str:
        """'deeper' (inside home), 'chain' (home or above), or 'other'."""
        if code in chain:
            return "chain"
        if self.gaz.is_within(code, chain[-1]):
            return "deeper"
        return "other"

    def level_code(self, level: str, chain: list[str]) -> str:
        """The home division a level word (全省, 该市, 我县, 全区) speaks for.

        By the name's ending, not the tier: 该市 in a county-level city (汝州市) is that city.
        """
        if level == "province":
            return chain[0]
        endings = {"city": ("市", "州", "盟", "地区"), "county": ("县", "旗"), "district": ("区",)}.get(level)
        if endings:
            for code in reversed(chain[1:]):
                d = self.gaz.get(code)
                if d and d.name.endswith(endings):
                    return code
        if level == "city":
            return next((c for c in chain if self._level(c) == "city"), chain[-1])
        return chain[-1]

    def clause_subject(self, text_start: int, text_end: int, text: str, places: ArticlePlaces) -> str | None:
        """A place that opens a clause since the last amount (;绵阳市新签约项目110个,投资额820亿元),
        wherever it lies: the subject of the figure."""
        inside = [
            p
            for p in places.places
            if text_start <= p.start and p.end <= text_end and not p.in_company and not p.elsewhere
        ]
        found = []
        for i, p in enumerate(inside):
            opening = _CLAUSE_OPENING.search(text[max(0, p.start - 4) : p.start])
            at_own_venue = _CLAUSE_OPENING.search(text[max(0, p.start - 5) : p.start - 1]) and (
                text[p.start - 1 : p.start] == "在" and _OWN_VENUE.match(text, p.end)
            )  # 在于都县分会场,现场签约…: a county's batch at its own venue of a city's ceremony
            if opening or at_own_venue:
                while i + 1 < len(inside) and inside[i + 1].start == inside[i].end:
                    i += 1  # 重庆市江北区: the most specific of places written together
                found.append(inside[i].code)
        return found[-1] if found else None

    def subject(self, text_start: int, text_end: int, places: ArticlePlaces) -> str | None:
        """The region a stretch of text reports for: the last deeper place, home place or level word."""
        chain = places.chain
        deeper: list[tuple[int, str]] = []
        named: list[tuple[int, str]] = []
        for p in places.places:
            if text_start <= p.start and p.end <= text_end and not p.in_company and not p.elsewhere:
                rel = self.relation(p.code, chain)
                if rel == "deeper":
                    deeper.append((p.start, p.code))
                elif rel == "chain":
                    named.append((len(self.gaz.chain(p.code)), p.code))
        words = [
            (start, self.level_code(level, chain))
            for start, end, level in places.levels
            if text_start <= start and end <= text_end
        ]
        last_deeper = max(deeper)[0] if deeper else -1
        if words and max(words)[0] > last_deeper:
            return max(words)[1]  # 全省, 该市, 我县 say whose figure it is
        if deeper:
            return max(deeper)[1]
        return max(named)[1] if named else None

    def project_place(
        self,
        clause: tuple[int, int],
        window: tuple[int, int],
        money_at: int,
        text: str,
        places: ArticlePlaces,
    ) -> str | None:
        """A place named next to one project: in its own clause, else before it since the last amount."""
        chain = places.chain

        def pick(lo: int, hi: int, accept: tuple[str, ...]) -> str | None:
            best: tuple[tuple[int, int], str] | None = None
            for p in places.places:
                if not (lo <= p.start and p.end <= hi):
                    continue
                rel = self.relation(p.code, chain)
                if rel == "other" and len(chain) >= 3 and self.gaz.is_within(p.code, chain[-2]):
                    rel = (
                        "deeper"  # a sibling of a home county, inside the reporting city (湘西州: 龙山, 花垣)
                    )
                cue = bool(_LOCATION_CUE.search(text[max(0, p.start - 3) : p.start])) and (
                    bool(_BUILD_AFTER.match(text[p.end : p.end + 4]))
                    or "在" not in text[max(0, p.start - 1) : p.start]
                )
                ok = (
                    (rel == "deeper" and (not p.in_company or rel in accept))
                    or (rel == "other" and cue and not p.in_company)
                    or (rel == "chain" and "chain" in accept and not p.in_company)
                )
                if ok:
                    # the deepest place wins (宁乡经开区 over 长沙), then the nearest
                    rank = (-len(self.gaz.chain(p.code)), abs(p.start - money_at))
                    if best is None or rank < best[0]:
                        best = (rank, p.code)
            return best[1] if best else None

        following = _NEXT_CLAUSE_PLACE.match(text[clause[1] : window[1]])
        nxt = (clause[1], clause[1] + following.end()) if following else None
        return (
            pick(*clause, ())
            or (pick(*nxt, ()) if nxt else None)
            or pick(*clause, ("chain",))
            or (pick(*nxt, ("chain",)) if nxt else None)
            or pick(window[0], money_at, ())
        )


def _never_lands(code: str, m: RegionMention, text: str) -> bool:
    """Places that are never where an event's money lands, unless the story is from there."""
    return code[:2] in _OFFSHORE or _is_qualifier(m, text)


def _is_qualifier(m: RegionMention, text: str) -> bool:
    """浙江(广东)洽谈会: a place in parentheses after another; not 中国(湖南)自由贸易试验区."""
    return (
        m.start >= 1
        and bool(_QUALIFIER.match(text, m.start - 1))
        and not _NATIONAL_BEFORE.search(text, 0, m.start - 1)
    )


def _drop_overlaps(mentions: list[RegionMention]) -> list[RegionMention]:
    """Keep the longest of overlapping mentions."""
    out: list[RegionMention] = []
    for m in sorted(mentions, key=lambda x: (x.start, -(x.end - x.start))):
        if out and m.start < out[-1].end:
            if (m.end - m.start) > (out[-1].end - out[-1].start):
                out[-1] = m
            continue
        out.append(m)
    return out
