"""Exercises on paper and on screen: the facilitator's sheet, the play screen,
the debrief (text and Markdown), the author's check, and the JSON transcript."""

from __future__ import annotations

from ..debrief import Debrief
from ..exercise import Exercise, Inject, Objective
from ..session import Position, Session, action_dict
from .common import value, wrap

PAD = "  "


def _to(ex: Exercise, inject: Inject) -> str:
    return " and ".join(ex.roles[r].name for r in inject.to) or "everyone"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def objective_check(o: Objective) -> str:
    """The objective's test in words."""
    if o.kind == "reach":
        return f"reach {o.states[0]}" + (f" by {o.by:%d %b %Y %H:%M}" if o.by else "")
    if o.kind == "never":
        return f"never {o.states[0]}"
    if o.kind == "final":
        return "end " + " or ".join(o.states)
    return f"{o.fact} ends {value(o.value)}"


def _options(inject: Inject) -> str:
    return "; ".join(f"{o.number}. {o.label}" + (" (expected)" if o.expected else "") for o in inject.options)


# --- the facilitator's sheet -------------------------------------------------------


def render_brief_markdown(ex: Exercise) -> str:
    sc = ex.scenario
    out = [
        f"# {ex.title}: facilitator's sheet",
        "",
        f"Exercise `{ex.id}` on scenario `{sc.id}` ({sc.title}). Times are local (UTC{sc.utc_offset}).",
        "",
        *([" ".join(ex.description.split()), ""] if ex.description else []),
        "## Brief for the players",
        "",
        " ".join(ex.brief.split()),
        "",
        "## Roles",
        "",
        "| role | party | brief |",
        "|---|---|---|",
    ]
    out += [f"| {r.party} | {_cell(r.name)} | {_cell(r.brief)} |" for r in ex.roles.values()]
    out += [
        "",
        "## Injects",
        "",
        "| # | time | id | to | message | expected action | options |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, i in enumerate(ex.injects, 1):
        when = f"{i.at:%d %b %H:%M}" + (f" (if {i.if_.text})" if i.if_ else "")
        out.append(
            f"| {n} | {_cell(when)} | {i.id} | {_cell(', '.join(i.to))} | {_cell(i.message)} | {_cell(i.expected)} | {_cell(_options(i))} |"
        )
    if ex.objectives:
        out += ["", "## Objectives", "", "| id | objective | check |", "|---|---|---|"]
        out += [f"| {o.id} | {_cell(o.text)} | {_cell(objective_check(o))} |" for o in ex.objectives]
    return "\n".join(out) + "\n"


CSV_COLUMNS = ("seq", "time", "inject_id", "from", "to", "method", "message", "expected_action", "objective", "options", "if")


def render_brief_csv(ex: Exercise) -> str:
    """The master scenario events list, one inject a row (RFC 4180: CRLF line ends)."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for n, i in enumerate(ex.injects, 1):
        w.writerow(
            (n, f"{i.at:%Y-%m-%d %H:%M}", i.id, i.from_, "; ".join(i.to), i.method, " ".join(i.message.split()),
             " ".join(i.expected.split()), "; ".join(i.objectives), _options(i), i.if_.text if i.if_ else "")
        )
    return buf.getvalue()


# --- the play screen ---------------------------------------------------------------


def render_opening(session: Session) -> str:
    ex = session.exercise
    sc = ex.scenario
    out = [*wrap(ex.title, ""), f"Exercise {ex.id} on scenario {sc.id} - times are local (UTC{sc.utc_offset})", ""]
    out += wrap(ex.brief, "")
    for r in ex.roles.values():
        played = "played here" if r.party in session.roles else "not played: its decisions take option 1"
        out += ["", f"{r.name} ({r.party}, {played})"]
        if r.brief:
            out += wrap(r.brief, PAD)
    return "\n".join(out) + "\n"


def render_position(pos: Position, session: Session) -> str:
    ex = session.exercise
    sc = ex.scenario
    i, s = pos.inject, pos.situation
    out = ["", f"== {pos.at:%a %d %b %H:%M}  inject {i.id}, to {_to(ex, i)} =="]
    out += wrap(f"From {i.from_} ({i.method}):", PAD)
    out += wrap(i.message, PAD)
    out.append(f"{PAD}Deal: {s.state} - {sc.states[s.state].description}")
    for role in i.to or tuple(ex.roles):
        out += _conditions(sc, s, role)
    return "\n".join(out) + "\n"


def _conditions(sc, s, party: str) -> list[str]:  # noqa: ANN001
    p = sc.parties[party]
    active = s.active.get(party, ())
    if not active:
        return [f"{PAD}{p.name}: no conditions in force"]
    env = {**s.facts, "state": s.state}
    out = [f"{PAD}{p.name}: conditions in force"]
    for cid in active:
        cond = p.conditions[cid]
        mark = "met" if cond.when.fn(env) else "NOT met"
        out += wrap(f"{cond.text} [{mark}]", PAD * 3, PAD + "  - ")
    return out


def render_state(pos: Position, session: Session) -> str:
    sc = session.exercise.scenario
    s = pos.situation
    out = [f"At {pos.at:%d %b %H:%M} the deal is {s.state}: {sc.states[s.state].description}", "Facts:"]
    out += [f"{PAD}{fid} = {value(v)}" for fid, v in s.facts.items()]
    return "\n".join(out) + "\n"


def render_all_conditions(pos: Position, session: Session) -> str:
    sc = session.exercise.scenario
    out = []
    for pid in sc.parties:
        out += _conditions(sc, pos.situation, pid)
    return "\n".join(out) + "\n"


# --- the debrief -------------------------------------------------------------------


def render_debrief_text(d: Debrief) -> str:
    ex = d.exercise
    out = ["", "=" * 30 + " Debrief " + "=" * 30, *wrap(ex.title, "")]
    out += ["", "Objectives"]
    if not d.objectives:
        out.append(f"{PAD}(none)")
    for r in d.objectives:
        out += wrap(f"{r.objective.text} ({objective_check(r.objective)})", PAD * 3, f"{PAD}[{'met' if r.met else 'not met'}] ")
        out += wrap(r.why, PAD * 3, PAD * 3)
    out += ["", "Path"]
    out += wrap(" > ".join(d.trace.path), " " * 11, f"{PAD}players: ")
    out += wrap(" > ".join(d.historical.path), " " * 11, f"{PAD}history: ")
    out += wrap(_divergence(d), PAD, PAD)
    out += ["", "Decisions"]
    if not d.decisions:
        out.append(f"{PAD}(none)")
    for r in d.decisions:
        out += wrap(f"{r.inject.id}: {r.option.number}. {r.option.label}" + (" (nobody played this role)" if r.by == "default" else ""), PAD * 2, PAD)
        out += wrap(f"consequence: {r.consequence}", PAD * 3, PAD * 2)
        if r.option.debrief:
            out += wrap(f"note: {r.option.debrief}", PAD * 3, PAD * 2)
    out += ["", "Expected actions"]
    if not any(r.inject.expected for r in d.injects):
        out.append(f"{PAD}(none)")
    for r in d.injects:
        if r.inject.expected:
            out += wrap(f"{r.inject.id}: {r.inject.expected}", PAD * 2, PAD)
            out += wrap(r.verdict, PAD * 3, PAD * 2)
    return "\n".join(out) + "\n"


def _divergence(d: Debrief) -> str:
    if d.fork is None:
        if d.trace.path == d.historical.path and d.differences == 0:
            return "The deal took the historical path, at the same times."
        return f"Same path as history; {d.differences} event(s) went differently."
    f = d.fork
    theirs = f"{f.variant.from_state} -> {f.variant.to_state}" if f.variant else "(did not happen)"
    hist = f"{f.baseline.from_state} -> {f.baseline.to_state}" if f.baseline else "(did not happen)"
    return f"Paths part at {f.at:%d %b %H:%M}, event {f.event}: players {theirs}; history {hist}."


def render_debrief_markdown(d: Debrief) -> str:
    ex = d.exercise
    out = [f"# Debrief: {ex.title}", "", f"Exercise `{ex.id}`; roles played: {', '.join(d.roles)}.", "", "## Objectives", ""]
    out += ["| objective | check | result | why |", "|---|---|---|---|"]
    out += [
        f"| {_cell(r.objective.text)} | {_cell(objective_check(r.objective))} | {'met' if r.met else 'not met'} | {_cell(r.why)} |"
        for r in d.objectives
    ]
    out += ["", "## Path", "", f"- Players: {' > '.join(d.trace.path)}", f"- History: {' > '.join(d.historical.path)}", ""]
    out += [_divergence(d), "", "## Decisions", ""]
    if not d.decisions:
        out.append("No decisions were taken.")
    for r in d.decisions:
        out.append(f"- **{r.inject.id}** ({r.at:%d %b %H:%M}): {r.option.number}. {_cell(r.option.label)}")
        out.append(f"  - Consequence: {r.consequence}")
        if r.option.debrief:
            out.append(f"  - Note: {_cell(r.option.debrief)}")
    out += ["", "## Expected actions", "", "| inject | expected | what happened |", "|---|---|---|"]
    out += [f"| {r.inject.id} | {_cell(r.inject.expected)} | {_cell(r.verdict)} |" for r in d.injects if r.inject.expected]
    return "\n".join(out) + "\n"


# --- the transcript ------------------------------------------------------------------


def transcript_dict(session: Session, d: Debrief) -> dict[str, object]:
    """The documented shape of docs/reference/transcript-json.md, keys in that order."""
    from .. import __version__
    from ..trace import to_dict

    ex = session.exercise
    f = d.fork
    return {
        "negsim_version": __version__,
        "exercise": ex.id,
        "title": ex.title,
        "exercise_sha256": ex.sha256,
        "scenario": ex.scenario.id,
        "roles": list(session.roles),
        "actions": [action_dict(a) for a in session.actions],
        "decisions": [
            {
                "inject": r.inject.id,
                "at": r.at.isoformat(),
                "option": r.option.number,
                "label": r.option.label,
                "expected": r.option.expected,
                "by": r.by,
                "consequence": r.consequence,
            }
            for r in d.decisions
        ],
        "injects": [
            {"inject": r.inject.id, "status": r.status, "option": r.option.number if r.option else None, "expected": r.inject.expected, "verdict": r.verdict}
            for r in d.injects
        ],
        "objectives": [{"id": r.objective.id, "text": r.objective.text, "met": r.met, "why": r.why} for r in d.objectives],
        "historical_path": list(d.historical.path),
        "divergence": None if f is None else {"at": f.at.isoformat(), "event": f.event},
        "trace": to_dict(d.trace),
    }


def transcript_json(session: Session, d: Debrief) -> str:
    import json

    return json.dumps(transcript_dict(session, d), indent=2, ensure_ascii=True) + "\n"


# --- the author's check --------------------------------------------------------------


def render_check_text(report) -> str:  # noqa: ANN001 - exercise_check.Report
    ex = report.exercise
    out = [
        *wrap(ex.title, ""),
        f"{report.combinations} combination(s) of choices, {len(report.branches)} branch(es) after merging runs that "
        f"converge ({report.runs} run(s))",
        "",
    ]
    for n, b in enumerate(report.branches, 1):
        choices = ", ".join(f"{iid}={num}" for iid, num in b.choices) or "(no choices)"
        out += wrap(choices, " " * 5, f"{n:>3}. ")
        out += wrap(f"ends {b.trace.final_state}: {' > '.join(b.trace.path)}", " " * 7, " " * 5)
        met = [r.objective.id for r in b.objectives if r.met]
        out += wrap(f"objectives met: {', '.join(met) or 'none'}", " " * 7, " " * 5)
        if b.combinations > 1:
            out.append(f"     ({b.combinations} combinations of choices end here)")
    endings: dict[str, int] = {}
    for b in report.branches:
        endings[b.trace.final_state] = endings.get(b.trace.final_state, 0) + 1
    out += ["", "Endings: " + ", ".join(f"{state} ({n})" for state, n in endings.items())]
    return "\n".join(out) + "\n"


def check_problems(report) -> list[str]:  # noqa: ANN001
    """Authoring problems as FILE:LINE:COL lines."""
    ex = report.exercise
    out = []
    for iid, number, other in report.dead_options:
        inject = ex.inject(iid)
        option = inject.options[number - 1]
        out.append(f"{option.loc}: option {number} of inject '{iid}' changes nothing: every run that takes it joins option {other}")
    for iid in report.unreached:
        inject = ex.inject(iid)
        why = f" ('if: {inject.if_.text}' never holds)" if inject.if_ else ""
        out.append(f"{inject.loc}: no branch reaches inject '{iid}'{why}")
    for oid in report.unmet:
        o = next(o for o in ex.objectives if o.id == oid)
        out.append(f"{o.loc}: no branch meets objective '{oid}' ({objective_check(o)})")
    if report.stopped:
        out.append(f"{ex.path}: stopped after {report.runs} runs; the exercise has too many combinations to check them all")
    return out
