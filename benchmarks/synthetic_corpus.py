"""Write a synthetic corpus of any total size that makes extraction do real work.

Sentences are built from the data file of known entities and from invented names of the same
shapes (a place or person stem plus a head noun: …实验室, …研究院, …大学, …科学城, …合作区), joined by
the relation cues the rules look for (位于, 与…合作共建, 由…主办, 为港澳用户提供…), between sentences of
policy prose that name nothing (加快推进成果转化机制建设…), as reports do: by default 60 % of the
characters, which gives the development corpus's density of about 0.03 mentions per character
(``--prose 0`` writes only entity sentences, 2.6 times as dense). A third of the documents are in
traditional script (OpenCC), and lines are broken PDF-style inside sentences.

    .venv/bin/python benchmarks/synthetic_corpus.py OUT_DIR [--mb 10] [--documents 3000] [--prose 0.6] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.known import DEFAULT_DATA_FILE, load_known  # noqa: E402

STEMS = "南山 北辰 东湖 西岭 青云 海珠 松湖 明珠 鹏程 横岭 前湾 金沙 银河 天河 翠亨 白云 濠江 琴澳 沙田 荃湾".split()
HEADS = ["实验室", "研究院", "研究所", "大学", "科学城", "合作区", "科技园", "创新中心", "装置", "论坛"]
FIELDS = "材料 人工智能 海洋 生命科学 量子 半导体 新能源 智能制造 生物医药 空天".split()
SURNAMES = "王 李 张 刘 陈 杨 黄 赵 周 吴".split()
GIVEN = "明 华 建国 志强 晓东 丽 伟 海涛 家豪 嘉欣".split()
TEMPLATES = [
    "{a}位于{city}，是{region}重要的科研平台。",
    "{a}与{b}合作共建{c}，推动科技资源共享。",
    "{event}由{a}主办，{b}承办，来自{country}的学者参加。",
    "{a}已为港澳用户提供科研服务，并向{b}开放。",
    "{person}院士表示，{a}将在{city}建设{c}。",
    "{a}依托{b}，聚焦{field}领域开展研究。",
    "2024年，{a}获得{b}拨付的经费支持。",
]

OPENERS = "加快 深入推进 持续完善 着力构建 积极探索 全面提升 统筹推进 进一步优化 不断深化 大力支持".split()
SUBJECTS = (
    "科技创新体系 成果转化机制 人才引进政策 知识产权保护 跨境数据流动规则 产学研协同机制 科研经费管理办法 "
    "创新生态环境 要素便捷流动 基础研究投入 国际科技交流 营商环境 金融服务体系 公共服务平台 评价激励制度"
).split()
TAILS = [
    "，形成可复制可推广的经验。",
    "，为高质量发展提供有力支撑。",
    "，不断提升区域创新能力和竞争力。",
    "，营造鼓励探索、宽容失败的良好氛围。",
    "建设。",
    "，推动规则衔接和机制对接。",
    "，着力解决制约发展的突出问题。",
]


def prose(rng: random.Random) -> str:
    """A sentence of policy prose naming no entity."""
    return f"{rng.choice(OPENERS)}{rng.choice(SUBJECTS)}{rng.choice(TAILS)}"


def invented(rng: random.Random, head: str) -> str:
    return f"{rng.choice(STEMS)}{rng.choice(FIELDS)}{head}"


def sentence(rng: random.Random, known: dict[str, list[str]]) -> str:
    def pick(*types: str) -> str:
        names = [n for t in types for n in known.get(t, [])]
        if names and rng.random() < 0.6:
            return rng.choice(names)
        return invented(rng, rng.choice(HEADS[:8]))

    return rng.choice(TEMPLATES).format(
        a=pick("Laboratory", "Facility", "University", "ResearchInstitute"),
        b=pick("University", "Company", "ResearchInstitute", "GovernmentBody"),
        c=invented(rng, rng.choice(["联合实验室", "创新中心", "研究院"])),
        city=rng.choice(known.get("City") or ["深圳"]),
        region=rng.choice(known.get("Region") or ["粤港澳大湾区"]),
        country=rng.choice(known.get("Country") or ["新西兰"]),
        event=f"{rng.randint(2019, 2026)}{rng.choice(STEMS)}{rng.choice(FIELDS)}论坛",
        person=rng.choice(SURNAMES) + rng.choice(GIVEN),
        field=rng.choice(FIELDS),
    )


def broken(text: str, rng: random.Random) -> str:
    out, line = [], 0
    for ch in text:
        out.append(ch)
        line += 1
        if line >= rng.randint(28, 40) and ch not in "。！？":
            out.append("\n")
            line = 0
    return "".join(out)


def write_corpus(out_dir: Path, total_bytes: int, documents: int, seed: int = 0, prose_share: float = 0.6) -> list[Path]:
    """``documents`` files of about ``total_bytes`` bytes of UTF-8 in all (a Chinese character takes
    three), about ``prose_share`` of it prose naming no entity; returns their paths."""
    if not 0 <= prose_share < 1:
        raise ValueError(f"prose share must be in [0, 1), not {prose_share}")
    import opencc

    rng = random.Random(seed)
    known: dict[str, list[str]] = {}
    for entity in load_known(DEFAULT_DATA_FILE):
        known.setdefault(entity.type, []).append(entity.canonical)
    to_traditional = opencc.OpenCC("s2t")
    out_dir.mkdir(parents=True, exist_ok=True)
    per_doc = max(600, total_bytes // documents)
    paths = []
    for i in range(documents):
        title = f"{rng.choice(STEMS)}{rng.choice(FIELDS)}发展报告（{i}）\n\n"
        body, size = [], 0
        named = 0
        while size < per_doc:
            parts = []
            for _ in range(rng.randint(3, 6)):
                if named > (1 - prose_share) * size:
                    parts.append(prose(rng))
                else:
                    parts.append(sentence(rng, known))
                    named += len(parts[-1].encode("utf-8"))
                size += len(parts[-1].encode("utf-8"))
            paragraph = "".join(parts)
            body.append(broken(paragraph, rng))
        text = title + "\n\n".join(body) + "\n"
        if i % 3 == 2:
            text = to_traditional.convert(text)
        path = out_dir / f"syn_{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--mb", type=float, default=10.0, help="total size in megabytes (10^6 bytes) of UTF-8")
    parser.add_argument("--documents", type=int, default=3000)
    parser.add_argument("--prose", type=float, default=0.6, help="share of the text that is prose naming no entity")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = write_corpus(args.out, int(args.mb * 1_000_000), args.documents, args.seed, args.prose)
    chars = sum(len(p.read_text(encoding="utf-8")) for p in paths)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} documents, {size} bytes, {chars} characters, into {args.out}")


if __name__ == "__main__":
    main()
