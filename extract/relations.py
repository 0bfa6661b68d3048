"""Relation rules v0: each a pure function over one sentence and its entity mentions.

A rule sees the folded sentence text and the mentions inside it (offsets relative to
the folded document) and returns ``Found`` triples. Rules are collected in ``RULES`` by
id, so a configuration can choose them and a test can call one alone.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Ment:
    start: int
    end: int
    type: str
    canonical: str


@dataclass(frozen=True)
class Found:
    subject: Ment
    predicate: str
    object: Ment
    rule: str
    confidence: float


Rule = Callable[[str, int, Sequence[Ment]], list[Found]]
RULES: dict[str, Rule] = {}


def rule(rule_id: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[rule_id] = fn
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


@rule("locatedIn.verb.v0")
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


@rule("locatedIn.in-place.v0")
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


@rule("locatedIn.address-line.v0")
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


@rule("locatedIn.holds.v0")
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


@rule("locatedIn.within-examples.v0")
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


@rule("locatedIn.zai-after.v0")
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


_INITIATE = "发起|推出|设立|倡议成立|牵头成立|创办"


@rule("initiatedBy.verb.v0")
def initiated_by_verb(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """X (于…)发起(了) Y; 由 X 发起 … Y: an event, programme or alliance and who started it."""
    out = []
    for i, x in enumerate(ments):
        if x.type in ("Event", "Program") or (_is_place(x) and x.type != "City"):
            continue
        tail = text[x.end - base :]
        lead = text[max(0, x.start - base - 1) : x.start - base]
        by = lead == "由" and re.match(rf"^[^，。；]{{0,4}}?(?:{_INITIATE})", tail)
        direct = re.match(rf"^(?:（[^）]*）)?[^，。；]{{0,12}}?(?:{_INITIATE})(?:了)?", tail)
        if not (by or direct):
            continue
        for y in ments[i + 1 :]:
            if y.type in ("Event", "Program", "Alliance"):
                out.append(Found(y, "initiatedBy", x, "initiatedBy.verb.v0", 0.8))
                break
    return out


_COMPONENT = re.compile(r"^(?:的)?(?:重要|核心|关键)?(?:组成部分|一部分|组成)")


@rule("partOf.component.v0")
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


@rule("partOf.subsidiary.v0")
def part_by_subsidiary(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """Y 旗下/下属/所属 (的) X."""
    out = []
    for a, b in itertools.pairwise(ments):
        if re.fullmatch(r"(?:旗下|下属|所属|下设)的?", _between(text, base, a, b)):
            out.append(Found(b, "partOf", a, "partOf.subsidiary.v0", 0.8))
    return out


_SUBUNIT_HEADS = (
    "分部|分中心|分院|分所|分园|园区|分校|校区|二期|三期|二期工程|三期工程|研究院|分会场"
    "|秘书处|委员会|执行委员会|办公室|总部|国际总部|综合保税区|保税区|片区"
)
_SUBUNIT = re.compile(rf"^(?:（[^）]{{1,6}}）|[\u3400-\u9fff]{{0,6}}(?:{_SUBUNIT_HEADS}))$")
_EDITION = re.compile(r"^(?:首届|第[一二三四五六七八九十百\d]+届|\d{4}年?)")


def name_derived_part_of(entities: Sequence[Ment]) -> list[Found]:
    """A branch, campus, phase or edition named after its parent, when both occur in the document."""
    out = []
    for child in entities:
        for parent in entities:
            if child.canonical == parent.canonical or _is_place(parent) or _is_place(child):
                continue
            if child.canonical.startswith(parent.canonical):
                if _SUBUNIT.match(child.canonical[len(parent.canonical) :]):
                    out.append(Found(child, "partOf", parent, "partOf.name-derived.v0", 0.85))
            elif child.type == parent.type == "Event":
                stripped = _EDITION.sub("", child.canonical)
                if stripped != child.canonical and stripped == parent.canonical:
                    out.append(Found(child, "partOf", parent, "partOf.edition.v0", 0.85))
    return out


def apply_rules(rule_ids: Sequence[str], text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """Run the chosen rules on one sentence (``text`` starts at document offset ``base``)."""
    found: list[Found] = []
    for rule_id in rule_ids:
        found.extend(RULES[rule_id](text, base, ments))
    return [f for f in found if f.subject.canonical != f.object.canonical]
