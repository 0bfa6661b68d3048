"""Recognition rules: pure functions over folded (simplified) text, and the word lists they use.

Nothing here knows any particular document: names are found by their head noun, their
left boundary (a verb, preposition or punctuation mark), quotes, brackets and titles. The word lists
(head nouns, stop words, titles, surnames …) are data: ``extract/data/*.tsv``, read by ``lexicons``.
"""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple

from . import lexicons

__all__ = [
    "HEADS",
    "Candidate",
    "find_clusters",
    "find_connect_schemes",
    "find_editions",
    "find_enumerated",
    "find_head_candidates",
    "find_party_committees",
    "find_persons",
    "find_titled_programs",
    "international",
    "is_generic",
]

# head noun -> (type, characters that may not follow it, characters that may not precede it): heads.tsv
HEADS: dict[str, tuple[str, str, str]] = lexicons.heads()
_ADVISORY = lexicons.cue_words("advisory")

# words that end a name on its left: verbs, prepositions, conjunctions, determiners
_LEFT_STOPS = sorted(lexicons.stop_words("left_stop"), key=len, reverse=True)
_SINGLE_STOPS = set(lexicons.stop_words("single_stop"))
_CONJUNCTIONS = set(lexicons.stop_words("conjunction"))
_NUMERALS = set(lexicons.stop_words("numeral"))
_CLASSIFIERS = set(lexicons.stop_words("classifier"))
_LEVEL_WORDS = lexicons.stop_words("level_word")
_NAME_CHAR = re.compile(r"[\u3400-\u9fffA-Za-z0-9·\-—－–（）]")
_GENERIC_WORDS = sorted(lexicons.generic_words(), key=len, reverse=True)
_GENERIC_STEP = re.compile(  # an edition, else the longest generic word, else one numeral
    r"\d{2,4}年?|首届|第[一二三四五六七八九十百\d]+届|"
    + "|".join(map(re.escape, _GENERIC_WORDS))
    + r"|[\d一二三四五六七八九十百千万余多几第]"
)
_INTERNATIONAL = lexicons.cue_words("international")
_PLACE_CONTRACTIONS = lexicons.cue_words("place_contraction")
_STRONG_HEADS = lexicons.cue_words("strong_head")
_SURNAMES = lexicons.surnames()
_PERSON_TITLES = sorted(lexicons.person_titles("name_cue"), key=len, reverse=True)
_SPEECH = lexicons.cue_words("speech")
_CJK = re.compile(r"[\u3400-\u9fff]")
_MULTI_STOPS = sorted((w for w in _LEFT_STOPS if len(w) > 1), key=len, reverse=True)
_MULTI_STOPS_BY_LAST = {last: tuple(w for w in _MULTI_STOPS if w[-1] == last) for last in {w[-1] for w in _MULTI_STOPS}}
_INNER_PUNCT = re.compile(r"[，。、；：,]")
_QUOTED_PUNCT = re.compile(r"[，。、；：”]")


def _stop_word_ends_at(text: str, j: int) -> bool:
    """Whether a stop word of two or more characters ends at offset ``j``."""
    words = _MULTI_STOPS_BY_LAST.get(text[j - 1]) if j > 0 else None
    return words is not None and text.endswith(words, 0, j)


class Candidate(NamedTuple):
    start: int
    end: int
    type: str
    canonical: str
    rule: str


def is_generic(prefix: str, *, places_name: bool = False) -> bool:
    """True when a name's modifier is made only of generic words (国家, 省级, 粤港澳, digits …).

    With ``places_name`` a place contraction (深港, 粤澳 …) counts as naming: 深港联合资助计划 is a scheme,
    粤港澳联合实验室 a category.
    """
    rest = prefix.strip().strip("“”")
    if places_name and rest.startswith(_PLACE_CONTRACTIONS):
        return False
    pos = 0
    while pos < len(rest):
        m = _GENERIC_STEP.match(rest, pos)
        if m is None:
            return False
        pos = m.end()
    return True


def international(name: str) -> bool:
    return name.startswith(_INTERNATIONAL) or "国际" in name


def _left_edge(
    text: str,
    head_start: int,
    boundaries: set[int],
    known_ends: set[int],
    known_starts: set[int],
    known_cover: dict[int, tuple[int, int]],
    *,
    allow_year: bool = False,
    limit: int = 24,
) -> int:
    j = head_start
    while j > 0 and head_start - j < limit:
        if j in boundaries:
            break
        ch = text[j - 1]
        if ch == "）":
            opening = text.rfind("（", max(0, j - 8), j - 1)
            inner = text[opening + 1 : j - 1] if opening >= 0 else ""
            if opening <= 0 or not _CJK.match(text[opening - 1]) or _INNER_PUNCT.search(inner):
                break
            j = opening
            continue
        if ch == "”":
            opening = text.rfind("“", max(0, j - 16), j - 1)
            if opening < 0 or _QUOTED_PUNCT.search(text, opening + 1, j - 1):
                break
            j = opening
            if not (opening in known_ends or _EDITION.search(text[max(0, opening - 8) : opening])):
                break
            continue
        if (j - 1) in known_cover:
            j = known_cover[j - 1][0]
            continue
        if ch == "+" or (ch.isdigit() and "+" in text[max(0, j - 2) : j + 1]):
            j -= 1
            continue
        if not _NAME_CHAR.match(ch) or ch in "（）":
            break
        if _stop_word_ends_at(text, j):
            break
        if ch in _CONJUNCTIONS and (
            j in known_starts
            or (j - 1) in known_ends
            or j - 1 == 0
            or not _CJK.match(text[j - 2])
            or text.endswith(_HEADS_AND_TITLES, 0, j - 1)
            or text[j : j + 1].isdigit()
        ):
            break
        if ch in _SINGLE_STOPS:
            break
        if ch in _CLASSIFIERS and j >= 2 and text[j - 2] in _NUMERALS:
            break
        if ch.isdigit():
            k, m = j - 1, j
            while k > 0 and text[k - 1].isdigit():
                k -= 1
            while m < len(text) and text[m].isdigit():
                m += 1
            if allow_year and m - k == 4:
                j = k
                continue
            break
        j -= 1
    while j < head_start and text[j] in "-—－–·":
        j += 1
    return j


_HEADS_AND_TITLES = tuple(HEADS) + tuple(_PERSON_TITLES)
_HEAD_TUPLE = tuple(HEADS)
_BRACKETED_SHORT_NAME = re.compile(r"（([\u3400-\u9fff]{2,4})）")


def _longest_first(words: list[str]) -> re.Pattern[str]:
    """A pattern matching the longest of ``words`` at each position, as their alternation sorted
    longest first does, with the words grouped by first character (the regex engine then tries
    one group's endings instead of every word)."""
    endings: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        endings.setdefault(word[0], []).append(word[1:])
    groups = []
    for first, rest in endings.items():
        tail = "" if rest == [""] else "(?:" + "|".join(map(re.escape, rest)) + ")"
        groups.append(re.escape(first) + tail)
    return re.compile("|".join(groups))


_HEAD = _longest_first(list(HEADS))
_TITLE = _longest_first(_PERSON_TITLES)
_DEPENDENT_HEADS = lexicons.cue_words("dependent_head")
_PROPER_START_HEADS = lexicons.cue_words("proper_start_head")


def find_head_candidates(text: str, boundaries: set[int], known: list[tuple[int, int]] | None = None) -> list[Candidate]:
    """Names found by their head noun and a sound left boundary.

    ``known`` lists the (start, end) of known names found earlier: a name does not swallow the
    conjunction before a known name, and a known name is not re-found with words glued in front.
    """
    known = known or []
    known_ends = {e for _, e in known}
    known_starts = {s for s, _ in known}
    known_inside = {k: (s, e) for s, e in known for k in range(s, e)}
    out: list[Candidate] = []
    for m in _HEAD.finditer(text):
        head = m.group()
        etype, bad_next, bad_prev = HEADS[head]
        h0, end = m.start(), m.end()
        if end < len(text) and text[end] in bad_next:
            continue
        if h0 > 0 and text[h0 - 1] in bad_prev:
            continue
        inside = known_inside.get(h0)
        if inside and inside[1] == end:
            continue
        start = _left_edge(text, h0, boundaries, known_ends, known_starts, known_inside, allow_year=etype == "Event")
        for level in _LEVEL_WORDS:
            if text.startswith(level, start) and h0 - start - len(level) >= 2:
                start += len(level)
                break
        prefix = text[start:h0]
        if len(prefix.strip("“”")) < 2 or (head not in _STRONG_HEADS and is_generic(prefix, places_name=etype == "Program")):
            continue
        if head in _DEPENDENT_HEADS and not (h0 in known_ends or text.endswith(_HEAD_TUPLE, 0, h0)):
            continue
        proper_start = start in known_starts or text.startswith((*_PLACE_CONTRACTIONS, "中国"), start)
        if head in _PROPER_START_HEADS and not proper_start:
            continue
        bracket = _BRACKETED_SHORT_NAME.match(text, end)
        if bracket and not bracket.group(1).startswith(("以下", "简称", "下称")):
            end = bracket.end()
        name = text[start:end]
        if head in ("委员会",) and name.endswith(_ADVISORY):
            etype = "ResearchInstitute"
        if etype == "Alliance" and international(name):
            etype = "InternationalOrganization"
        if head == "组织" and not international(name):
            continue
        out.append(Candidate(start, end, etype, name, f"head:{head}"))
    return out


_CLUSTER = re.compile(r"“?((?:[\u3400-\u9fff]{2,3}[—\-－–]){1,3}[\u3400-\u9fff]{2,3})”?(?:科技创新|创新|科技)?集群")


def find_clusters(text: str) -> list[tuple[Candidate, list[tuple[int, int, str]]]]:
    """Innovation clusters written as dash-joined places, with their member places."""
    out: list[tuple[Candidate, list[tuple[int, int, str]]]] = []
    if "集群" not in text:
        return out
    for m in _CLUSTER.finditer(text):
        members = []
        pos = m.start(1)
        for part in re.split(r"[—\-－–]", m.group(1)):
            members.append((pos, pos + len(part), part))
            pos += len(part) + 1
        canonical = "—".join(p for _, _, p in members) + "创新集群"
        out.append((Candidate(m.start(), m.end(), "InnovationCluster", canonical, "pattern:cluster"), members))
    return out


_EDITION = re.compile(r"(?:首届|第[一二三四五六七八九十百\d]+届|\d{4}年?)$")


def find_editions(text: str, events: list[tuple[int, int, str]]) -> list[Candidate]:
    """An edition of a known event series: 首届/第三届/2023 + the series name."""
    out = []
    for start, end, canonical in events:
        m = _EDITION.search(text[max(0, start - 8) : start])
        if m:
            edition = m.group()
            out.append(Candidate(start - len(edition), end, "Event", edition + canonical, "pattern:edition"))
    return out


_ENUMERATION = re.compile(
    r"(联合实验室|实验室|研究中心|研究院|中心)[^。“]{0,12}?(?:分别是|分别为|包括|即)[：:]?((?:“[^“”]{2,30}”[、，和及与]?){2,})"
)


def find_enumerated(text: str) -> list[Candidate]:
    """Quoted names listed after a class noun (……联合实验室，分别是“中国-X”“中国-Y”), completed with that noun."""
    out: list[Candidate] = []
    if "“" not in text:  # every enumerated name is quoted
        return out
    for m in _ENUMERATION.finditer(text):
        head = m.group(1)
        etype = HEADS[head][0] if head in HEADS else "ResearchInstitute"
        if head == "联合实验室":
            etype = "Laboratory"
        for item in re.finditer(r"“([^“”]{2,30})”", m.group(2)):
            name = item.group(1)
            canonical = name if name.endswith(head) else name + head
            start = m.start(2) + item.start(1)
            out.append(Candidate(start, start + len(name), etype, canonical, "pattern:enumerated"))
    return out


_CONNECT_WORDS = set(lexicons.cue_words("connect_char"))
_CONNECT = re.compile(r"(?<=[“、，（])([\u3400-\u9fff]{1,3}通)(?=[”、，）等])")


def find_connect_schemes(text: str) -> list[Candidate]:
    """Cross-border ``X通`` schemes written in a list or quoted: 就业通、社保通; “穗港通”."""
    if "通" not in text:
        return []
    found = [m for m in _CONNECT.finditer(text) if m.group(1)[-2] not in _CONNECT_WORDS]
    out = []
    for m in found:
        quoted = text[m.start() - 1] == "“" and text[m.end()] == "”"
        listed = sum(1 for other in found if abs(other.start() - m.start()) <= 12) >= 2
        if quoted or listed:
            out.append(Candidate(m.start(1), m.end(1), "Program", m.group(1), "pattern:connect-scheme"))
    return out


_PARTY_COMMITTEE = re.compile(r"([\u3400-\u9fff]{2,3}?)(市|省|区)委(?![员会])")


def find_party_committees(text: str, places: dict[str, str]) -> list[Candidate]:
    """X市委 / X省委 → 中共X市委员会 when X is a known city or province."""
    out: list[Candidate] = []
    if "委" not in text:
        return out
    for m in _PARTY_COMMITTEE.finditer(text):
        for k in range(len(m.group(1))):
            place = m.group(1)[k:]
            if place in places:
                unit = m.group(2)
                canonical = f"中共{place}{unit}委员会"
                out.append(Candidate(m.start(1) + k, m.end(), "GovernmentBody", canonical, "pattern:party-committee"))
                break
    return out


_TITLED = re.compile(
    r"《([^《》\n]{4,60}?(?:协议|规划|纲要|方案|计划|条例|办法|意见|规程|规定|战略|倡议|通知)(?:（[^）]{1,6}）)?)》"
)


def find_titled_programs(text: str) -> list[Candidate]:
    """Plans, agreements and policy documents written in book-title marks."""
    if "《" not in text:
        return []
    return [Candidate(m.start(1), m.end(1), "Program", m.group(1), "pattern:titled") for m in _TITLED.finditer(text)]


_SPEECH_OR_TITLE = _SPEECH + tuple(_PERSON_TITLES)
_AFTER_NAME = (*_SPEECH_OR_TITLE, *lexicons.cue_words("after_name"))
_BEFORE_NAME = (*_PERSON_TITLES, "，", "、")
_SPEECH_RE = re.compile("|".join(_SPEECH))
_PHOTO_CREDIT = re.compile(r"（([\u3400-\u9fff]{2,3})\s*摄）|记者\s*([\u3400-\u9fff]{2,3})\s*摄")
_MIDDLE_DOT_NAME = re.compile(r"[\u3400-\u9fff]{1,6}·[\u3400-\u9fff]{1,8}")
_MIDDLE_DOT_CUTS = sorted((*_PERSON_TITLES, *_LEFT_STOPS), key=len, reverse=True)


def _name_at(text: str, pos: int, forward: bool) -> str:
    cues = _SPEECH_OR_TITLE
    if forward:
        for length in (3, 2):
            name = text[pos : pos + length]
            if (
                len(name) == length
                and name[0] in _SURNAMES
                and all(_CJK.match(c) for c in name)
                and text.startswith(cues, pos + length)
            ):
                return name
    for length in (3, 2):
        name = text[pos : pos + length] if forward else text[pos - length : pos]
        if len(name) != length or not all(_CJK.match(c) for c in name) or name[0] not in _SURNAMES:
            continue
        if forward:
            after = pos + length
            ok = after >= len(text) or not _CJK.match(text[after]) or text.startswith(_AFTER_NAME, after)
        else:
            before = pos - length
            ok = before <= 0 or not _CJK.match(text[before - 1]) or text.endswith(_BEFORE_NAME, 0, before)
        if ok:
            return name
    return ""


def find_persons(text: str, known_ends: frozenset[int] | set[int] = frozenset()) -> list[Candidate]:
    """Chinese names next to a title or role (院士, 局长, 记者 …), a speech verb (表示, 指出 …),
    an organisation (香港大学黄明欣教授), or a photo credit (（沈仲 摄）)."""
    out: list[Candidate] = []
    for m in _TITLE.finditer(text):
        before = _name_at(text, m.start(), forward=False)
        if not before:
            for length in (3, 2):
                name = text[m.start() - length : m.start()]
                if m.start() - length in known_ends and name[:1] in _SURNAMES and all(_CJK.match(c) for c in name):
                    before = name
                    break
        if before:
            out.append(Candidate(m.start() - len(before), m.start(), "Person", before, "person:title-after"))
        pos = m.end()
        while pos < len(text) and text[pos] == " ":
            pos += 1
        for _ in range(6):
            after = _name_at(text, pos, forward=True)
            if not after:
                break
            out.append(Candidate(pos, pos + len(after), "Person", after, "person:title-before"))
            pos += len(after)
            if not text.startswith(" ", pos) and not text.startswith("、", pos):
                break
            pos += 1
    for m in _SPEECH_RE.finditer(text):
        before = _name_at(text, m.start(), forward=False)
        if before and m.start() - len(before) > 0 and not _CJK.match(text[m.start() - len(before) - 1]):
            out.append(Candidate(m.start() - len(before), m.start(), "Person", before, "person:speech"))
    for m in _PHOTO_CREDIT.finditer(text) if "摄" in text else ():
        group = 1 if m.group(1) else 2
        if m.group(group)[0] in _SURNAMES:
            out.append(Candidate(m.start(group), m.end(group), "Person", m.group(group), "person:photo-credit"))
    for m in _MIDDLE_DOT_NAME.finditer(text) if "·" in text else ():
        start = m.start()
        for cue in _MIDDLE_DOT_CUTS:
            cut = text.rfind(cue, m.start(), text.index("·", m.start()))
            if cut >= 0 and len(cue) > 0:
                start = max(start, cut + len(cue))
        name = text[start : m.end()]
        for cue in (*_SPEECH, *_PERSON_TITLES):
            if name.endswith(cue) and len(name) - len(cue) > name.index("·") + 1:
                name = name[: -len(cue)]
                break
        if name.index("·") > 0:
            out.append(Candidate(start, start + len(name), "Person", name, "person:middle-dot"))
    return out


ENGLISH_HEADS: dict[str, str] = lexicons.english_heads()  # english_heads.tsv
_EN_CONNECTORS = set(lexicons.stop_words("en_connector"))
_EN_LEADING = set(lexicons.stop_words("en_leading"))
_EN_HEADS = [(head, head.split()) for head in sorted(ENGLISH_HEADS, key=lambda h: -len(h.split()))]
_EN_HEADS_BY_FIRST: dict[str, list[tuple[str, list[str]]]] = {}
for _head, _parts in _EN_HEADS:  # the heads a word can begin, longest first as in _EN_HEADS
    _EN_HEADS_BY_FIRST.setdefault(_parts[0], []).append((_head, _parts))
_EN_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’.&-]*|&")
_EN_BRACKET = re.compile(r" ?[(（][A-Z][a-z]+[)）]")
_BLANKS = re.compile(r"[ \t]+")
_EN_WORD = re.compile(r"[A-Z][A-Za-z'’.-]*|[A-Z]{2,}|of|and|for|the|on|in|&")


def find_english_candidates(text: str, boundaries: set[int] | frozenset[int] = frozenset()) -> list[Candidate]:
    """Capitalised English names typed by their head noun: Shenzhen Bay Laboratory, University of Macau,
    National Health Commission of the People’s Republic of China. A name does not run across a line
    start in ``boundaries`` (a weak break: a heading or a name on its own line), a full stop, or a
    person's title before "of" (Director of, Vice President of)."""
    out: list[Candidate] = []
    words = [(m.start(), m.end(), m.group()) for m in _EN_TOKEN.finditer(text)]
    i = 0
    while i < len(words):
        for head, parts in _EN_HEADS_BY_FIRST.get(words[i][2].rstrip("."), ()):
            window = words[i : i + len(parts)]
            if [w[2].rstrip(".") for w in window] != parts or not _adjacent(text, window):
                continue
            if any(w[2].endswith(".") for w in window[:-1]) or any(w[0] in boundaries for w in window[1:]):
                continue
            left = i
            while left > 0 and words[left][0] not in boundaries and _adjacent(text, words[left - 1 : left + 1]):
                w = words[left - 1][2]
                if w.endswith(".") and not _EN_INITIAL.fullmatch(w):
                    break
                before = words[left - 2][2] if left >= 2 else ""
                if w[0].isupper() or (
                    w in _EN_CONNECTORS
                    and before[:1].isupper()
                    and not (w in ("and", "&") and (before.isupper() or before.rstrip(".") in ENGLISH_HEADS))
                ):
                    left -= 1
                else:
                    break
            if (
                left > 0
                and words[left - 1][2][:1].isupper()
                and _EN_LIST_COMMA.fullmatch(text, words[left - 1][1], words[left][0])
                and any(w[2] in ("and", "&") for w in words[left:i])
            ):
                left -= 1  # Innovation, Technology and Industry Bureau
            left = _after_titles(words, left, i)
            for k in range(i - 1, left - 1, -1):
                if words[k][2].endswith(_EN_POSSESSIVE) and words[k][2] not in _EN_POSSESSIVE_NAMES:
                    left = k + 1  # Cyberport’s AI Supercomputing Centre: the owner is not part of the name
                    break
            while left < i and (words[left][2] in _EN_CONNECTORS or words[left][2] in _EN_LEADING):
                left += 1
            right = _right_edge(text, words, i + len(parts), boundaries)
            if left == i and right == i + len(parts):
                break
            start, end = words[left][0], words[right - 1][1]
            bracket = _EN_BRACKET.match(text, end)
            if bracket:
                end = bracket.end()
            etype = ENGLISH_HEADS[head]
            edition = _EN_EDITION.search(text, 0, start) if etype in ("Event", "Program") else None
            if edition:
                start = edition.start()  # 2019 Shenzhen … Summit, 12th Five-Year Plan
            name = text[start:end].rstrip(".")
            if etype == "Alliance" and name.startswith(("International", "World", "Global", "Asia")):
                etype = "InternationalOrganization"
            out.append(Candidate(start, start + len(name), etype, name, f"english:{head}"))
            i = right - 1
            break
        i += 1
    return out


_EN_TITLES = set(lexicons.person_titles("en_title"))
_EN_POSSESSIVE = ("’s", "'s")
_EN_POSSESSIVE_NAMES = set(lexicons.cue_words("en_possessive_name"))
_EN_EDITION = re.compile(r"\b(?:(?:19|20)\d\d|\d{1,3}(?:st|nd|rd|th)) $")
_EN_LIST_COMMA = re.compile(r"[,，] ?")
_EN_INITIAL = re.compile(r"(?:[A-Z]\.)+")
_EN_OF = ("of", "for")
_EN_INNER = {"of", "for", "and", "&", "the"}


def _after_titles(words: list[tuple[int, int, str]], left: int, head: int) -> int:
    """The first word after the last "Title of" before the head (Vice President of Lanzhou University)."""
    for k in range(head - 1, left, -1):
        if words[k][2] == "of" and words[k - 1][2].rstrip("’'s") in _EN_TITLES:
            return k + 1
    return left


def _right_edge(text: str, words: list[tuple[int, int, str]], right: int, boundaries: set[int] | frozenset[int]) -> int:
    """The end (in words) of a name after its head: "of" or "for" and capitalised words, with "the",
    "and", "of" or "for" between them (of the People’s Republic of China)."""
    if right >= len(words) or words[right][2] not in _EN_OF or words[right - 1][2].endswith("."):
        return right
    k, last = right, right
    while k < len(words) and words[k][0] not in boundaries and _adjacent(text, words[k - 1 : k + 1]):
        word = words[k][2]
        if word in ("and", "&") and k + 1 < len(words) and words[k + 1][2] == "the":
            break  # … of Pingshan District and the Shenzhen branch
        if word in _EN_INNER:
            k += 1
            continue
        if not word[:1].isupper() or (word.isupper() and len(word) > 1 and k > right and words[k - 1][2] in ("and", "&")):
            break
        k += 1
        last = k
        if word.endswith("."):
            break
    return last


def _adjacent(text: str, window: list[tuple[int, int, str]]) -> bool:
    return all(a[1] < b[0] and _BLANKS.fullmatch(text, a[1], b[0]) for a, b in itertools.pairwise(window))
