"""Article in, investment events out: the pure function the stream agents call."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date

from extraction.article import check_length
from extraction.candidates import Candidate, SentenceReader
from extraction.confidence import confidence_features
from extraction.ids import event_id, fact_id
from extraction.industries import tag_industries
from extraction.investors import CompanyMention, find_companies
from extraction.kind_model import KindModel, kind_model
from extraction.lexicon import lexicon
from extraction.linking import drop_covering_aggregates, link_parts, merge_duplicates
from extraction.metadata import Metadata, read_metadata
from extraction.money import may_name_money
from extraction.normalize import NormalizedText, normalize_text
from extraction.periods import find_day, find_period
from extraction.places import ArticlePlaces, PlaceReader
from extraction.rates import to_cny
from extraction.regions import Gazetteer, gazetteer
from extraction.sentences import Sentence, split_sentences
from extraction.version import extractor_version
from schemas.articles import Article
from schemas.events import Amount, InvestmentEvent, Investor, Period, RegionRef

_SUBTITLE_CHARS = 40

#: The first look at a page: without a number before a magnitude or a currency, no amount.
_MAY_NAME_MONEY = may_name_money()
_SUMMARY_LINE = re.compile(r"^\s*(?:摘要|简介|文章简介|原标题|原题|标题|导读)\s*[:]")


def _clause_run(text: str, start: int, end: int) -> tuple[int, int]:
    """The stretch between the commas or semicolons around [start, end)."""
    lo = max(text.rfind(ch, 0, start) for ch in ",;。") + 1
    his = [i for i in (text.find(ch, end) for ch in ",;。") if i >= 0]
    return lo, min(his) if his else len(text)


class Extractor:
    """Holds the dictionaries (built once, about a second) and reads articles with them."""

    def __init__(self, gaz: Gazetteer | None = None, model: KindModel | None = None) -> None:
        self.gaz = gaz or gazetteer()
        self.lex = lexicon()
        self.model = model or kind_model()
        self.version = extractor_version(self.model)
        self.sentences = SentenceReader(self.lex, self.model)
        self.places = PlaceReader(self.gaz, self.lex)
        self._refs: dict[str, RegionRef] = {}  # RegionRef is immutable in use: one per code

    def extract(self, article: Article) -> list[InvestmentEvent]:
        check_length(article.text)
        if not _MAY_NAME_MONEY.search(article.text):
            return []  # a cheap first look: most crawled pages name no amount of money at all
        nt = normalize_text(article.text)
        if not self.lex.measure_re.search(nt.text):
            return []  # and a second: every event's metric is read from a word no sentence here holds
        meta, sents, companies = self._read(article, nt)
        if not sents:
            return []
        first_body = next((s for s in sents if s.text.endswith("。")), sents[0])
        places = self.places.read(
            nt.text, meta.title, first_body.end + 60, article.url, companies, meta.source
        )
        cands = self._read_sentences(self.sentences, nt.text, sents, meta.title, companies)
        live = [c for c in cands if not c.skip]
        cny = self._cny_of(meta.published)
        link_parts(live, cny)
        kept = merge_duplicates(live, cny)
        self._place(kept, sents, nt.text, places)
        for c in kept:  # a batch of another region is not a part of this one (酒泉's fair, 甘南's signing)
            parent = c.part_of
            if parent is not None and c.region and parent.region and self._apart(c.region, parent.region):
                c.part_of = None
        kept = drop_covering_aggregates(kept, cny, self.gaz.is_within, places.home)
        return self._events(kept, article, nt, sents, meta.published, meta.source)

    def candidates(self, article: Article) -> list[Candidate]:
        """Every amount the rules keep, with its scope features and no kind yet (to fit the model)."""
        nt = normalize_text(article.text)
        meta, sents, companies = self._read(article, nt)
        reader = SentenceReader(self.lex, model=None)
        return [c for c in self._read_sentences(reader, nt.text, sents, meta.title, companies) if not c.skip]

    # -- reading ----------------------------------------------------------------------

    def _read(
        self, article: Article, nt: NormalizedText
    ) -> tuple[Metadata, list[Sentence], list[CompanyMention]]:
        title = normalize_text(article.title).text.strip() if article.title else None
        meta = read_metadata(
            nt.with_boilerplate,
            article.url,
            title,
            article.published_at,
            article.source,
            body=nt.text,
            fetched=article.fetched_at.date() if article.fetched_at else None,
        )
        sents = split_sentences(nt.text)
        return meta, sents, find_companies(nt.text)

    def _read_sentences(
        self,
        reader: SentenceReader,
        text: str,
        sents: list[Sentence],
        title: str | None,
        companies: list[CompanyMention],
    ) -> list[Candidate]:
        quotes = self._plan_quotes(text)
        headline_lines = self._headline_spans(text, title)
        out: list[Candidate] = []
        for i, s in enumerate(sents):
            in_quote = any(a <= s.start < b for a, b in quotes)
            headline = any(a <= s.start < b for a, b in headline_lines)
            out.extend(reader.read(s, sents[max(0, i - 3) : i], in_quote, companies, headline))
        return out

    def _plan_quotes(self, text: str) -> list[tuple[int, int]]:
        """Quoted passages of a plan or work report (报告指出,“…”): goals, not results."""
        spans = []
        for m in re.finditer(r"“", text):
            if self.lex.plan_quote.search(text[max(0, m.start() - 12) : m.start()]):
                end = text.find("”", m.end())
                if end > 0:
                    spans.append((m.end(), end))
        return spans

    @staticmethod
    def _headline_spans(text: str, title: str | None) -> list[tuple[int, int]]:
        """The title, summary lines, and the short unpunctuated lines that open the page before its
        first full sentence (a subtitle restates the story's figures)."""
        spans = []
        pos = 0
        in_lead = True
        for line in text.splitlines(keepends=True):
            body = line.strip()
            subtitle = in_lead and 0 < len(body) <= _SUBTITLE_CHARS and not body.endswith(("。", "!", "?"))
            if body and ((title and body == title) or _SUMMARY_LINE.match(body) or subtitle):
                spans.append((pos, pos + len(line)))
            if "。" in body:
                in_lead = False
            pos += len(line)
        return spans

    @staticmethod
    def _cny_of(published: date | None) -> Callable[[Candidate], float]:
        year = published.year if published else None

        def cny(c: Candidate) -> float:
            return to_cny(c.money.value, c.money.currency, year)

        return cny

    # -- places -----------------------------------------------------------------------

    def _place(self, kept: list[Candidate], sents: list[Sentence], text: str, places: ArticlePlaces) -> None:
        for c in sorted(kept, key=lambda x: x.single):  # batches first: projects may inherit theirs
            s = c.sentence
            if c.single:
                lo, hi = c.window
                clause = _clause_run(s.text, c.money.start, c.money.end)
                code = self.places.project_place(
                    (s.start + clause[0], s.start + clause[1]),
                    (s.start + lo, s.start + hi),
                    c.start,
                    text,
                    places,
                )
                c.region_via = "project"
                if code is None and c.part_of is not None:
                    code, c.region_via = c.part_of.region, "batch"
                if code is None:
                    code, c.region_via = self._subject(c, sents, text, places)
                c.region = code
            elif c.part_of is not None and c.part_of.region:
                # a sub-batch lands where its batch lands, unless its own clause names a place
                since_last_amount = s.start + c.window[0]
                own = self.places.clause_subject(since_last_amount, c.start, text, places)
                c.region, c.region_via = (own, "clause") if own else (c.part_of.region, "batch")
            else:
                c.region, c.region_via = self._subject(c, sents, text, places)

    def _apart(self, a: str, b: str) -> bool:
        """Neither region lies inside the other."""
        return not (self.gaz.is_within(a, b) or self.gaz.is_within(b, a))

    def _subject(
        self, c: Candidate, sents: list[Sentence], text: str, places: ArticlePlaces
    ) -> tuple[str, str]:
        """The region a figure reports for, and where it was read (how sure to be of it)."""
        since_last_amount = c.sentence.start + c.window[0]
        code = self.places.clause_subject(since_last_amount, c.start, text, places)
        if code:
            return code, "clause"
        code = self.places.subject(c.sentence.start, c.start, places)
        if code:
            return code, "sentence"
        for prev in reversed(sents[max(0, c.sentence.index - 2) : c.sentence.index]):
            if prev.paragraph != c.sentence.paragraph:
                break
            code = self.places.subject(prev.start, prev.end, places)
            if code:
                return code, "context"
        return places.home, "home" if places.home != "000000" else "unknown"

    # -- events -----------------------------------------------------------------------

    def _confidence(self, c: Candidate, region: RegionRef) -> float:
        return round(self.model.event_confidence(confidence_features(c, region)), 2)

    def _region_ref(self, code: str) -> RegionRef:
        ref = self._refs.get(code)
        if ref is None:
            d = self.gaz.get(code)
            ref = (
                RegionRef(code=d.code, name=d.name, level=d.level)
                if d is not None
                else RegionRef(code="000000", name="未知", level="country")
            )
            self._refs[code] = ref
        return ref

    def _events(
        self,
        kept: list[Candidate],
        article: Article,
        nt: NormalizedText,
        sents: list[Sentence],
        published: date | None,
        source: str | None,
    ) -> list[InvestmentEvent]:
        ids: dict[int, str] = {}
        seen: Counter[tuple[object, ...]] = Counter()
        events: list[InvestmentEvent] = []
        for c in kept:
            for copy in range(c.copies):
                ev = self._event(c, copy, article, nt, sents, published, source, ids, seen)
                if copy == 0:
                    ids[id(c)] = ev.event_id
                events.append(ev)
        # part_of points at an id known only once its batch is built
        by_candidate = {id(c): c for c in kept}
        fixed = []
        owners = [c for c in kept for _ in range(c.copies)]
        for ev, owner in zip(events, owners, strict=True):
            parent = owner.part_of
            if parent is not None and id(parent) in by_candidate:
                ev = ev.model_copy(update={"part_of": ids[id(parent)]})
            fixed.append(ev)
        return fixed

    def _event(
        self,
        c: Candidate,
        copy: int,
        article: Article,
        nt: NormalizedText,
        sents: list[Sentence],
        published: date | None,
        source: str | None,
        ids: dict[int, str],
        seen: Counter[tuple[object, ...]],
    ) -> InvestmentEvent:
        s = c.sentence
        upto = s.text[: c.money.start]
        day = find_day(upto, published) if c.kind in ("signing", "project") else None
        if day is None and c.kind in ("signing", "project"):
            for prev in reversed(sents[max(0, s.index - 2) : s.index]):
                if prev.paragraph == s.paragraph:
                    day = find_day(prev.text, published)
                    if day:
                        break
        span = find_period(s.text, published)
        if span is None and c.kind in ("period_stat", "target") and s.index:
            prev = sents[s.index - 1]
            span = find_period(prev.text, published) if prev.paragraph == s.paragraph else None
        when = day or (span.end if span else None) or published
        year = when.year if when else None  # no date at all: the latest rate of the table
        m = c.money
        amount = Amount(
            value=m.value,
            currency=m.currency,
            value_cny=to_cny(m.value, m.currency, year),
            approx=m.approx,
            low=m.low,
            high=m.high,
        )
        investor = None
        if c.investor is not None:
            origin = self.gaz.origin_of(c.investor.name)
            investor = Investor(
                name=c.investor.name, origin=self._region_ref(origin.code) if origin else None
            )
        region = self._region_ref(c.region or "000000")
        if day:
            date_key = day.isoformat()
        elif span:
            date_key = f"{span.start}/{span.end}"  # 今年1-6月 of one year is not that of another
        else:
            date_key = published.strftime("%Y-%m") if published else ""
        name_key = c.project or (c.investor.name if c.investor else "")
        signature = (
            c.kind,
            c.metric,
            m.currency,
            round(m.value, 2),
            c.count,
            region.code,
            date_key,
            name_key,
            copy,
        )
        ordinal = seen[signature]
        seen[signature] += 1
        start, end = nt.original_span(s.start, s.end)
        return InvestmentEvent(
            event_id=event_id(article.article_id, *signature, ordinal),
            fact_id=fact_id(*signature, ordinal),
            article_id=article.article_id,
            url=article.url,
            published_at=published,
            source=source,
            kind=c.kind,  # type: ignore[arg-type]
            metric=c.metric,  # type: ignore[arg-type]
            amount=amount,
            project_count=c.count,
            region=region,
            region_path=[self._region_ref(d.code) for d in self.gaz.chain(region.code)] or [region],
            investor=investor,
            project=c.project,
            industries=tag_industries(
                (c.project or "") + s.text[max(0, c.money.start - 60) : c.money.end + 60]
            ),
            part_of=None,
            event_date=day,
            period=Period(start=span.start, end=span.end, label=span.label) if span else None,
            evidence=s.text,
            evidence_span=(start, end),
            confidence=self._confidence(c, region),
            extractor_version=self.version,
        )
