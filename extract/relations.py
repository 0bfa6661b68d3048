"""Relation rules v0: each a pure function over one sentence and its entity mentions.

A rule sees the folded sentence text and the mentions inside it (offsets relative to
the folded document) and returns ``Found`` triples. Rules are collected in ``RULES`` by
id, so a configuration can choose them and a test can call one alone.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from . import lexicons

__all__ = ["PLACE_TYPES", "RULES", "Found", "Ment", "apply_rules", "name_derived_part_of"]

PLACE_TYPES = ("Country", "Region", "City", "District")
CONTAINER_TYPES = (*PLACE_TYPES, "CooperationZone", "ScienceCity")
_PLACE_RANK = {"Country": 0, "Region": 1, "City": 2, "District": 3}
_ORG_TYPES = (
    "CooperationZone",
    "ScienceCity",
    "Laboratory",
    "Facility",
    "University",
    "ResearchInstitute",
    "Company",
    "GovernmentBody",
    "InternationalOrganization",
    "Alliance",
    "Infrastructure",
    "Program",
    "Event",
)


class Ment(NamedTuple):
    start: int
    end: int
    type: str
    canonical: str


class Found(NamedTuple):
    subject: Ment
    predicate: str
    object: Ment
    rule: str
    confidence: float


Rule = Callable[[str, int, Sequence[Ment]], list[Found]]
RULES: dict[str, Rule] = {}
CUES: dict[str, re.Pattern[str]] = {}


def rule(rule_id: str, cue: str = "") -> Callable[[Rule], Rule]:
    """Register a rule by id. ``cue``: a pattern that every sentence the rule can find anything in
    contains (its verbs or markers); ``apply_rules`` skips the rule in the other sentences."""

    def register(fn: Rule) -> Rule:
        RULES[rule_id] = fn
        if cue:
            CUES[rule_id] = re.compile(cue)
        return fn

    return register


def _between(text: str, base: int, a: Ment, b: Ment) -> str:
    return text[a.end - base : b.start - base]


def _is_place(m: Ment) -> bool:
    return m.type in PLACE_TYPES


def _lower_than(inner: Ment, outer: Ment) -> bool:
    if inner.type in PLACE_TYPES:
        return _PLACE_RANK[inner.type] > _PLACE_RANK[outer.type]
    return inner.type in _ORG_TYPES and inner.type not in ("Program", "Event")


_LOCATIVE = re.compile(r"^(?:位于|地处|坐落于|坐落在|落户|落户于|落地|扎根|入驻|设在|设于|总部位于|总部落户)$")


@rule("locatedIn.verb.v0", cue="位于|地处|坐落|落户|落地|扎根|入驻|设在|设于")
def located_by_verb(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """X 位于/落户/入驻 P; 位于 P 的 X."""
    out = []
    for i, p in enumerate(ments):
        if not _is_place(p):
            continue
        lead = text[max(0, p.start - base - 5) : p.start - base]
        verb = re.search(r"(位于|地处|坐落于|坐落在|落户于|落户|落地|扎根|入驻|设在|设于)$", lead)
        if not verb:
            continue
        verb_at = p.start - len(verb.group())
        for nxt in ments[i + 1 :]:
            if nxt.start != p.end or nxt.type not in CONTAINER_TYPES:
                break
            p, i = nxt, ments.index(nxt)
        before = [m for m in ments[:i] if m.end <= verb_at and not _is_place(m)]
        if before:
            x = before[-1]
            gap = text[x.end - base : verb_at - base]
            if len(gap) <= 12 and not re.search(r"[，。；,]", gap):
                out.append(Found(x, "locatedIn", p, "locatedIn.verb.v0", 0.9))
                continue
        after = [m for m in ments[i + 1 :] if not _is_place(m)]
        if after and re.match(r"^的", _between(text, base, p, after[0])) and len(_between(text, base, p, after[0])) <= 6:
            out.append(Found(after[0], "locatedIn", p, "locatedIn.verb.v0", 0.9))
    return out


@rule("locatedIn.apposition.v0")
def located_by_apposition(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """A larger place written directly before a smaller thing: 深圳光明科学城, 广州南沙."""
    out = []
    for a, b in itertools.pairwise(ments):
        if a.end == b.start and _is_place(a) and _lower_than(b, a):
            out.append(Found(b, "locatedIn", a, "locatedIn.apposition.v0", 0.8))
    return out


@rule("locatedIn.in-place.v0", cue="在")
def located_by_zai(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """在 P(，)X …: the first organisation after 在 P in the same clause."""
    out = []
    for i, p in enumerate(ments):
        if p.type not in CONTAINER_TYPES or text[p.start - base - 1 : p.start - base] != "在":
            continue
        for x in ments[i + 1 : i + 3]:
            gap = _between(text, base, p, x)
            if x.type in _ORG_TYPES and x.type not in ("Event", "Program") and re.fullmatch(r"[，,的]?", gap):
                out.append(Found(x, "locatedIn", p, "locatedIn.in-place.v0", 0.7))
                break
    return out


@rule("locatedIn.address-line.v0", cue=r"\d{6}")
def located_by_address(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """An author-affiliation line: organisation, city, postcode."""
    out = []
    for a, b in itertools.pairwise(ments):
        if _is_place(b) and not _is_place(a) and re.fullmatch(r"\s+", _between(text, base, a, b)):
            if re.match(r"\s+\d{6}", text[b.end - base :]):
                out.append(Found(a, "locatedIn", b, "locatedIn.address-line.v0", 0.9))
    return out


_HOLD_VERBS = "拥有|打造|集聚|汇聚|聚集|建成|落地|引入|引进|坐拥|布局|设立|成立|新建|建设"
_HOLDS = re.compile(rf"^(?:[^，。；：]{{0,8}}?)(?:{_HOLD_VERBS})(?:了|起)?")
_LIST_GAP = re.compile(r"^[、和及与以及]?$")


@rule("locatedIn.holds.v0", cue=_HOLD_VERBS)
def located_by_holding(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """P 拥有/打造/集聚/落地 X、Y: a place or zone that holds the things listed after the verb."""
    out = []
    for i, p in enumerate(ments):
        if p.type not in CONTAINER_TYPES:
            continue
        verb = _HOLDS.match(text[p.end - base :])
        if not verb:
            continue
        cursor = p.end + verb.end()
        following = [m for m in ments[i + 1 :] if m.start >= cursor]
        for k, x in enumerate(following):
            gap = text[(cursor if k == 0 else following[k - 1].end) - base : x.start - base]
            if (k == 0 and len(gap) > 8) or (k > 0 and not _LIST_GAP.match(gap)) or re.search(r"[，。；]", gap):
                break
            if (
                x.type in _ORG_TYPES
                and x.type not in ("Program", "Event")
                and not (x.type in CONTAINER_TYPES and p.type in ("CooperationZone", "ScienceCity"))
            ):
                out.append(Found(x, "locatedIn", p, "locatedIn.holds.v0", 0.75))
    return out


_WITHIN = re.compile(r"^内[^。；]{0,40}?(?:如|例如|包括|比如)")


@rule("locatedIn.within-examples.v0", cue="内")
def located_within_examples(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """P 内 … 如 X、Y、Z: examples listed as being inside a place."""
    out = []
    for i, p in enumerate(ments):
        if p.type not in CONTAINER_TYPES:
            continue
        within = _WITHIN.match(text[p.end - base :])
        if not within:
            continue
        cursor = p.end + within.end()
        previous_end = cursor
        for x in ments[i + 1 :]:
            if x.start < cursor:
                continue
            if not re.fullmatch(r"[、“”\s]*|（?", text[previous_end - base : x.start - base]):
                break
            if x.type not in PLACE_TYPES:
                out.append(Found(x, "locatedIn", p, "locatedIn.within-examples.v0", 0.75))
            previous_end = x.end
    return out


_OPENING = "启动|落地|成立|揭牌|开业|运营|建成|设立|落户|启用|投用|开工|举办|举行|召开"


@rule("locatedIn.zai-after.v0", cue="在")
def located_by_zai_after(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """X（…）在 P 启动/落地/举办: the thing is located in (an event: hosted by) the place."""
    out = []
    for i, x in enumerate(ments):
        if x.type in PLACE_TYPES:
            continue
        for p in ments[i + 1 : i + 3]:
            if p.type not in CONTAINER_TYPES:
                continue
            gap = _between(text, base, x, p)
            if not re.fullmatch(r"”?(?:（[^）]{0,20}）)?”?(?:于|已)?在", gap):
                continue
            chain = p
            for nxt in ments[ments.index(p) + 1 :]:
                if nxt.start != chain.end or nxt.type not in CONTAINER_TYPES:
                    break
                chain = nxt
            if re.match(rf"^[^，。；]{{0,6}}?(?:{_OPENING})", text[chain.end - base :]):
                predicate = "hostedBy" if x.type == "Event" else "locatedIn"
                out.append(Found(x, predicate, chain, f"{predicate}.zai-after.v0", 0.8))
            break
    return out


_COMPONENT = re.compile(r"^(?:的)?(?:重要|核心|关键)?(?:组成部分|一部分|组成)")


@rule("partOf.component.v0", cue="组成|一部分")
def part_by_component(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """作为 Y 的重要组成部分，X …; X 是 Y 的重要组成部分."""
    out = []
    for i, y in enumerate(ments):
        tail = text[y.end - base :]
        if not _COMPONENT.match(tail):
            continue
        lead = text[max(0, y.start - base - 4) : y.start - base]
        if lead.endswith("作为"):
            after = [m for m in ments[i + 1 :] if m.type == y.type or m.type in _ORG_TYPES]
            if after:
                out.append(Found(after[0], "partOf", y, "partOf.component.v0", 0.8))
        elif lead.endswith("是") and i > 0:
            out.append(Found(ments[i - 1], "partOf", y, "partOf.component.v0", 0.8))
    return out


@rule("partOf.subsidiary.v0", cue="旗下|下属|所属|下设")
def part_by_subsidiary(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """Y 旗下/下属/所属 (的) X."""
    out = []
    for a, b in itertools.pairwise(ments):
        if re.fullmatch(r"(?:旗下|下属|所属|下设)的?", _between(text, base, a, b)):
            out.append(Found(b, "partOf", a, "partOf.subsidiary.v0", 0.8))
    return out


_SUBUNIT_HEADS = "|".join(lexicons.cue_words("subunit_head"))  # cue_words.tsv
_SUBUNIT = re.compile(rf"^(?:（[^）]{{1,6}}）|[\u3400-\u9fff]{{0,6}}(?:{_SUBUNIT_HEADS}))$")
_SUBUNIT_ENDINGS = (*_SUBUNIT_HEADS.split("|"), "）")  # how every name _SUBUNIT can complete ends
_EDITION = re.compile(r"^(?:首届|第[一二三四五六七八九十百\d]+届|\d{4}年?)")


def name_derived_part_of(entities: Sequence[Ment]) -> list[Found]:
    """A branch, campus, phase or edition named after its parent, when both occur in the document
    (in the order of ``entities``, children first, then parents)."""
    by_name: dict[str, list[int]] = {}
    for i, m in enumerate(entities):
        if not _is_place(m):
            by_name.setdefault(m.canonical, []).append(i)
    lengths = sorted({len(name) for name in by_name})
    pairs: list[tuple[int, int, Found]] = []
    for c, child in enumerate(entities):
        if _is_place(child):
            continue
        name = child.canonical
        for length in lengths if name.endswith(_SUBUNIT_ENDINGS) else ():
            if length >= len(name):
                break
            for p in by_name.get(name[:length], ()):
                if _SUBUNIT.match(name[length:]):
                    pairs.append((c, p, Found(child, "partOf", entities[p], "partOf.name-derived.v0", 0.85)))
        if child.type == "Event":
            stripped = _EDITION.sub("", name)
            if stripped != name and not name.startswith(stripped):
                for p in by_name.get(stripped, ()):
                    if entities[p].type == "Event":
                        pairs.append((c, p, Found(child, "partOf", entities[p], "partOf.edition.v0", 0.85)))
    return [found for _, _, found in sorted(pairs, key=lambda t: (t[0], t[1]))]


# ---- v1 rules: lists, organisers, partners, funding, users, rankings, affiliations ----------------

_AFFILIABLE = (
    "University",
    "ResearchInstitute",
    "Laboratory",
    "Company",
    "GovernmentBody",
    "Alliance",
    "InternationalOrganization",
    "Facility",
)
_ACTORS = (*_AFFILIABLE, "Event")
_CLAUSE_END = re.compile(r"[，。；：,;:！？!?]")
_SEP = re.compile(r"^[”」』）)\s]*(?:[、和与及]|以及)?[“「『（(\s]*$")
_HARD = re.compile(r"[。；;！？!?]")
PERSON_TITLES = list(lexicons.person_titles("affiliation"))  # person_titles.tsv
_TITLE = re.compile("|".join(sorted(PERSON_TITLES, key=len, reverse=True)))


def _gap(text: str, base: int, a: Ment, b: Ment) -> str:
    return text[a.end - base : b.start - base]


def _run(text: str, base: int, ments: Sequence[Ment], i: int, step: int) -> list[Ment]:
    """ments[i] and the mentions listed with it (、和与及), forward (step 1) or backward (step -1)."""
    out = [ments[i]]
    k = i
    while 0 <= k + step < len(ments):
        a, b = (ments[k], ments[k + step]) if step > 0 else (ments[k + step], ments[k])
        if not _SEP.match(_gap(text, base, a, b)):
            break
        k += step
        if ments[k].canonical not in {m.canonical for m in out}:
            out.append(ments[k])
    return out


def _before(ments: Sequence[Ment], pos: int, types: Sequence[str], text: str, base: int, hard: bool = True) -> Ment | None:
    """The nearest mention of one of ``types`` ending before ``pos``, not across a sentence-level stop."""
    for m in reversed(ments):
        if m.end <= pos and m.type in types:
            if hard and _HARD.search(text[m.end - base : pos - base]):
                return None
            return m
    return None


@rule("affiliatedWith.title.v1", cue=_TITLE.pattern)
def affiliated_by_title(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """ORG (department) TITLE PERSON, ORG PERSON TITLE/团队: 深圳市科技创新局局长张林, 香港大学黄明欣教授团队."""
    out = []
    for i, p in enumerate(ments):
        if p.type != "Person":
            continue
        org = _before(ments[:i], p.start, _AFFILIABLE, text, base)
        if org is None or any(m.type == "Person" and m.start >= org.end for m in ments[:i]):
            continue
        gap = _gap(text, base, org, p)
        after = text[p.end - base : p.end - base + 6]
        if len(gap) > 20 or re.search(r"[，。；：“”「」《》（）,;:]", gap):
            continue
        if _TITLE.search(gap) or (gap == "" and _TITLE.match(after)):
            out.append(Found(p, "affiliatedWith", org, "affiliatedWith.title.v1", 0.85))
    return out


@rule("affiliatedWith.study.v1", cue="入读|就读|毕业于|任职于|供职于|加盟|加入")
def affiliated_by_study(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """入读/就读/毕业于/任职于 ORG … 的 PERSON."""
    out = []
    for i, org in enumerate(ments):
        lead = text[max(0, org.start - base - 4) : org.start - base]
        if org.type not in _AFFILIABLE or not re.search(r"(入读|就读于?|毕业于|任职于|供职于|加盟|加入)$", lead):
            continue
        for p in ments[i + 1 :]:
            gap = _gap(text, base, org, p)
            if _CLAUSE_END.search(gap):
                break
            if p.type == "Person" and gap.endswith("的"):
                out.append(Found(p, "affiliatedWith", org, "affiliatedWith.study.v1", 0.8))
                break
    return out


_HOST_VERB = "联合主办|共同主办|联合举办|主办|承办|举办|协办"


@rule("hostedBy.organiser.v1", cue="举行|举办|召开|主办|承办|协办")
def hosted_by_organiser(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """O 主办/承办/举办 的 E; 联合 X、Y 举办的 E; 在 P 举行/召开 的 E; O …，举办“E”."""
    out = []
    for i, e in enumerate(ments):
        if e.type != "Event":
            continue
        lead = text[: e.start - base]
        clause = re.split(r"[，。；：,;]", lead)[-1]
        place = re.search(r"在([^在，。；]{1,12}?)(?:成功)?(?:举行|举办|召开)(?:了)?的?[“「]?$", clause)
        if place:
            for p in ments[:i]:
                if p.type in CONTAINER_TYPES and p.start - base >= len(lead) - len(clause) and p.end - base <= len(lead):
                    out.append(Found(e, "hostedBy", p, "hostedBy.held-in.v1", 0.8))
            continue
        verb = re.search(rf"(?:{_HOST_VERB})(?:了)?的?[“「]?$", clause)
        if not verb:
            continue
        verb_at = base + len(lead) - len(clause) + verb.start()
        jointly = re.search(r"联合([^，。；]*?)(?:举办|主办)", clause)
        if jointly:
            hosts = [m for m in ments[:i] if m.start >= verb_at - len(clause) + jointly.start() and m.end <= verb_at]
        else:
            first = _before(ments[:i], verb_at, _ACTORS, text, base)
            hosts = _run(text, base, ments, ments.index(first), -1) if first else []
        for h in hosts:
            if h.type in _AFFILIABLE or h.type in CONTAINER_TYPES:
                out.append(Found(e, "hostedBy", h, "hostedBy.organiser.v1", 0.8))
    return out


_PARTNER_VERB = (
    "签署|签订|建立了?合作关系|建立合作|开展合作|合作共建|共建|合作|联合印发|联合发布|联合开展|携手|共同建设|战略合作|签约"
)


@rule("partnerOf.with.v1", cue="与")
def partner_with(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """X 与 Y、Z … 签署/合作/共建/建立合作关系; the actor first."""
    out = []
    subject: Ment | None = None
    for m in re.finditer("与", text):
        at = base + m.start()
        after = [x for x in ments if x.start >= at + 1]
        if not after or not re.fullmatch(r"[“「]?", text[m.end() : after[0].start - base]):
            continue
        partners = _run(text, base, after, 0, 1)
        tail = text[partners[-1].end - base :]
        clause = re.split(r"[，。；,;]", tail)[0]
        if not re.search(_PARTNER_VERB, clause):
            continue
        x = _before(ments, at, _AFFILIABLE, text, base)
        if x is not None:
            head_gap = text[x.end - base : m.start()]
            if len(head_gap) > 12 or _CLAUSE_END.search(head_gap):
                x = subject if re.search(r"[，,]\s*$", text[: m.start()]) or _CLAUSE_END.search(head_gap) else None
        if x is None:
            continue
        subject = x
        for y in partners:
            if y.type in _AFFILIABLE and y.canonical != x.canonical:
                out.append(Found(x, "partnerOf", y, "partnerOf.with.v1", 0.8))
    return out


@rule("partnerOf.undertake.v1", cue="承接|联合")
def partner_by_undertaking(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """X 承接 Y、Z 项目; X … 联合 Y 开展: undertaking another body's projects, joint work."""
    out = []
    for m in re.finditer(r"承接|联合(?=[^，。；]{0,20}开展)", text):
        at = base + m.start()
        after = [x for x in ments if x.start >= base + m.end()]
        if not after or after[0].start - base - m.end() > 1:
            continue
        x = _before(ments, at, _AFFILIABLE, text, base)
        if x is None:
            continue
        for y in _run(text, base, after, 0, 1):
            if y.type in _AFFILIABLE and y.canonical != x.canonical:
                out.append(Found(x, "partnerOf", y, "partnerOf.undertake.v1", 0.7))
    return out


@rule("fundedBy.grant.v1", cue="向|支持|承担|获|依托")
def funded_by_grant(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """A 向 B 拨付/资助; 在 P 中 … 支持 B; X 财政资金 … 支持 B; B 承担/获得 P 项目; 依托 P 项目建成 C."""
    out = []
    for m in re.finditer(r"向", text):
        at = base + m.start()
        payer = _before(ments, at, (*_AFFILIABLE, "Region", "City"), text, base)
        after = [x for x in ments if x.start >= base + m.end()]
        if payer is None or not after or after[0].start - base != m.end():
            continue
        if re.match(r"^[^，。；]{0,6}?(?:拨付|拨款|资助|划拨)", text[after[0].end - base :]):
            if not _CLAUSE_END.search(text[payer.end - base : m.start()]):
                out.append(Found(after[0], "fundedBy", payer, "fundedBy.grant.v1", 0.85))
    for m in re.finditer(r"支持", text):
        after = [x for x in ments if x.start >= base + m.end() and x.type in _AFFILIABLE]
        if not after or after[0].start - base - m.end() > 2:
            continue
        lead = text[: m.start()]
        if not re.search(r"资金|经费|资助|拨款|投入", lead):
            continue
        for x in ments:
            if x.end > base + m.start():
                break
            in_program = x.type == "Program" and re.search(r"在[“「]?$", text[max(0, x.start - base - 2) : x.start - base])
            pays = bool(re.match(r"^[^，。；]{0,6}?(?:财政)?(?:资金|经费)", text[x.end - base :]))
            payer_named = x.type in ("Region", "GovernmentBody") and pays
            if in_program or payer_named:
                out.append(Found(after[0], "fundedBy", x, "fundedBy.support.v1", 0.75))
    for i, x in enumerate(ments):
        if x.type not in _AFFILIABLE:
            continue
        for y in ments[i + 1 : i + 3]:
            gap = _gap(text, base, x, y)
            if y.type == "Program" and re.fullmatch(r"[^，。；]{0,6}?(?:牵头承担|承担|获得|获)[“「]?", gap):
                out.append(Found(x, "fundedBy", y, "fundedBy.undertake.v1", 0.75))
    for m in re.finditer(r"依托", text):
        after = [x for x in ments if x.start >= base + m.end()]
        if len(after) < 2 or after[0].type != "Program" or after[0].start - base - m.end() > 1:
            continue
        built = re.match(r"^[^，。；]{0,4}?[，,]?[^，。；]{0,4}?(?:建成|建设|组建)", text[after[0].end - base :])
        if built:
            for y in after[1:3]:
                if y.type in _AFFILIABLE:
                    out.append(Found(y, "fundedBy", after[0], "fundedBy.built-on.v1", 0.7))
                    break
    return out


_USERS = re.compile(
    r"(?:为|向|支撑|服务)[^，。；]{0,12}?(港澳|香港|澳门)[^，。；]{0,14}?"
    r"(?:用户|科研团队|团队|科学家|科研人员|研究人员|科研机构|高校|学者)?[^。；]{0,12}?(?:提供|开放|服务|完成)"
)
SERVED_PLACES = {"港澳": ("香港", "澳门"), "香港": ("香港",), "澳门": ("澳门",)}


@rule("servesUsersFrom.users.v1", cue="港澳|香港|澳门")
def serves_users(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """F 为港澳用户/科研团队提供 …: one triple per city (港澳 gives 香港 and 澳门)."""
    out = []
    for m in _USERS.finditer(text):
        at = base + m.start()
        first = _before(ments, at, ("Facility", "ResearchInstitute", "Laboratory"), text, base)
        if first is None:
            continue
        for f in _run(text, base, ments, list(ments).index(first), -1):
            if f.type not in ("Facility", "ResearchInstitute", "Laboratory"):
                continue
            for city in SERVED_PLACES[m.group(1)]:
                place = Ment(base + m.start(1), base + m.end(1), "City", city)
                out.append(Found(f, "servesUsersFrom", place, "servesUsersFrom.users.v1", 0.8))
    return out


_RANKING = re.compile(r"全球创新指数|创新指数|GII|排名|榜单|榜首|百强|第\s*\d+\s*名|评为|登顶|跻身|入围|超越")


@rule("ranks.index.v1", cue=_RANKING.pattern)
def ranks_in_index(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """An international organisation and innovation clusters in a sentence about a ranking."""
    if not _RANKING.search(text):
        return []
    rankers = [m for m in ments if m.type == "InternationalOrganization"]
    clusters = [m for m in ments if m.type == "InnovationCluster"]
    return [Found(r, "ranks", c, "ranks.index.v1", 0.8) for r in rankers[:1] for c in clusters]


@rule("cooperatesWithCountry.joint.v1", cue="与|聚焦|面向|覆盖|辐射|对接")
def cooperates_with_country(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """与 COUNTRY … 合作共建 X; X 聚焦于 COUNTRY、COUNTRY 等重点国家."""
    out = []
    for i, c in enumerate(ments):
        if c.type != "Country" or text[c.start - base - 1 : c.start - base] != "与":
            continue
        verb = re.match(r"^[^，。；]{0,24}?(?:合作共建|共建|联合建设|共同建设|合作建设|联合设立)", text[c.end - base :])
        if verb:
            for x in ments[i + 1 :]:
                if x.start - base >= c.end - base + verb.end() and x.type in ("ResearchInstitute", "Laboratory", "Facility"):
                    out.append(Found(x, "cooperatesWithCountry", c, "cooperatesWithCountry.joint.v1", 0.8))
                    break
    for m in re.finditer(r"(?:聚焦于?|面向|覆盖|辐射|对接)", text):
        after = [x for x in ments if x.start >= base + m.end()]
        if not after or after[0].type != "Country" or after[0].start - base - m.end() > 1:
            continue
        countries = [x for x in _run(text, base, after, 0, 1) if x.type == "Country"]
        if not re.match(r"^等?(?:重点)?国家", text[countries[-1].end - base :]):
            continue
        centre = _before(ments, base + m.start(), ("ResearchInstitute", "Laboratory", "Facility"), text, base)
        if centre is not None:
            out += [Found(centre, "cooperatesWithCountry", c, "cooperatesWithCountry.focus.v1", 0.75) for c in countries]
    return out


_INITIATE = "共同发起成立|发起成立|联合发起|共同发起|发起|推出|设立|倡议成立|牵头成立|创办"
_INITIATED = ("Event", "Program", "Alliance", "InternationalOrganization")


@rule("initiatedBy.verb.v1", cue=f"{_INITIATE}|签署|签订|“|「")
def initiated_by_verb(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """X、Y 共同发起成立 A; X (于…)发起 A; A，由 X 于…在 P 发起; X 与 Z 签署《P》; ORG「P」."""
    out = []
    for m in re.finditer(_INITIATE, text):
        at = base + m.start()
        lead_clause = re.split(r"[，。；,;]", text[: m.start()])[-1]
        actor = _before(ments, at, (*_AFFILIABLE, "City", "Region"), text, base)
        if actor is None or len(lead_clause) < len(text[actor.end - base : m.start()]):
            continue
        actors = _run(text, base, ments, list(ments).index(actor), -1)
        by = re.search(r"由[“「]?$", text[: actor.start - base])
        if by:
            targets = [x for x in ments if x.end <= actor.start and x.type in _INITIATED][:1]
            place = re.search(r"在([^，。；]{1,8})$", text[actor.end - base : m.start()])
            if place and targets and targets[0].type == "Event":
                for p in ments:
                    if p.type in CONTAINER_TYPES and actor.end <= p.start < at:
                        out.append(Found(targets[0], "hostedBy", p, "hostedBy.initiated-in.v1", 0.75))
        else:
            targets = []
        if not targets:
            clause = re.split(r"[，。；,;]", text[m.end() :])[0]
            targets = [x for x in ments if base + m.end() <= x.start <= base + m.end() + len(clause) and x.type in _INITIATED][:1]
        for t in targets:
            out += [Found(t, "initiatedBy", a, "initiatedBy.verb.v1", 0.8) for a in actors if a.canonical != t.canonical]
    for m in re.finditer(r"签署|签订", text):
        after = [x for x in ments if x.start >= base + m.end() and x.type == "Program"]
        if not after or after[0].start - base - m.end() > 2:
            continue
        x = _before(ments, base + m.start(), (*_AFFILIABLE, "City", "Region"), text, base)
        if x is None:
            continue
        signers = _run(text, base, ments, list(ments).index(x), -1)
        out += [Found(after[0], "initiatedBy", s, "initiatedBy.signed.v1", 0.75) for s in signers]
    for a, b in pairwise(ments):
        if a.type in _AFFILIABLE and b.type == "Program" and re.fullmatch(r"[“「]", _gap(text, base, a, b)):
            out.append(Found(b, "initiatedBy", a, "initiatedBy.owner.v1", 0.7))
    return out


def apply_rules(rule_ids: Sequence[str], text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """Run the chosen rules on one sentence (``text`` starts at document offset ``base``)."""
    found: list[Found] = []
    for fn, cue in _chosen(tuple(rule_ids)):
        if cue is None or cue.search(text):
            found += fn(text, base, ments)
    return [f for f in found if f.subject.canonical != f.object.canonical]


@lru_cache(maxsize=16)
def _chosen(rule_ids: tuple[str, ...]) -> list[tuple[Rule, re.Pattern[str] | None]]:
    return [(RULES[rule_id], CUES.get(rule_id)) for rule_id in rule_ids]
