"""Geometry for the results chart, drawn as inline SVG by templates/mandate/includes/chart.html.

Bars run from 0 to the score on a scale of 0 to 3, with lines at the three levels. The chart is
an image with a title and description; the data table beside it carries the same figures.
"""

from dataclasses import dataclass

from .selectors import RoundResults

LABEL_WIDTH = 230
PLOT_WIDTH = 480
RIGHT_PAD = 50
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 18
TOP = 30
MAX_SCORE = 3
SERIES = (
    ("overall", "Whole council", "mandate-bar--overall"),
    ("officers", "Officers' view", "mandate-bar--officers"),
    ("members", "Members' view", "mandate-bar--members"),
)


@dataclass
class Bar:
    label: str
    css: str
    x: int
    y: int
    width: float
    height: int
    value: str


@dataclass
class Group:
    label: str
    y: float
    bars: list[Bar]


def _x(score: float) -> float:
    return LABEL_WIDTH + PLOT_WIDTH * score / MAX_SCORE


def results_chart(*, results: RoundResults) -> dict:
    shown = {
        "overall": True,
        "officers": results.officers_shown,
        "members": results.members_shown,
    }
    series = [s for s in SERIES if shown[s[0]]]
    groups = []
    y = TOP
    for result in results.dimensions:
        bars = []
        for key, label, css in series:
            score = getattr(result, key)
            value = score.display
            width = PLOT_WIDTH * float(value) / MAX_SCORE if value is not None else 0
            bars.append(
                Bar(
                    label=label,
                    css=css,
                    x=LABEL_WIDTH,
                    y=y + len(bars) * (BAR_HEIGHT + BAR_GAP),
                    width=round(width, 1),
                    height=BAR_HEIGHT,
                    value=str(value) if value is not None else "no answers",
                )
            )
        block = len(bars) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
        groups.append(Group(label=result.dimension.name, y=y + block / 2, bars=bars))
        y += block + GROUP_GAP
    height = y + 10
    ticks = [
        {"x": round(_x(level), 1), "label": label}
        for level, label in ((1, "Better"), (2, "Differently"), (3, "New"))
    ]
    return {
        "width": LABEL_WIDTH + PLOT_WIDTH + RIGHT_PAD,
        "height": height,
        "plot_top": TOP - 8,
        "plot_bottom": height - 10,
        "label_x": LABEL_WIDTH - 8,
        "groups": groups,
        "ticks": ticks,
        "series": series,
    }
