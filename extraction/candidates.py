"""Every amount of money in an article, read in its sentence: what it measures, what kind of
fact it reports, how many projects it covers, or why it is not an investment event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extraction.counts import ProjectCount, find_counts
from extraction.investors import CompanyMention
from extraction.kind_model import KindModel
from extraction.lexicon import Lexicon, lexicon
from extraction.money import MAY_HOLD_MONEY, Money, find_money
from extraction.scope import Stretches, Where, cue_features, stretches
from extraction.sentences import CLAUSE_BREAK, Sentence

#: A single project named after its amount: 总投资16亿元的塌西湖…光伏电站项目.
_NAMED_AFTER = re.compile(
    r"^(?:人民币)?的(?P<name>[^,;。!?()]{2,40}?(?:项目|基地|产业园|园区|园|城|中心|工厂|厂|小镇|综合体|电站|工程|生产线|酒店|景区|市场|医院|学校))"
)
#: 其中,总投资30亿元的高端MEMS智能传感 — a project's name cut off where the page ends.
_CUT_NAME_AFTER = re.compile(r"^的(?P<name>[^,;。!?()、]{4,40})$")
_COUNT_START = re.compile(r"^(?:\d+|[一二两三四五六七八九十百千]+)(?:余|多)?(?:个|项|大|批)")
_COMPANY_AFTER = re.compile(r"^的[^,;。!?]{2,30}?(?:有限公司|集团|公司)")
#: One item of a list of projects, each with its amount (分别是:A项目,总投资3.1亿;B项目,总投资…).
_LIST_ITEM = re.compile(
    r"[:;]\s*(?P<name>[^:;,。]{4,40}?(?:项目|基地|产业园|园区|中心|工程|小镇|电站|工厂|生产线))[,;]?\s*"
    r"(?:项目)?(?:总投资|计划投资|投资|协议投资)额?(?:约|达|为)?$"
)
#: 签订5亿元项目: the amount names the size of one project.
_PROJECT_RIGHT_AFTER = re.compile(r"^的?项目(?!总|共|合计|\d|[一二两三四五六七八九十百])")
_PROJECT_AFTER = re.compile(r"^(?:用于|上马了?|建设|新建|兴建|打造|建成)[^,;。]{0,20}?项目")
#: `X项目` just before an amount, not part of a count (签约项目60个) and not a batch word.
_PROJECT_WORD = re.compile(r"项目(?!资金|数|库|清单)|合同书")
_BATCH_WORDS = re.compile(
    r"(签约|新签约|引进|落地|招商|重点|重大|这批|本批|此批|各类|所有|全部|共有|上报|省外|市外|县外|外资|内资|外商投资)的?项目$"
)
_PROGRESS = re.compile(r"^\)?(?:的)?(?:目标任务|目标|任务)?(?:的)?\d+(?:\.\d+)?%")
_BRACKET_AFTER = re.compile(r"^(?:以上|以下|及以上)?(?:的)?[\u4e00-\u9fa5“”]{0,8}?项目")
_PHASE = re.compile(r"^(?:其中[:,]?)?(?:[一二三四五六七八九1-9]|首)期")
#: A change against another figure (比上年增加12亿元), not a figure.
_DELTA = re.compile(r"(增加|增长|减少|下降|提高|增长了|增加了|多出|净增|增收|减收|增幅)$")
_GOAL_AFTER_QUOTE = re.compile(r"的?(?:年度)?(?:目标|任务)")
#: Figures summed over several years are not investment events (EVENTS.md).
_MULTI_YEAR = re.compile(
    r"(?:[两三四五六七八九十百]|(?<!\d)\d{1,2}|多|几)年多?(?:来|以来|间)|(?:[两三四五六七八九十]|(?<!\d)\d{1,2})年多"
    r"|近年来|历年|多年来"
)
_FENBIE = re.compile(r"分别(?:将|拟|计划)?(?:投资|为|达|是)?")
_PROJECT_NAME = re.compile(r"[“\"]?([^,;。:“”\"()、]{2,40}?(?:项目|基地|产业园))[”\"]?")
_NAME_LEAD = re.compile(r"^.*?(?:签约|签订|签署|签约落地|建设|引进|落户|的|了|其中)")
_GENERIC_NAME = re.compile(
    r"^(?:该|此|这|本|各|其|一批|一个|多个|新(?:签约|引进|落地|开工|建)?的?项目|重点|重大|签约|招商)"
    r"|^.{0,3}项目$|一个|另外|其他|其余|社会事业|首个|第一"
)
#: Metric words that say little alone; a qualifier right before them decides (采购金额 is trade).
_GENERIC_METRIC_WORDS = frozenset({"金额", "投资", "总额", "投入", "总金额", "合同金额", "合同总金额"})
#: A part of a figure told before: 其中…, 签约项目中…, or a breakdown (分产业看, 从来源地看).
_SUBSET = re.compile(
    r"其中|包括|包含|签约项目中|个项目中|中,|当中|分别是|[分按从](?:产业|行业|领域|区域|地区|来源地?|投资来源|投资主体|规模)看?"
)
#: Scope cues (data/cues.toml) of what is not done yet, and of a signing verb.
_NOT_YET = frozenset({"intend_sign", "target_strong", "forecast", "goal_governs", "forecast_governs"})
_SIGNING_CUES = ("sign_verb", "sign_clause", "sign_done")
_SIGNING_EVIDENCE = frozenset(
    {*_SIGNING_CUES, "occasion_named", "occasion_at", "occasion_this", "occasion_before"}
    | {"occasion_this_before", "trip", "trip_before", "occasion_count"}
)


def ruled_out(features: dict[str, float]) -> frozenset[str]:
    """Kinds the scope cannot be (EVENTS.md): a signing is a batch signed at one occasion, so without
    a word of either it is not one; projects lined up for signing (拟签约) are not done yet."""
    if "intend_sign" in features:
        return frozenset({"signing", "project", "period_stat"})
    if features.keys() & {"goal_governs", "forecast_governs"}:  # 力争…, 预计…: not done yet
        return frozenset({"signing", "period_stat"} | (set() if "project_named" in features else {"project"}))
    if "headline" in features or features.keys() & _SIGNING_EVIDENCE:
        return frozenset()  # a headline is terse: its occasion is the story's
    return frozenset({"signing"})


#: Words that refer back to the batch just told (the occasion itself or its projects).
_SAME_OCCASION = re.compile(r"此次|本次|本届|现场|当场|当天|期间|签约项目中|签约的")


@dataclass
class Candidate:
    """One amount read in its sentence; becomes an event unless `skip` says why not."""

    sentence: Sentence
    money: Money
    start: int
    end: int
    metric: str | None = None
    single: bool = False
    count: int | None = None
    kind: str = "period_stat"
    features: dict[str, float] = field(default_factory=dict)
    probs: dict[str, float] = field(default_factory=dict)
    investor: CompanyMention | None = None
    project: str | None = None
    subset: bool = False
    own_occasion: bool = False
    headline: bool = False
    copies: int = 1
    copy: int = 0
    skip: str | None = None
    window: tuple[int, int] = (0, 0)
    part_of: Candidate | None = None
    region: str | None = None
    region_via: str = ""
    kind_from: str = "model"  # or "rule": a linking rule set the kind, not the kind model
    duplicate_of: Candidate | None = None


def _last(rx: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for found in rx.finditer(text):  # noqa: B007 - the last match is wanted
        pass
    return found


def _in_goal_quote(sentence: str, start: int, end: int) -> bool:
    """下达的“…到位资金212亿元,同比增长15%”的目标任务: the amount is quoted as a goal."""
    opening = sentence.rfind("“", 0, start)
    if opening < 0 or "”" in sentence[opening:start]:
        return False
    closing = sentence.find("”", end)
    return closing >= 0 and bool(_GOAL_AFTER_QUOTE.match(sentence, closing + 1))


def _clause_tail(text: str) -> str:
    """The text after the last clause break."""
    parts = CLAUSE_BREAK.split(text)
    return parts[-1] if parts else text


class SentenceReader:
    """Reads the amounts of one sentence, with the sentences before it as context."""

    def __init__(self, lex: Lexicon | None = None, model: KindModel | None = None) -> None:
        """Without a model, candidates carry their features and no kind (how the model is fitted)."""
        self.lex = lex or lexicon()
        self.model = model

    def read(
        self,
        s: Sentence,
        before: list[Sentence],
        in_plan_quote: bool,
        article_companies: list[CompanyMention],
        headline: bool = False,
    ) -> list[Candidate]:
        """The amounts of `s`; `article_companies` are the article's company names (found once)."""
        text = s.text
        if not MAY_HOLD_MONEY.search(text):
            return []
        moneys = find_money(text)
        if not moneys:
            return []
        counts = find_counts(text)
        companies = [
            CompanyMention(co.start - s.start, co.end - s.start, co.name)
            for co in article_companies
            if s.start <= co.start and co.end <= s.end
        ]
        out: list[Candidate] = []
        prev: Candidate | None = None
        memo: dict[Where, list[str]] = {}
        paired = self._paired_metrics(text, moneys)
        for i, m in enumerate(moneys):
            lo = moneys[i - 1].end if i else 0
            hi = moneys[i + 1].start if i + 1 < len(moneys) else len(text)
            c = Candidate(
                sentence=s,
                money=m,
                start=s.start + m.start,
                end=s.start + m.end,
                window=(lo, hi),
                headline=headline,
            )
            self._read_one(c, text, lo, counts, companies, prev, before, in_plan_quote, memo, paired.get(i))
            out.append(c)
            if not c.skip:
                prev = c
        return out

    # -- the rules, in the order they apply ---------------------------------------

    def _read_one(
        self,
        c: Candidate,
        text: str,
        lo: int,
        counts: list[ProjectCount],
        companies: list[CompanyMention],
        prev: Candidate | None,
        before: list[Sentence],
        in_plan_quote: bool,
        memo: dict[Where, list[str]],
        paired_metric: str | None,
    ) -> None:
        lex = self.lex
        m = c.money
        left = text[lo : m.start]
        after = text[m.end : m.end + 40]
        if left.endswith(("(", "(约", "(合", "(折合", "(约合")) and lo and text[lo - 1 : lo] != "":
            c.skip = "conversion gloss of the amount before it"
            return
        if m.low is not None and m.high is not None and _BRACKET_AFTER.match(after):
            c.skip = "size bracket (a range of project sizes)"
            return
        if (
            m.text.endswith("以上") or after.startswith(("以上", "以下")) or left.endswith(("过", "超", "上"))
        ) and (_BRACKET_AFTER.match(after)):
            c.skip = "size bracket (projects above an amount)"
            return
        if after.startswith(("至", "到", "-")) and find_money(after[:12]):
            c.skip = "lower end of a size bracket"
            return
        if _PROGRESS.match(after) or (re.search(r"(目标|任务)(的)?\(?$", left) and _PROGRESS.match(after)):
            c.skip = "target inside a progress clause"
            return
        if lex.registration.search(text[: m.start].split(";")[-1]):
            c.skip = "registration data of new firms"
            return
        near = [b.text for b in before[-2:] if b.paragraph == c.sentence.paragraph]
        st = stretches(text, lo, m.start, m.end, near)
        rule = next((r for r in lex.not_investment if r.fires(st.get)), None)
        if rule is not None:
            c.skip = rule.reason
            return
        clause = _clause_tail(left)
        if _DELTA.search(left):
            c.skip = "a change against another figure, not a figure"
            return
        if _PHASE.match(clause) or _PHASE.match(left.lstrip(",;: ")):
            c.skip = "phase of a project told apart from it"
            return
        # what the amount measures: the nearest keyword before it in its clause
        kw = _last(lex.metric_re, clause)
        if kw is not None and kw.group(0) in _GENERIC_METRIC_WORDS:
            qualifier = _last(lex.metric_re, clause[: kw.start()])
            if (
                qualifier is not None
                and qualifier.end() == kw.start()
                and lex.metric_of[qualifier.group(0)] is None
            ):
                kw = qualifier  # 采购金额, 贸易金额: the word before says what the amount is
        metric: str | None
        if paired_metric is not None:
            metric = paired_metric
        elif kw is not None:
            metric = lex.metric_of[kw.group(0)]
            if metric is None:
                c.skip = f"not investment ({kw.group(0)})"
                return
        elif re.match(r"^(?:的)?投资", after):
            metric = "total_investment"
        elif (kw_after := lex.metric_re.match(after.removeprefix("的"))) is not None and lex.metric_of[
            kw_after.group(0)
        ]:
            metric = lex.metric_of[kw_after.group(0)]  # 全省375亿元到位资金中: the metric after the amount
        elif prev is not None and len(left) <= 14 and not lex.metric_re.search(left):
            metric = prev.metric
        else:
            c.skip = "no investment keyword near the amount"
            return
        if metric == "funds_in_place" and m.currency != "CNY":
            metric = "fdi_utilized"  # money in place in a foreign currency is foreign investment
        if metric == "total_investment" and lex.construction.search("".join(re.split(r"([,;])", left)[-4:])):
            c.skip = "size of projects started or completed"
            return
        c.metric = metric
        # how many projects: the nearest count since the previous amount
        window_counts = [k for k in counts if lo <= k.start and k.end <= m.start + 1]
        plain = [k for k in window_counts if not k.bracket]
        pool = plain or window_counts
        count = pool[-1] if pool else None
        last_count_end = count.end if count else lo
        # a single project: named after the amount, or 项目/a company between the count and the amount
        named = _NAMED_AFTER.match(text[m.end : m.end + 48]) or _CUT_NAME_AFTER.match(text[m.end :])
        counted_after = None
        if named and _COUNT_START.match(named.group("name")):
            # 总金额82亿元的12个项目: the batch, counted after its amount
            counted_after = next((k for k in counts if k.start == m.end + 1), None)
            named = None
        company_after = _COMPANY_AFTER.match(text[m.end : m.end + 40])
        between = text[last_count_end : m.start]
        for k in counts:  # 项目 inside a count (超亿元项目11个) is not a single project
            if last_count_end <= k.start < m.start:
                a, b = k.start - last_count_end, k.end - last_count_end
                between = between[:a] + "#" * (b - a) + between[b:]
        company = next(
            (co for co in reversed(companies) if last_count_end <= co.start and co.end <= m.start), None
        )
        proj_word = _last(_PROJECT_WORD, between)
        single_cue = (
            bool(named or company_after or _PROJECT_AFTER.match(after) or _PROJECT_RIGHT_AFTER.match(after))
            or company is not None
            or (proj_word is not None and not _BATCH_WORDS.search(between[: proj_word.end()]))
        )
        if counted_after is not None and counted_after.n >= 2:
            c.count = counted_after.n
        elif named or company_after:
            c.single = True
        elif (
            count is not None
            and count.n >= 2
            and not (single_cue and re.search(r"其中|包括|如|例如|比如", between))
        ):
            if (
                single_cue
                and named
                and not company
                and count.end <= m.start
                and count.start >= lo
                and (re.search(r"其中|包括|如|例如|比如|分别", text[count.end : m.start]))
            ):
                c.single = True
            else:
                c.count = count.n
        elif single_cue or (count is not None and count.n == 1):
            c.single = True
        elif prev is not None and not prev.single and prev.count and len(left) <= 14:
            c.count = prev.count
        if c.single:
            c.investor = company or next(
                (
                    co
                    for co in companies
                    if m.end <= co.start < m.end + 40
                    and (named or company_after)
                    and co.start
                    < m.end + max(named.end() if named else 0, company_after.end() if company_after else 0)
                ),
                None,
            )
            c.project = named.group("name") if named else self._project_name(text, lo, m.start)
        item = _LIST_ITEM.search(left)
        if item is not None and not _GENERIC_NAME.search(item.group("name")):
            # 分别是:A项目,总投资3.1亿;B项目,总投资1.2亿 — each item is one project of the list
            c.single, c.count, c.project, c.investor = True, None, item.group("name"), None
        # 分别 distributes one amount over the projects listed before it
        rest = text[m.end :].split(";")[0].split("。")[0]
        if _FENBIE.search(left[-10:]) and not find_money(rest):
            items = self._list_length(left)
            if items >= 2:
                c.single, c.count, c.copies = True, None, items
        c.subset = bool(_SUBSET.search(text[: m.start]))
        self._score_kind(c, st, lo, in_plan_quote, memo)

    def _paired_metrics(self, text: str, moneys: list[Money]) -> dict[int, str]:
        """实际到位省外资金和实际使用外资分别为862.3亿元和21.6亿美元: the n-th metric named before
        分别 measures the n-th amount after it (index of the amount → metric)."""
        out: dict[int, str] = {}
        for f in re.finditer("分别", text):
            head = re.split(r"[,;。:]", text[: f.start()])[-1]
            named = [self.lex.metric_of[k.group(0)] for k in self.lex.metric_re.finditer(head)]
            metrics = [m for m in named if m is not None]
            if len(metrics) < 2 or not re.search(r"和|与|及|、", head):
                continue
            tail_end = min(
                (i for i in (text.find(";", f.end()), text.find("。", f.end())) if i >= 0), default=len(text)
            )
            after = [i for i, m in enumerate(moneys) if f.end() <= m.start < tail_end]
            if len(after) >= len(metrics) and not self.lex.metric_re.search(
                text[f.end() : moneys[after[0]].start]
            ):
                out.update(zip(after, metrics, strict=False))
        return out

    @staticmethod
    def _list_length(left: str) -> int:
        """How many items the list right before 分别 names (A、B和C → 3)."""
        clauses = [p for p in re.split(r"[,;:]", left) if p.strip()]
        if clauses and "分别" in clauses[-1] and len(clauses[-1].split("分别")[0].strip()) < 2:
            clauses = clauses[:-1]
        if not clauses:
            return 1
        listed = clauses[-1].split("分别")[0]
        n = listed.count("、") + 1
        if n == 1 and re.search(r"项目|园|基地", listed):
            n = len(re.findall(r"和|与|及", listed)) + 1
        return n

    @staticmethod
    def _project_name(text: str, lo: int, hi: int) -> str | None:
        """The first `…项目` named since the previous amount, not a generic one (…最大的项目)."""
        for m in _PROJECT_NAME.finditer(text[lo:hi]):
            name = _NAME_LEAD.sub("", m.group(1))
            if len(name) >= 4 and not _GENERIC_NAME.search(name):
                return name
        return None

    def _score_kind(
        self, c: Candidate, st: Stretches, lo: int, in_plan_quote: bool, memo: dict[Where, list[str]]
    ) -> None:
        """Read the scope features of the amount; the kind model weighs them into a kind."""
        m = c.money
        upto = st.upto
        own = [o for o in self.lex.occasion.finditer(upto) if not _SAME_OCCASION.fullmatch(o.group(0))]
        c.own_occasion = bool(own) and not _SAME_OCCASION.search(upto)
        feats = cue_features(st, memo)
        for name, on in (
            ("single", c.single),
            ("count_many", c.count is not None and c.count >= 2),
            ("count_one", c.count == 1),
            ("investor", c.investor is not None),
            ("project_named", c.project is not None),
            ("distributed", c.copies > 1),
            ("subset", c.subset),
            ("headline", c.headline),
            ("in_plan_quote", in_plan_quote),
            ("approx", m.approx),
            ("foreign_currency", m.currency != "CNY"),
            (f"metric_{c.metric}", True),
            ("first_amount", lo == 0),
            ("in_goal_quote", _in_goal_quote(st.sentence, m.start, m.end)),
        ):
            if on:
                feats[name] = 1.0
        if feats.keys() & _NOT_YET:
            for verb in _SIGNING_CUES:  # 拟于…签约, 力争签约…: the signing verb is part of the plan
                feats.pop(verb, None)
        to_date = "period_word" in feats and "sign_verb" not in feats
        if c.single and c.investor is not None and not c.project and to_date:
            c.single = False  # investors of a region to date (商会…投资额近百亿元), not one project
            feats.pop("single", None)
            feats.pop("investor", None)
        c.features = feats
        if _MULTI_YEAR.search(upto) and "pipe_verb" not in feats and not c.single:
            c.skip = "multi-year cumulative figure"
            return
        if self.model is None:
            return  # reading features only (to fit the model)
        kind, c.probs = self.model.decide(feats, ruled_out(feats))
        if kind == "project":
            c.single, c.count = True, None
        elif kind == "signing" and c.single and c.count is None:
            c.single = False
        c.kind = kind
