"""Warnings beyond validity: parts of a valid scenario that do nothing, or rest on nothing.

``negsim validate`` says whether a file can run; :func:`lint` says where a
file that runs is probably not what its author meant: a fact no guard
reads, a condition no step ever checks, a party whose consent is never
asked, a state no timeline event can lead to, an event with no quote, a
quote that is not in the source, a trigger whose guards can never hold.
Each warning is a :class:`~negsim.errors.Problem` located in the file.

The analysis is static and deliberately simple: "can ever hold" means "holds
for some combination of the values the file gives each fact" (its starting
value and every value a timeline event sets), which is what a replay can
see; what-ifs and levers may reach further, and are not considered.
"""

from __future__ import annotations

import itertools

from .errors import Loc, Problem
from .guards import Guard, GuardRuntimeError
from .model import Event, FactValue, Scenario, Transition
from .scenario import reachable_states
from .yamlsource import Map, Node, Scalar, Seq

MAX_COMBINATIONS = 4096  # beyond this many fact combinations a guard is assumed satisfiable


def lint(scenario: Scenario, nodes: Node | None = None) -> list[Problem]:
    """Every warning for ``scenario``, sorted by place in the file.

    ``nodes`` is the file's parsed YAML (:func:`negsim.yamlsource.load`); with
    it, a quote that is not in the source is pointed at exactly.
    """
    sc = scenario
    out: list[Problem] = []
    values = _possible_values(sc)
    tried = _tried_triggers(sc)
    out += _facts(sc)
    out += _parties_and_conditions(sc, tried)
    out += _states(sc, tried)
    out += _cites(sc, nodes)
    out += _dead_triggers(sc, values, tried)
    return sorted(dict.fromkeys(out), key=lambda p: (p.loc.line, p.loc.col, p.message))


def format_warning(p: Problem) -> str:
    return f"{p.loc}: warning: {p.message}"


# --- facts ---------------------------------------------------------------------


def _guards(sc: Scenario) -> list[Guard]:
    out = [c.when for p in sc.parties.values() for c in p.conditions.values()]
    out += [t.when for t in sc.transitions if t.when is not None]
    out += [e.if_ for e in sc.timeline if e.if_ is not None]
    return out


def _facts(sc: Scenario) -> list[Problem]:
    read = set().union(*(g.reads for g in _guards(sc)))
    changed = {fid for e in sc.timeline for fid, _ in e.set}
    out = []
    for f in sc.facts.values():
        if f.id not in read:
            out.append(Problem(f.loc, f"fact '{f.id}' is never read by any guard; use it in a 'when' or 'if', or delete it"))
        elif f.id not in changed and not f.levers:
            out.append(
                Problem(
                    f.loc,
                    f"fact '{f.id}' is never changed by any event, so every guard reading it sees {_show(f.value)}; "
                    "set it in an event, or give it levers if only what-ifs should change it",
                )
            )
    return out


# --- parties and conditions ------------------------------------------------------


def _tried_triggers(sc: Scenario) -> list[tuple[Event, str]]:
    """(event, trigger) for every trigger the timeline tries, in time order."""
    return [(e, t) for e in sc.timeline for t in (e.trigger, e.otherwise) if t is not None]


def _parties_and_conditions(sc: Scenario, tried: list[tuple[Event, str]]) -> list[Problem]:
    out = []
    needs = {p: {t.trigger for t in sc.transitions if p in t.consent} for p in sc.parties}
    order = {e.id: n for n, e in enumerate(sc.timeline)}
    for party in sc.parties.values():
        if not needs[party.id]:
            out.append(
                Problem(
                    party.loc,
                    f"party '{party.id}' consents to no transition, so its conditions never block anything; "
                    "add it to a transition's 'consent' or delete it",
                )
            )
            continue
        asked = [e for e, t in tried if t in needs[party.id]]
        for cond in party.conditions.values():
            added = [e for e in sc.timeline if (party.id, cond.id) in e.add_conditions]
            if not cond.active and not added:
                out.append(
                    Problem(
                        cond.loc,
                        f"condition '{cond.ref}' starts inactive and no event adds it, so no step ever checks it; "
                        "add it in an event's add_conditions, or drop 'active: false'",
                    )
                )
                continue
            start = 0 if cond.active else order[added[0].id]
            if not any(order[e.id] >= start for e in asked):
                after = "" if cond.active else f" at or after '{added[0].id}', which adds it,"
                out.append(
                    Problem(
                        cond.loc,
                        f"condition '{cond.ref}' is never checked: no timeline event{after} tries a step that needs "
                        f"'{party.id}' to consent ({', '.join(sorted(needs[party.id]))})",
                    )
                )
    return out


# --- states ----------------------------------------------------------------------


def _states(sc: Scenario, tried: list[tuple[Event, str]]) -> list[Problem]:
    names = {t for _, t in tried}
    seen = reachable_states([t for t in sc.transitions if t.trigger in names], sc.initial)
    return [
        Problem(
            s.loc,
            f"state '{s.id}' cannot be reached by the triggers the timeline tries; "
            "no replay of this file ends up there (only what-ifs that add events can)",
        )
        for s in sc.states.values()
        if s.id not in seen
    ]


# --- cites -----------------------------------------------------------------------


def _normal(text: str) -> str:
    return " ".join(text.split())


def _cites(sc: Scenario, nodes: Node | None) -> list[Problem]:
    if not sc.sources:
        return []
    out = []
    texts = []
    for source in sc.sources:
        if source.file:
            with open(source.file, encoding="utf-8", errors="replace") as fh:  # a bad byte only fails its quote
                texts.append(_normal(fh.read()))
    where = _cite_nodes(nodes)
    for event in sc.timeline:
        if not event.cite:
            out.append(Problem(event.loc, f"event '{event.id}' has no cite, but the scenario has sources; quote the words it rests on"))
            continue
        if not texts:
            continue
        for n, quote in enumerate(event.cite):
            q = _normal(quote)
            if any(q in t for t in texts):
                continue
            locs = where.get(event.id, ())
            loc = locs[n] if n < len(locs) else event.loc
            out.append(Problem(loc, f"cite of event '{event.id}' is not word for word in the source files{_diverges(q, texts)}"))
    return out


def _diverges(quote: str, texts: list[str]) -> str:
    """Where a quote stops matching: the longest start of it found in a source."""
    lo, hi = 0, len(quote)  # quote[:lo] is found, quote[:hi+1] is not
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if any(quote[:mid] in t for t in texts):
            lo = mid
        else:
            hi = mid - 1
    if lo < 10:
        return ""
    tail = quote[max(0, lo - 30) : lo]
    return f"; it matches as far as '...{tail}' and then differs at '{quote[lo : lo + 20]}'"


def _cite_nodes(nodes: Node | None) -> dict[str, tuple[Loc, ...]]:
    """Event id → the location of each of its cite quotes, from the parsed file."""
    out: dict[str, tuple[Loc, ...]] = {}
    timeline = nodes.get("timeline") if isinstance(nodes, Map) else None
    for item in timeline.items if isinstance(timeline, Seq) else ():
        if not isinstance(item, Map):
            continue
        eid, cite = item.get("id"), item.get("cite")
        if isinstance(eid, Scalar) and cite is not None:
            items = cite.items if isinstance(cite, Seq) else (cite,)
            out[str(eid.value)] = tuple(n.loc for n in items)
    return out


# --- triggers that can never fire --------------------------------------------------


def _possible_values(sc: Scenario) -> dict[str, tuple[FactValue, ...]]:
    values: dict[str, list[FactValue]] = {f.id: [f.value] for f in sc.facts.values()}
    for e in sc.timeline:
        for fid, v in e.set:
            if v not in values[fid]:
                values[fid].append(v)
    return {k: tuple(v) for k, v in values.items()}


def _can_hold(guard: Guard, values: dict[str, tuple[FactValue, ...]], states: tuple[str, ...]) -> bool:
    names = sorted(n for n in guard.reads if n != "state")
    pools = [values.get(n, ()) for n in names]
    size = len(states)
    for pool in pools:
        size *= max(len(pool), 1)
    if size > MAX_COMBINATIONS:
        return True
    for state in states:
        for combo in itertools.product(*pools):
            env: dict[str, object] = dict(zip(names, combo))
            env["state"] = state
            try:
                if guard(env):
                    return True
            except GuardRuntimeError:
                continue
    return False


def _why_never(t: Transition, sc: Scenario, values: dict[str, tuple[FactValue, ...]]) -> str | None:
    if t.when is not None and not _can_hold(t.when, values, t.sources):
        return f"its guard '{t.when.text}' is false for every value the timeline gives its facts"
    dropped = {c for e in sc.timeline for c in e.drop_conditions}
    for pid in t.consent:
        for cond in sc.parties[pid].conditions.values():
            if cond.active and (pid, cond.id) not in dropped and not _can_hold(cond.when, values, t.sources):
                return (
                    f"condition '{cond.ref}' ('{cond.when.text}') never holds for the values the timeline gives "
                    "its facts, and no event drops it"
                )
    return None


def _dead_triggers(sc: Scenario, values: dict[str, tuple[FactValue, ...]], tried: list[tuple[Event, str]]) -> list[Problem]:
    out = []
    names = {t for _, t in tried}
    for trigger in sc.triggers:
        if trigger not in names:
            continue
        transitions = [t for t in sc.transitions if t.trigger == trigger]
        reasons = [_why_never(t, sc, values) for t in transitions]
        if all(reasons):
            out.append(Problem(transitions[0].loc, f"trigger '{trigger}' can never fire: {reasons[0]}"))
    return out


def _show(value: FactValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)
