"""Charts of the centrality report, drawn with matplotlib (Agg) as PNG bytes for embedding.

Chinese labels need a CJK font: the first one found of ``CJK_FAMILIES`` (``make`` installs Debian's
``fonts-wqy-microhei``). Without one, labels fall back to English names or ranks, never to boxes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import GbaKgError

__all__ = ["CJK_FAMILIES", "TYPE_COLOURS", "bar_chart", "chart_label", "cjk_font"]

CJK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)

TYPE_COLOURS = {
    "Region": "#8dd3c7",
    "City": "#1f78b4",
    "District": "#a6cee3",
    "Country": "#6a3d9a",
    "CooperationZone": "#33a02c",
    "ScienceCity": "#b2df8a",
    "Laboratory": "#e31a1c",
    "Facility": "#fb9a99",
    "University": "#ff7f00",
    "ResearchInstitute": "#fdbf6f",
    "Company": "#b15928",
    "GovernmentBody": "#cab2d6",
    "InternationalOrganization": "#ffff99",
    "Alliance": "#bc80bd",
    "Event": "#fccde5",
    "Program": "#d9d9d9",
    "InnovationCluster": "#80b1d3",
    "Infrastructure": "#bebada",
    "Person": "#ccebc5",
}


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise GbaKgError("matplotlib is not installed", hint="pip install matplotlib") from None
    matplotlib.use("Agg", force=True)
    return matplotlib


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed font that draws Chinese, or ``None``."""
    _matplotlib()
    from matplotlib import font_manager

    def known() -> str | None:
        installed = {f.name for f in font_manager.fontManager.ttflist}
        return next((family for family in CJK_FAMILIES if family in installed), None)

    found = known()
    if found is None:  # installed after matplotlib cached its font list
        for path in sorted(font_manager.findSystemFonts()):
            if re.search(r"wqy|cjk|droidsansfallback|uming|sourcehan", Path(path).name, re.I):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        found = known()
    return found


def chart_label(labels: dict[str, str], fallback: str, *, cjk: bool) -> str:
    """What a chart can draw: the Chinese label with a CJK font, else the English label or ``fallback``.

    Examples
    --------
    >>> chart_label({"zh-Hans": "东莞", "en": "Dongguan"}, "#3", cjk=False), chart_label({"zh-Hans": "东莞"}, "#3", cjk=False)
    ('Dongguan', '#3')
    """
    if cjk:
        return labels.get("zh-Hans") or labels.get("en") or next(iter(labels.values()), fallback)
    text = labels.get("en") or next((v for v in labels.values() if v.isascii()), "")
    return text or fallback


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    xlabel: str,
    colours: Sequence[str] | None = None,
    font: str | None = None,
) -> bytes:
    """A horizontal bar chart, the first bar on top, as PNG bytes (no timestamp, same input same bytes)."""
    matplotlib = _matplotlib()
    from matplotlib.figure import Figure

    params = {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "svg.hashsalt": "gbakg"}
    with matplotlib.rc_context(params):
        fig = Figure(figsize=(8, 0.35 * max(len(labels), 3) + 1.2), dpi=100)
        ax = fig.add_subplot()
        positions = list(range(len(labels)))[::-1]
        ax.barh(positions, list(values), color=list(colours) if colours else "#1f78b4", edgecolor="#333333", linewidth=0.4)
        ax.set_yticks(positions, labels=list(labels))
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()
