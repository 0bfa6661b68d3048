"""Recognition rules as data and pure functions over folded (simplified) text.

Nothing here knows any particular document: names are found by their head noun, their
left boundary (a verb, preposition or punctuation mark), quotes, brackets and titles.
"""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple

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

# head noun -> (type, characters that may not follow it, characters that may not precede it)
HEADS: dict[str, tuple[str, str, str]] = {
    "实验室": ("Laboratory", "主", ""),
    "超级计算中心": ("Facility", "", ""),
    "超算分中心": ("Facility", "", ""),
    "超算中心": ("Facility", "", ""),
    "中子源": ("Facility", "", ""),
    "光源": ("Facility", "", "电"),
    "装置": ("Facility", "", ""),
    "设施": ("Facility", "", ""),
    "大学": ("University", "生城", ""),
    "学院": ("University", "派士", "科程医"),
    "科学院": ("ResearchInstitute", "士", ""),
    "工程院": ("ResearchInstitute", "士", ""),
    "研究院": ("ResearchInstitute", "", ""),
    "研究所": ("ResearchInstitute", "", ""),
    "研究中心": ("ResearchInstitute", "", ""),
    "创新中心": ("ResearchInstitute", "城", ""),
    "技术中心": ("ResearchInstitute", "", ""),
    "科学中心": ("ResearchInstitute", "", ""),
    "转移中心": ("ResearchInstitute", "", ""),
    "研发中心": ("ResearchInstitute", "", ""),
    "卓越中心": ("ResearchInstitute", "", ""),
    "科学馆": ("ResearchInstitute", "", ""),
    "科技馆": ("ResearchInstitute", "", ""),
    "太空馆": ("ResearchInstitute", "", ""),
    "博物馆": ("ResearchInstitute", "", ""),
    "秘书处": ("ResearchInstitute", "", ""),
    "中心": ("ResearchInstitute", "城区地位点", "超分"),
    "科学城": ("ScienceCity", "", ""),
    "科技城": ("ScienceCity", "", ""),
    "科学园": ("ScienceCity", "", ""),
    "科技园": ("ScienceCity", "区", ""),
    "产业园": ("ScienceCity", "区", ""),
    "创新园": ("ScienceCity", "", ""),
    "软件园": ("ScienceCity", "", ""),
    "创新区": ("ScienceCity", "", ""),
    "孵化基地": ("ScienceCity", "", ""),
    "产业基地": ("ScienceCity", "", ""),
    "转化基地": ("ScienceCity", "", ""),
    "总部基地": ("ScienceCity", "", ""),
    "分园": ("ScienceCity", "", ""),
    "知识城": ("ScienceCity", "", ""),
    "智谷": ("ScienceCity", "", ""),
    "高新区": ("ScienceCity", "", ""),
    "科教城": ("ScienceCity", "", ""),
    "启动区": ("ScienceCity", "", ""),
    "合作区": ("CooperationZone", "", ""),
    "合作平台": ("Program", "", ""),
    "示范区": ("CooperationZone", "", ""),
    "保税区": ("CooperationZone", "", ""),
    "自贸区": ("CooperationZone", "", ""),
    "自贸片区": ("CooperationZone", "", ""),
    "试验区": ("CooperationZone", "", ""),
    "论坛": ("Event", "", "分"),
    "大会": ("Event", "堂", ""),
    "博览会": ("Event", "", ""),
    "峰会": ("Event", "", ""),
    "交易会": ("Event", "", ""),
    "研讨会": ("Event", "", ""),
    "交流会": ("Event", "", ""),
    "工作会议": ("Event", "", ""),
    "次会议": ("Event", "", ""),
    "发明展": ("Event", "", ""),
    "展览会": ("Event", "", ""),
    "大赛": ("Event", "", ""),
    "比赛": ("Event", "", ""),
    "竞赛": ("Event", "", ""),
    "马拉松赛": ("Event", "", ""),
    "大讲堂": ("Event", "", ""),
    "研修班": ("Event", "", ""),
    "年会": ("Event", "", ""),
    "联盟": ("Alliance", "", ""),
    "协会": ("Alliance", "", ""),
    "商会": ("Alliance", "", ""),
    "学会": ("Alliance", "", ""),
    "联合会": ("Alliance", "", ""),
    "促进会": ("Alliance", "", ""),
    "科协": ("Alliance", "", ""),
    "组织": ("InternationalOrganization", "", ""),
    "股份有限公司": ("Company", "", ""),
    "有限公司": ("Company", "", ""),
    "公司": ("Company", "", "子母总分"),
    "集团": ("Company", "", ""),
    "人民政府": ("GovernmentBody", "", ""),
    "政府": ("GovernmentBody", "", ""),
    "委员会": ("GovernmentBody", "", ""),
    "局": ("GovernmentBody", "长面势限部", "格布结当棋变大全开骗时"),
    "厅": ("GovernmentBody", "长", "大餐客展门歌舞"),
    "署": ("GovernmentBody", "长名", "签部"),
    "海关": ("GovernmentBody", "", ""),
    "行动计划": ("Program", "", ""),
    "计划": ("Program", "", ""),
    "纲要": ("Program", "", ""),
    "倡议": ("Program", "", ""),
    "战略": ("Program", "性", ""),
    "规划": ("Program", "", ""),
    "专项": ("Program", "", ""),
    "基金": ("Program", "会", ""),
    "框架协议": ("Program", "", ""),
    "重大项目": ("Program", "", ""),
    "咨询项目": ("Program", "", ""),
    "大桥": ("Infrastructure", "", ""),
    "隧道": ("Infrastructure", "", ""),
    "口岸": ("Infrastructure", "", ""),
    "机场": ("Infrastructure", "", ""),
    "高铁": ("Infrastructure", "", ""),
}

_ADVISORY = ("咨询委员会", "咨委", "专家委员会", "学术委员会")

# words that end a name on its left: verbs, prepositions, conjunctions, determiners
_LEFT_STOPS = sorted(
    """位于 地处 坐落于 坐落在 坐落 依托 依靠 推动 推进 打造 建设 建成 建立 设立 成立 组建 引入 引进 集聚 聚集
    汇聚 拥有 包括 包含 例如 比如 如 由 同 跟 向 在 于 对 把 被 将 为 是 的 了 等 从 到 至 让 使 助力 支持 携手 共建
    牵头 承担 承接 参与 加入 入驻 落户 落地 启动 举办 主办 承办 召开 举行 发布 印发 签署 发起 推出 提出 通过 经过
    访问 走进 来到 围绕 面向 服务 报道 记者 表示 指出 认为 介绍 强调 说 其中 此外 目前 已 也 还 均 都 并 而 或 即
    其 该 这 那 各 每 旗下 下属 所属 实施 开展 获批 获得 荣获 作为 成为 属于 形成 构建 布局 筹建 新建 共同 联合
    积极 加快 持续 不断 正式 首次 已经 正在 以及 以 及 与 和 暨 同时 分别 相继 先后 累计 培育 带动 深化 依托于
    入读 就读 考入 毕业于 来自 连接 直通 登顶 跻身 入围 超越 见证 标志 标志着 开工 竣工
    运行 揭牌 挂牌 创办 创建 设在 设于 位列 排名 加大 加之 加强 强化 发挥 充分发挥 更好地发挥 可以 未能 做好 锚定
    秉持 搭建 探索 促进 出台 打开 送达 送回 入选 串联 具有 一系列 回顾 展望 聚焦 对接 吸引 孵化 输送 覆盖 依据 根据
    支撑 支撑起 紧扣 围绕着 推出了 发起了 成立了 建成了
    按照 经由 途经 前往 抵达 祝贺 致贺信 出席 主持 参加 邀请 携 携同 联手 共同体 之一""".split(),
    key=len,
    reverse=True,
)
_SINGLE_STOPS = set("的了在是被把将从向对等由为让使其该这那各已也还都并而即或如于至到每均以有内他送就居")
_CONJUNCTIONS = set("与和及暨自经")
_NUMERALS = set("一二三四五六七八九十百千万两几多数首第0123456789")
_CLASSIFIERS = set("台场条支只大个家所项座批名位期次")
_LEVEL_WORDS = ("国家级", "省部级", "省级", "市级", "区级", "新型")
_NAME_CHAR = re.compile(r"[\u3400-\u9fffA-Za-z0-9·\-—－–（）]")
_GENERIC_WORDS = sorted(
    """国家 省级 市级 区级 省 市 区 重点 联合 全国 国际 新型 研发 重大 科技 科学 创新 高水平 一流 相关 大型 综合 专业
    前沿 新 多 大 小 各类 各级 本地 当地 海外 境外 港澳 粤港澳 粤港 粤澳 深港 琴澳 穗港 两岸 三地 基础 研究 工程 技术
    产业 企业 高校 大学 高等 院校 学校 公共 服务 平台 重点领域 领域 核心 主要 首个 首家 首届 一批 一个 一家 多家 多个
    其他 其它 这些 这个 该 本 此 上述 下列 有关 我国 我省 我市 全省 全市 全球 世界 亚洲 区域 地方 城市 大科学 大湾区
    湾区 科研 数字 智能 人工智能 生物 医药 材料 能源 信息 海洋 现代 先进 高端 高新 新兴 未来 战略性 战略 发展 合作
    示范 实验 实验室 中心 设施 装置 创新型 共建 共享 开放 高质量 国之重器 省部 部省 共建国家 一带一路 “一带一路”
    “ ” 头部 龙头 领军 标杆 特色 优势 若干 部分 全部 所有 相应 对应 新一代 下一代 一流大学 双一流 世界一流 全国重点
    制造 先进制造 出口 科技创新 发展战略 研发机构 机构 港资 澳资 外资 民营 国有 中外 中资 有为 有效 政策 知名 著名
    品牌 大批 众多 大量 世界级 国家级 省部级 尖端 国内外 资助 奖励 顶层 支援 更多 两地 三地 各地 上市 非营利性 非营利
    会议 国际会议 国际性 标准 与 和 及 办学 成果 转化 配套 母 创投 强国 人才 体系 网络 高质量发展 重要 主论坛 分论坛 全体
    外 经济 最高级 金融 航运 贸易 数据 大数据 管理 风险 投融资 离岸 人民币 验证 概念 学术 交流 科创 储能""".split(),
    key=len,
    reverse=True,
)
_GENERIC_STEP = re.compile(  # an edition, else the longest generic word, else one numeral
    r"\d{2,4}年?|首届|第[一二三四五六七八九十百\d]+届|"
    + "|".join(map(re.escape, _GENERIC_WORDS))
    + r"|[\d一二三四五六七八九十百千万余多几第]"
)
_INTERNATIONAL = ("国际", "世界", "全球", "亚太", "亚洲", "联合国", "一带一路")
_PLACE_CONTRACTIONS = ("粤港澳", "粤港", "粤澳", "深港", "琴澳", "穗港", "港澳", "深澳", "珠澳")
_STRONG_HEADS = ("卓越中心",)
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤倪喻岑骆"
    "闵柯饶卓温葛翁霍欧甘祝虞邝麦冼丘"
)
_PERSON_TITLES = sorted(
    """院士 教授 副教授 研究员 博士 局长 副局长 厅长 副厅长 部长 副部长 主任 副主任 所长 副所长 院长 副院长 校长 副校长
    书记 副书记 市长 副市长 省长 副省长 区长 主席 副主席 总书记 总理 董事长 总经理 总裁 首席执行官 创始人 理事长
    秘书长 会长 处长 科长 署长 司长 行政长官 特首 总监 首席科学家 主任委员 记者 通讯员 获得者 得主 团队""".split(),
    key=len,
    reverse=True,
)
_SPEECH = ("表示", "指出", "认为", "介绍", "说", "强调", "称", "谈到", "告诉")
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
_DEPENDENT_HEADS = ("秘书处",)
_PROPER_START_HEADS = ("中心",)


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


_CONNECT_WORDS = set("交沟流融畅互贯联开打直连相普精变疏卡")
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
_AFTER_NAME = (*_SPEECH_OR_TITLE, "等", "在", "曾", "的", "团队", "课题组")
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


ENGLISH_HEADS: dict[str, str] = {
    "University": "University",
    "College": "University",
    "Polytechnic": "University",
    "Laboratory": "Laboratory",
    "Laboratories": "Laboratory",
    "Lab": "Laboratory",
    "Institute": "ResearchInstitute",
    "Academy": "ResearchInstitute",
    "Centre": "ResearchInstitute",
    "Center": "ResearchInstitute",
    "Museum": "ResearchInstitute",
    "Park": "ScienceCity",
    "Science City": "ScienceCity",
    "Knowledge City": "ScienceCity",
    "Company": "Company",
    "Group": "Company",
    "Corporation": "Company",
    "Limited": "Company",
    "Ltd": "Company",
    "Holdings": "Company",
    "Inc": "Company",
    "School": "University",
    "Faculty": "University",
    "Bureau": "GovernmentBody",
    "Office": "GovernmentBody",
    "Authority": "GovernmentBody",
    "Committee": "GovernmentBody",
    "Task Force": "GovernmentBody",
    "Platform": "Program",
    "Sandbox": "Program",
    "Rail Link": "Infrastructure",
    "Station": "Infrastructure",
    "Technopole": "ScienceCity",
    "Department": "GovernmentBody",
    "Commission": "GovernmentBody",
    "Ministry": "GovernmentBody",
    "Government": "GovernmentBody",
    "Council": "GovernmentBody",
    "Forum": "Event",
    "Conference": "Event",
    "Summit": "Event",
    "Expo": "Event",
    "Fair": "Event",
    "Congress": "Event",
    "Alliance": "Alliance",
    "Association": "Alliance",
    "Society": "Alliance",
    "Federation": "Alliance",
    "Chamber of Commerce": "Alliance",
    "Organization": "InternationalOrganization",
    "Organisation": "InternationalOrganization",
    "Programme": "Program",
    "Program": "Program",
    "Plan": "Program",
    "Initiative": "Program",
    "Strategy": "Program",
    "Scheme": "Program",
    "Fund": "Program",
    "Bridge": "Infrastructure",
    "Airport": "Infrastructure",
    "Tunnel": "Infrastructure",
    "Port": "Infrastructure",
    "Cooperation Zone": "CooperationZone",
    "Zone": "CooperationZone",
    "Facility": "Facility",
    "Neutron Source": "Facility",
    "Light Source": "Facility",
    "Observatory": "Facility",
    "Supercomputing Center": "Facility",
    "Supercomputing Centre": "Facility",
    "Institute of Technology": "University",
    "Supercomputer Center": "Facility",
    "Cluster": "InnovationCluster",
}
_EN_CONNECTORS = {"of", "and", "for", "the", "&"}
_EN_LEADING = set(
    "The A An At In On For With By From To And As Since While After Before Under Through Via This That These Those "
    "Its Their Our Both Also Meanwhile Moreover".split()
)
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


_EN_TITLES = set(
    """Director Directors President Vice Deputy Dean Member Members Professor Academician Chairman Chairperson Chair Secretary
    Head Fellow Winner Founder Chief Officer Principal Provost Rector Chancellor Minister Researcher Lecturer Scientist
    Adviser Advisor Consultant Commissioner Governor Mayor Councillor Associate Assistant Executive Honorary Senior""".split()
)
_EN_POSSESSIVE = ("’s", "'s")
_EN_POSSESSIVE_NAMES = {"People’s", "People's", "Children’s", "Children's", "Women’s", "Women's", "Workers’", "Workers'"}
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
