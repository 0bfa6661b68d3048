"""Relation rules v0: each a pure function over one sentence and its entity mentions.

A rule sees the folded sentence text and the mentions inside it (offsets relative to
the folded document) and returns ``Found`` triples. Rules are collected in ``RULES`` by
id, so a configuration can choose them and a test can call one alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["Ment", "Found", "RULES", "PLACE_TYPES", "apply_rules", "name_derived_part_of"]

PLACE_TYPES = ("Country", "Region", "City", "District")
_PLACE_RANK = {"Country": 0, "Region": 1, "City": 2, "District": 3}
_ORG_TYPES = (
    "CooperationZone", "ScienceCity", "Laboratory", "Facility", "University", "ResearchInstitute",
    "Company", "GovernmentBody", "InternationalOrganization", "Alliance", "Infrastructure", "Program", "Event",
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
    return text[a.end - base:b.start - base]


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
        lead = text[max(0, p.start - base - 5):p.start - base]
        verb = re.search(r"(位于|地处|坐落于|坐落在|落户于|落户|落地|扎根|入驻|设在|设于)$", lead)
        if not verb:
            continue
        verb_at = p.start - len(verb.group())
        before = [m for m in ments[:i] if m.end <= verb_at and not _is_place(m)]
        if before:
            x = before[-1]
            gap = text[x.end - base:verb_at - base]
            if len(gap) <= 12 and not re.search(r"[，。；,]", gap):
                out.append(Found(x, "locatedIn", p, "locatedIn.verb.v0", 0.9))
                continue
        after = [m for m in ments[i + 1:] if not _is_place(m)]
        if after and re.match(r"^的", _between(text, base, p, after[0])) and len(_between(text, base, p, after[0])) <= 6:
            out.append(Found(after[0], "locatedIn", p, "locatedIn.verb.v0", 0.9))
    return out


@rule("locatedIn.apposition.v0")
def located_by_apposition(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """A larger place written directly before a smaller thing: 深圳光明科学城, 广州南沙."""
    out = []
    for a, b in zip(ments, ments[1:]):
        if a.end == b.start and _is_place(a) and _lower_than(b, a):
            out.append(Found(b, "locatedIn", a, "locatedIn.apposition.v0", 0.8))
    return out


@rule("locatedIn.in-place.v0")
def located_by_zai(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """在 P(，)X …: the first organisation after 在 P in the same clause."""
    out = []
    for i, p in enumerate(ments):
        if not _is_place(p) or text[p.start - base - 1:p.start - base] != "在":
            continue
        for x in ments[i + 1:i + 3]:
            gap = _between(text, base, p, x)
            if x.type in _ORG_TYPES and x.type not in ("Event", "Program") and re.fullmatch(r"[，,的]?", gap):
                out.append(Found(x, "locatedIn", p, "locatedIn.in-place.v0", 0.7))
                break
    return out


@rule("locatedIn.address-line.v0")
def located_by_address(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """An author-affiliation line: organisation, city, postcode."""
    out = []
    for a, b in zip(ments, ments[1:]):
        if _is_place(b) and not _is_place(a) and re.fullmatch(r"\s+", _between(text, base, a, b)):
            if re.match(r"\s+\d{6}", text[b.end - base:]):
                out.append(Found(a, "locatedIn", b, "locatedIn.address-line.v0", 0.9))
    return out


_COMPONENT = re.compile(r"^(?:的)?(?:重要|核心|关键)?(?:组成部分|一部分|组成)")


@rule("partOf.component.v0")
def part_by_component(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """作为 Y 的重要组成部分，X …; X 是 Y 的重要组成部分."""
    out = []
    for i, y in enumerate(ments):
        tail = text[y.end - base:]
        if not _COMPONENT.match(tail):
            continue
        lead = text[max(0, y.start - base - 4):y.start - base]
        if lead.endswith("作为"):
            after = [m for m in ments[i + 1:] if m.type == y.type or m.type in _ORG_TYPES]
            if after:
                out.append(Found(after[0], "partOf", y, "partOf.component.v0", 0.8))
        elif lead.endswith("是") and i > 0:
            out.append(Found(ments[i - 1], "partOf", y, "partOf.component.v0", 0.8))
    return out


@rule("partOf.subsidiary.v0")
def part_by_subsidiary(text: str, base: int, ments: Sequence[Ment]) -> list[Found]:
    """Y 旗下/下属/所属 (的) X."""
    out = []
    for a, b in zip(ments, ments[1:]):
        if re.fullmatch(r"(?:旗下|下属|所属|下设)的?", _between(text, base, a, b)):
            out.append(Found(b, "partOf", a, "partOf.subsidiary.v0", 0.8))
    return out


_SUBUNIT = re.compile(r"^(?:（[^）]{1,6}）|[\u3400-\u9fff]{0,6}(?:分部|分中心|分院|分所|分园|园区|分校|校区|二期|三期|二期工程|三期工程|研究院|分会场))$")
_EDITION = re.compile(r"^(?:首届|第[一二三四五六七八九十百\d]+届|\d{4}年?)")


def name_derived_part_of(entities: Sequence[Ment]) -> list[Found]:
    """A branch, campus, phase or edition named after its parent, when both occur in the document."""
    out = []
    for child in entities:
        for parent in entities:
            if child.canonical == parent.canonical or _is_place(parent) or _is_place(child):
                continue
            if child.canonical.startswith(parent.canonical):
                if _SUBUNIT.match(child.canonical[len(parent.canonical):]):
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
