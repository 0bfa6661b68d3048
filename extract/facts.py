"""Qualified-fact rules v1: rankings, dates and quantities that a sentence states about an entity.

Like the relation rules, each rule is a pure function over one folded sentence and the entity
mentions inside it, registered in ``FACT_RULES`` by id. A rule returns ``Stated`` facts: what the
sentence says (``attribute``), the value normalised (decimal number or ISO date), the unit, the
year the value refers to, and the character span of the value in the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import NamedTuple

from .relations import PLACE_TYPES, Ment

__all__ = ["FACT_RULES", "Stated", "apply_fact_rules", "chinese_number", "parse_amount"]


class Stated(NamedTuple):
    subject: Ment
    kind: str  # "rank", "date" or "quantity"
    attribute: str
    value: str  # a decimal number ("78", "3169600") or an ISO date ("2023-06", "2023-11-06")
    unit: str
    year: str  # the year the value refers to, "" when the sentence does not say
    value_start: int  # document offsets (folded text) of the value as written
    value_end: int
    rule: str
    confidence: float
    object: Ment | None = None  # who ranks, who pays


FactRule = Callable[[str, int, Sequence[Ment]], list[Stated]]
FACT_RULES: dict[str, FactRule] = {}


def fact_rule(rule_id: str) -> Callable[[FactRule], FactRule]:
    def register(fn: FactRule) -> FactRule:
        FACT_RULES[rule_id] = fn
        return fn

    return register


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """Value of a numeral up to 99 in Arabic or Chinese digits (``第二`` → 2, ``十五`` → 15).

    >>> [chinese_number(t) for t in ("2", "二", "十", "十五", "二十三", "九十九", "百")]
    [2, 2, 10, 15, 23, 99, None]
    """
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


_MULTIPLIER = {"": 1, "千": 1000, "万": 10_000, "十万": 100_000, "百万": 1_000_000, "千万": 10_000_000, "亿": 100_000_000}


def parse_amount(number: str, multiplier: str = "") -> Decimal:
    """``"4 600"`` with ``"亿"`` → 460000000000; spaces and commas inside numbers are ignored.

    >>> parse_amount("316.96", "万"), parse_amount("4 600", "亿"), parse_amount("1,200")
    (Decimal('3169600.00'), Decimal('460000000000'), Decimal('1200'))
    """
    return Decimal(re.sub(r"[\s,，]", "", number)) * _MULTIPLIER[multiplier]


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


_NUM = r"\d(?:[\d,]|\s(?=\d{3}))*(?:\.\d+)?"
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_REPORT_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?\s*全球创新指数")
_CLAUSE_END = re.compile(r"[，。；,;！？!?]")


def _year_of(text: str, before: int) -> str:
    """The last year written before position ``before`` in the sentence (an index report's year counts)."""
    years = sorted([(m.start(), m.group(1)) for m in (*_YEAR.finditer(text), *_REPORT_YEAR.finditer(text))])
    earlier = [y for at, y in years if at < before]
    return earlier[-1] if earlier else ""


_RANK_CONTEXT = re.compile(r"全球创新指数|创新指数|GII|百强|排名|榜")
_SURPASSED = re.compile(r"(?:超越|超过|领先|力压|击败|赶超)[^，。；]{0,6}$")
_RANK = re.compile(r"第\s*([0-9一二三四五六七八九十]{1,3})\s*[名位]|(榜首|登顶|首位|位居第一|全球第一)")


@fact_rule("rank.index.v1")
def rank_in_index(text: str, base: int, ments: Sequence[Ment]) -> list[Stated]:
    """第N名 / 榜首 of an innovation cluster in a sentence about an index ranking; the ranker is the
    international organisation named in the sentence."""
    if not _RANK_CONTEXT.search(text):
        return []
    clusters = [m for m in ments if m.type == "InnovationCluster"]
    if not clusters:
        return []
    ranker = next((m for m in ments if m.type == "InternationalOrganization"), None)
    out = []
    for m in _RANK.finditer(text):
        rank = chinese_number(m.group(1)) if m.group(1) else 1
        if rank is None:
            continue
        at = base + m.start()
        before = [c for c in clusters if c.end <= at and not _SURPASSED.search(text[: c.start - base])]
        if before:
            subject = before[-1]
        else:
            clause = _CLAUSE_END.search(text, m.end())
            stop = base + (clause.start() if clause else len(text))
            after = [c for c in clusters if at <= c.start < stop]
            if not after:
                continue
            subject = after[0]
        year = _year_of(text, m.start())
        out.append(Stated(subject, "rank", "rank", str(rank), "", year, at, base + m.end(), "rank.index.v1", 0.8, ranker))
    return out


_DAY_RANGE = r"(?:\s*[—\-–~～至到]\s*\d{1,2}\s*[日号])"
_DATE = re.compile(rf"((?:19|20)\d{{2}})\s*年(?:\s*(\d{{1,2}})\s*月(?:\s*(\d{{1,2}})\s*(?:[日号]{_DAY_RANGE}?|{_DAY_RANGE}))?)?")
_DATE_VERBS = {
    "established": "正式成立|宣布成立|揭牌成立|成立|揭牌|挂牌|启动运营|正式运营|投入运行|投入使用|建成|启用|落成",
    "constructionStarted": "开工|动工",
    "completed": "竣工|完工",
    "held": "召开|举办|举行|开幕|闭幕",
    "launched": "启动|上线|实施|出台|印发|发布",
    "signed": "签署|签订",
}
_VERB_OF = {verb: attribute for attribute, verbs in _DATE_VERBS.items() for verb in verbs.split("|")}
_DATE_VERB = re.compile("|".join(sorted(_VERB_OF, key=len, reverse=True)))
_FUTURE = re.compile(r"(?:计划|预计|拟|将|有望|力争)[^，。；]{0,4}$")
_SUBJECT_TYPES = {
    "held": ("Event",),
    "signed": ("Program",),
    "launched": ("Program", "Event", "Facility", "Laboratory", "ResearchInstitute", "Alliance"),
}
_DATED_TYPES = (
    "Event",
    "Program",
    "Facility",
    "Laboratory",
    "ResearchInstitute",
    "University",
    "Alliance",
    "InternationalOrganization",
    "CooperationZone",
    "ScienceCity",
    "Company",
    "GovernmentBody",
    "Infrastructure",
)


def _iso(m: re.Match[str]) -> str:
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month and not 1 <= int(month) <= 12:
        return ""
    if day and not 1 <= int(day) <= 31:
        return ""
    return "-".join([year, *([f"{int(month):02d}"] if month else []), *([f"{int(day):02d}"] if day else [])])


@fact_rule("date.verb.v1")
def date_by_verb(text: str, base: int, ments: Sequence[Ment]) -> list[Stated]:
    """DATE，X 在 P 正式启动运营; X 于 DATE 成立; DATE，EVENT 在 P 召开; X 已于 DATE 开工，计划 DATE 竣工."""
    out: list[Stated] = []
    if "年" not in text:  # every date names its year
        return out
    dates = [(d, _iso(d)) for d in _DATE.finditer(text)]
    dates = [(d, iso) for d, iso in dates if iso]
    if not dates:
        return out
    for v in _DATE_VERB.finditer(text):
        attribute = verb_attribute = _VERB_OF[v.group()]
        earlier = [(d, iso) for d, iso in dates if d.end() <= v.start()]
        if not earlier:
            continue
        date, iso = earlier[-1]
        clause_start = max((c.end() for c in _CLAUSE_END.finditer(text, 0, v.start())), default=0)
        if date.start() < clause_start and not _leading(text, date):
            continue
        between = text[date.end() : v.start()]
        if len(between) > 40 or re.search(r"[。；;]", between):
            continue
        if _FUTURE.search(text[: v.start()][-12:]) or re.search(r"(?:计划|预计|拟|将)\s*$", text[: date.start()]):
            attribute = "planned" + attribute[0].upper() + attribute[1:]
        wanted = _SUBJECT_TYPES.get(verb_attribute, _DATED_TYPES)
        subject = _subject_before(text, base, ments, base + v.start(), wanted, base + date.start())
        if subject is None:
            continue
        out.append(
            Stated(subject, "date", attribute, iso, "", iso[:4], base + date.start(), base + date.end(), "date.verb.v1", 0.75)
        )
    return out


def _leading(text: str, date: re.Match[str]) -> bool:
    """The date opens the sentence or a clause and is followed by a comma: it dates what follows."""
    lead = text[: date.start()]
    return (not lead.strip() or bool(re.search(r"[，。；,;]\s*$", lead))) and bool(re.match(r"\s*[，,]", text[date.end() :]))


def _subject_before(text: str, base: int, ments: Sequence[Ment], verb_at: int, types: Sequence[str], date_at: int) -> Ment | None:
    """The nearest mention of a wanted type before the verb in its clause, skipping the place it happens in."""
    clause_start = base + max((c.end() for c in _CLAUSE_END.finditer(text, 0, verb_at - base)), default=0)
    start = min(clause_start, date_at)
    candidates = [m for m in ments if start <= m.start and m.end <= verb_at and m.type in types]
    if candidates:
        return candidates[-1]
    if any(start <= m.start < verb_at for m in ments):
        return None
    topic = [m for m in ments if m.end <= start and m.type in types]
    return topic[-1] if topic else None


_MEASURE = "家|个|所|名|位|项|座|台|条|支|批|人次|人|篇|件"
_COUNT_VERB = "已达|达到|达|超过|超|近|约|共|拥有|有|建成|布局|布局建设|集聚|汇聚|聚集|组建|覆盖|涵盖|包括|吸引|培育|引进|设立"
_COUNT = re.compile(rf"(?:{_COUNT_VERB})\s*({_NUM})\s*({_MEASURE})")
_NOUN = re.compile(r"^[^\s，。；、,;：:（）()“”\"《》的等]{2,14}")
_COUNTED_HEAD = re.compile(
    r".*(?:设施|装置|实验室|企业|公司|机构|高校|大学|院校|单位|成员|会员|项目|平台|中心|基地|园区|人才|团队|院士|专家|学者"
    r"|国家|地区|城市|专利|论文|学校|场馆|联盟|协会|基金|课题|学科|科学家|研究院|研究所)"
)
_HOLDER_GAP = re.compile(r"^[^，。；、,;]{0,8}$")
_HOLDERS = (*PLACE_TYPES, *_DATED_TYPES)


@fact_rule("quantity.count.v1")
def count_of(text: str, base: int, ments: Sequence[Ment]) -> list[Stated]:
    """X 拥有 N 个 THING; X 的 THING 已达 N 家 (what is counted becomes the attribute)."""
    out = []
    subject: Ment | None = None
    for m in _COUNT.finditer(text):
        number, measure = m.group(1), m.group(2)
        noun = _NOUN.match(text[m.end() :])
        lead = text[: m.start()]
        before_noun = re.search(r"的([^\s，。；、,;的]{2,8})\s*$", lead)
        head = _COUNTED_HEAD.match(noun.group()) if noun else None
        if head:
            attribute = head.group()
        elif before_noun:
            attribute = before_noun.group(1)
        else:
            continue
        clause_start = max((c.end() for c in _CLAUSE_END.finditer(text, 0, m.start())), default=0)
        holders = [
            x
            for x in ments
            if base + clause_start <= x.start
            and x.end <= base + m.start()
            and x.type in _HOLDERS
            and _HOLDER_GAP.match(text[x.end - base : m.start()])
        ]
        if holders:
            subject = holders[-1]
        elif subject is None or clause_start == 0:
            continue
        value = parse_amount(number)
        out.append(
            Stated(
                subject,
                "quantity",
                attribute,
                _plain(value),
                measure,
                _year_of(text, m.start()),
                base + m.start(1),
                base + m.end(2),
                "quantity.count.v1",
                0.7,
            )
        )
    return out


_MONEY = re.compile(rf"({_NUM})\s*(千万|百万|十万|万|亿|千)?\s*(?:元|港元|港币|澳门元|美元)(?:\s*[（(]\s*人民币[^）)]*[）)])?")
_PAY = re.compile(r"拨付|资助|投入|支持|投资|出资|提供")
_PAYERS = ("Region", "City", "GovernmentBody", "Program", "Company", "InternationalOrganization")
_RECIPIENTS = ("University", "Laboratory", "Facility", "ResearchInstitute", "Company", "Program")


@fact_rule("quantity.funding.v1")
def funding_amount(text: str, base: int, ments: Sequence[Ment]) -> list[Stated]:
    """PAYER 向 X 拨付 N 万元; PAYER 投入 N 万元 支持 X: the amount X received, in yuan."""
    out: list[Stated] = []
    if "元" not in text and "港币" not in text:  # the currencies _MONEY knows
        return out
    for m in _MONEY.finditer(text):
        clause_start = max((c.end() for c in _CLAUSE_END.finditer(text, 0, m.start())), default=0)
        clause_end_match = _CLAUSE_END.search(text, m.end())
        clause_end = clause_end_match.start() if clause_end_match else len(text)
        pay = _PAY.search(text, clause_start, clause_end)
        if pay is None:
            continue
        recipients = [
            x
            for x in ments
            if base + clause_start <= x.start < base + clause_end and x.type in _RECIPIENTS and x.start >= base + pay.start() - 12
        ]
        to = next((x for x in recipients if text[x.start - base - 1 : x.start - base] == "向"), None)
        recipient = to or next((x for x in recipients if x.start >= base + m.end()), None)
        if recipient is None:
            continue
        payers = [x for x in ments if base + clause_start <= x.start and x.end <= base + pay.start() and x.type in _PAYERS]
        payer = payers[-1] if payers else None
        currency = re.search(r"港元|港币|澳门元|美元", m.group())
        unit = {"港元": "HKD", "港币": "HKD", "澳门元": "MOP", "美元": "USD"}[currency.group()] if currency else "CNY"
        value = parse_amount(m.group(1), m.group(2) or "")
        out.append(
            Stated(
                recipient,
                "quantity",
                "fundingReceived",
                _plain(value),
                unit,
                _year_of(text, m.start()),
                base + m.start(),
                base + m.end(),
                "quantity.funding.v1",
                0.75,
                payer if payer is not None and payer.canonical != recipient.canonical else None,
            )
        )
    return out


def apply_fact_rules(rule_ids: Sequence[str], text: str, base: int, ments: Sequence[Ment]) -> list[Stated]:
    """Run the chosen fact rules on one sentence (``text`` starts at document offset ``base``)."""
    found: list[Stated] = []
    for rule_id in rule_ids:
        found.extend(FACT_RULES[rule_id](text, base, ments))
    return found
