"""``gbakg build`` end to end on a synthetic corpus, then again after one document changed.

    .venv/bin/python benchmarks/build_scale.py [--mb 10] [--documents 3000] [--jobs 0] [--seed 0]

Writes the corpus (``benchmarks/synthetic_corpus.py``), runs ``gbakg build`` in a subprocess and
prints its wall time and peak memory (the largest sum over the build's process tree, sampled every
0.2 s, of proportional set sizes, which count a page shared by forked processes once, and of resident
sizes, which count it in every process) against the 120 s / 3 GB targets. Then, ``--rebuilds``
times, it adds a sentence to another document and times the incremental rebuild alone (target 10 s;
no memory sampling, which takes CPU from the build), and once more with memory sampled.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic_corpus import write_corpus  # noqa: E402


def _pss(pid: int) -> int:
    """Proportional set size: resident bytes with each page shared by n processes counted 1/n."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _tree_memory(pid: int) -> tuple[int, int]:
    """(summed resident bytes, summed proportional bytes) of a process and all its descendants, from
    /proc. Forked validators share the build's pages copy-on-write: the RSS sum counts those pages
    once per process, the PSS sum once in all."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total_rss = total_pss = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        total_rss += rss.get(p, 0)
        total_pss += _pss(p) if p in rss else 0
        todo.extend(children.get(p, []))
    return total_rss, total_pss


def timed_build(corpus: Path, out: Path, jobs: int, *, sample: bool = True) -> tuple[float, int, int, str]:
    """Wall time, peak PSS sum and peak RSS sum of ``gbakg build``, and its "built ..." line.
    Reading PSS costs the kernel about 30 ms per gigabyte mapped, every 0.2 s: CPU the build then
    lacks on a small machine. ``sample=False`` times the build alone (memory figures are 0)."""
    command = [str(ROOT / ".venv" / "bin" / "gbakg"), "build", "--corpus", str(corpus), "--out", str(out), "--jobs", str(jobs)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak_rss = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_rss, peak_pss
        while sample and not done.is_set():
            rss, pss = _tree_memory(process.pid)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"gbakg build failed ({process.returncode}):\n{output}")
    built = next((line for line in output.splitlines() if line.startswith("built ")), "")
    return elapsed, peak_pss, peak_rss, built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=10.0, help="total size in megabytes (10^6 bytes) of UTF-8")
    parser.add_argument("--documents", type=int, default=3000)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--prose", type=float, default=0.6, help="share of the text that is prose naming no entity")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rebuilds", type=int, default=3, help="timed rebuilds, each after another document changed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
        paths = write_corpus(corpus, int(args.mb * 1_000_000), args.documents, seed=args.seed, prose_share=args.prose)
        chars = sum(len(p.read_text(encoding="utf-8")) for p in paths)
        print(f"corpus: {len(paths)} documents, {chars} characters, {sum(p.stat().st_size for p in paths)} bytes")
        elapsed, pss, rss, built = timed_build(corpus, out, args.jobs)
        print(
            f"full build: {elapsed:.1f} s (target <= 120 s), peak memory {pss / 1e9:.2f} GB PSS (target <= 3 GB), "
            f"{rss / 1e9:.2f} GB RSS summed over the process tree"
        )
        print(f"  {built}")
        times = []
        for i, changed in enumerate(paths[len(paths) // 2 :][: args.rebuilds + 1]):
            added = f"\n北辰材料实验室{i}位于深圳，与香港大学合作。\n"
            changed.write_text(changed.read_text(encoding="utf-8") + added, encoding="utf-8")
            if i < args.rebuilds:  # timed alone
                elapsed, _, _, built = timed_build(corpus, out, args.jobs, sample=False)
                times.append(elapsed)
                continue
            _, pss, rss, built = timed_build(corpus, out, args.jobs)  # memory, sampled
        print(
            f"rebuild after 1 of {len(paths)} documents changed (another each time): "
            f"{' '.join(f'{t:.1f}' for t in times)} s, median {sorted(times)[len(times) // 2]:.1f} s (target <= 10 s); "
            f"sampled once more: peak {pss / 1e9:.2f} GB PSS, {rss / 1e9:.2f} GB RSS summed"
        )
        print(f"  {built}")


if __name__ == "__main__":
    main()
