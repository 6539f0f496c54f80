"""`negsim sweep` output: tables for people, JSON for scripts.

Grid points are columns, side by side; without a grid there is one column.
Tables are cut into groups of columns that fit in 80 columns.
"""

from __future__ import annotations

import json
from datetime import datetime

from ..sweep import PointResult, Share, SweepResult
from ..trace import Block
from .common import WIDTH, wrap

CELL = 20  # "100.0% (99.96-100)" and two spaces
LABEL = (16, 34)  # the label column's least and greatest width


def render_sweep_text(result: SweepResult) -> str:
    sc = result.scenario
    pts = result.points
    n = result.runs
    out = [*wrap(sc.title, "")]
    out += wrap(
        f"{sc.id} - {n:,} run{'s' if n != 1 else ''}{' per grid point' if len(pts) > 1 else ''} - seed {result.seed}"
        f" - times are local (UTC{sc.utc_offset})",
        "  ",
        "",
    )
    for label in sc.applied:
        out += wrap(label, "      ", "  what-if: ")
    drawn = result.drawn
    out += wrap("; ".join(drawn), "      ", "  drawn: ") if drawn else ["  drawn: nothing (every run is the same)"]
    if not result.complete:
        if not any(p.runs for p in pts):
            return "\n".join([*out, "", "INTERRUPTED before any run finished."]) + "\n"
        covered = ", ".join(f"{p.runs:,}" for p in pts)
        out += ["", *wrap(f"INTERRUPTED: the tables cover the runs that finished ({covered}).", "")]
    if len(pts) > 1:
        out += ["", "Grid points:"]
        for i, p in enumerate(pts):
            out += wrap(p.label, "      ", f"  {_letter(i):>2}  ")
    heads = [_letter(i) if len(pts) > 1 else "all runs" for i in range(len(pts))]

    states = [s for s in sc.states if any(s in dict(p.finals) for p in pts)]
    out += _table("Final state", "share of runs (95% interval)", heads, states, [dict(p.finals) for p in pts], _share_ci)
    visited = [s for s in sc.states if any(s in dict(p.visits) for p in pts)]
    out += _table("States visited", "share of runs", heads, visited, [dict(p.visits) for p in pts], _share)
    if result.reach is not None:
        out += _reach(result.reach, heads, pts)
    out += _blockers(heads, pts)
    return "\n".join(out) + "\n"


def _letter(i: int) -> str:
    return chr(ord("A") + i) if i < 26 else f"P{i + 1}"


def _share(s: Share | None) -> str:
    return "-" if s is None else _pct(s.share)


def _share_ci(s: Share | None) -> str:
    return "-" if s is None else f"{_pct(s.share)} ({_num(s.low)}-{_num(s.high)})"


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _num(x: float) -> str:
    """An interval's end in percent: one decimal, or two where one would round it onto 0 or 100."""
    v = x * 100
    if v in (0.0, 100.0):
        return f"{v:.0f}"
    one = f"{v:.1f}"
    return f"{v:.2f}" if one in ("0.0", "100.0") else one


def _table(title: str, what: str, heads: list[str], rows: list, cells: list[dict], fmt) -> list[str]:  # noqa: ANN001
    """Rows labelled on the left, one column per grid point, cut into groups that fit the width."""
    label = min(max([LABEL[0], *(len(str(r)) + 2 for r in rows)]), LABEL[1])
    per = max(1, (WIDTH - 2 - label) // CELL)
    out: list[str] = []
    for a in range(0, len(heads), per):
        group = range(a, min(a + per, len(heads)))
        out += ["", f"{title} - {what}"]
        out.append(f"  {'':<{label}}" + "".join(f"{heads[i]:<{CELL}}" for i in group).rstrip())
        for row in rows:
            name = _fit(str(row), label - 1)
            out.append(f"  {name:<{label}}" + "".join(f"{fmt(cells[i].get(row)):<{CELL}}" for i in group).rstrip())
    return out


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _reach(state: str, heads: list[str], pts: tuple[PointResult, ...]) -> list[str]:
    rows = ["reached", "first reached, 25%", "median", "75%"]
    cells = []
    for p in pts:
        c: dict[str, object] = {"reached": p.reached}
        if p.reach_times:
            c.update(zip(rows[1:], p.reach_times))
        cells.append(c)

    def fmt(v: object) -> str:
        if v is None:
            return "-"
        if isinstance(v, datetime):
            return f"{v:%d %b %H:%M}"
        return _share_ci(v)  # type: ignore[arg-type]

    return _table(f"Reaching {state}", "share of runs, and when (local time)", heads, rows, cells, fmt)


def _blockers(heads: list[str], pts: tuple[PointResult, ...]) -> list[str]:
    shares: dict[Block, list[Share | None]] = {}
    for i, p in enumerate(pts):
        for block, share in p.blocked:
            shares.setdefault(block, [None] * len(pts))[i] = share
    if not shares:
        return ["", "Blocked steps: none in any run"]
    order = sorted(shares, key=lambda b: (-max(s.share for s in shares[b] if s), _ref(b)))
    cells = [{_ref(b): shares[b][i] for b in order} for i in range(len(pts))]
    out = _table("Blocked a step", "share of runs in which it blocked at least one", heads, [_ref(b) for b in order], cells, _share)
    out += ["", "What each blocker is:"]
    for b in order:
        out += wrap(f"{_ref(b)}: {b.text} [{b.when}]", "      ", "  ")
    return out


def _ref(b: Block) -> str:
    return f"{b.party}.{b.condition}" if b.party else f"guard ({b.when})"


# --- JSON -----------------------------------------------------------------------


def sweep_dict(result: SweepResult) -> dict[str, object]:
    """The sweep as JSON-ready data (see docs/reference/sweep-json.md), keys in a fixed order."""
    from .. import __version__

    sc = result.scenario
    return {
        "negsim_version": __version__,
        "scenario": sc.id,
        "title": sc.title,
        "scenario_sha256": sc.sha256,
        "utc_offset": sc.utc_offset,
        "whatifs": list(sc.applied),
        "drawn": list(result.drawn),
        "runs": result.runs,
        "seed": result.seed,
        "reach": result.reach,
        "complete": result.complete,
        "points": [_point(p) for p in result.points],
    }


def _point(p: PointResult) -> dict[str, object]:
    return {
        "label": p.label,
        "set": {fid: v for fid, v in p.sets},
        "runs": p.runs,
        "final_states": [{"state": s, **_share_dict(x)} for s, x in p.finals],
        "visited": [{"state": s, **_share_dict(x)} for s, x in p.visits],
        "reach": None
        if p.reached is None
        else {
            **_share_dict(p.reached),
            "first_reached": None
            if p.reach_times is None
            else dict(zip(("q1", "median", "q3"), (t.isoformat() for t in p.reach_times))),
        },
        "blocked": [
            {"party": b.party, "condition": b.condition, "text": b.text, "when": b.when, **_share_dict(x)}
            for b, x in p.blocked
        ],
    }


def _share_dict(s: Share) -> dict[str, object]:
    return {"runs": s.count, "share": round(s.share, 6), "ci95": [round(s.low, 6), round(s.high, 6)]}


def render_sweep_json(result: SweepResult) -> str:
    return json.dumps(sweep_dict(result), indent=2, ensure_ascii=True) + "\n"

