"""Exercise files: a scenario, timed injects with players' decisions, and objectives.

An exercise (``negsim-exercise: 1``) names a scenario and the parties that
players play (its *roles*). Its *injects* are the master scenario events
list: at a local time, a message for some roles, and optionally a decision
whose options have *effects*. Effects are what-if operations that start at
the inject's time: facts set, conditions added or dropped and a trigger
fired become one event added to the timeline at that time; later events can
be skipped, moved or added. Nothing an option does can change what already
happened, so a session can be replayed from its decisions alone.

Loading checks every reference against the scenario and reports every
problem as ``FILE:LINE:COL``, with a did-you-mean, as the scenario loader
does.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from . import yamlsource
from .catalog import bundled
from .checks import ID, SCENARIO_ID, Checker
from .errors import Loc, did_you_mean, known_names
from .guards import Guard
from .model import Event, FactValue, FrozenMap, Scenario
from .scenario import _a, _Builder, coerce, sha256_hex
from .yamlsource import Map, Node, Scalar, Seq

if TYPE_CHECKING:
    from .whatif import Op

FORMAT_VERSION = 1
REQUIRED = ("negsim-exercise", "id", "title", "scenario", "brief", "roles", "injects")
OPTIONAL = ("description", "variants", "objectives")
INJECT_KEYS = ("at", "id", "to", "message")
INJECT_OPTIONAL = ("from", "method", "expected", "objectives", "if", "decision")
EFFECT_KEYS = ("set", "add_conditions", "drop_conditions", "fire", "otherwise", "skip", "retime", "events")
OBJECTIVE_KINDS = ("reach", "never", "final", "fact")


class Effect(NamedTuple):
    """What an option changes, from the inject's time on."""

    set: tuple[tuple[str, FactValue], ...] = ()
    add_conditions: tuple[tuple[str, str], ...] = ()
    drop_conditions: tuple[tuple[str, str], ...] = ()
    fire: str | None = None
    otherwise: str | None = None
    skip: tuple[str, ...] = ()
    retime: tuple[tuple[str, datetime], ...] = ()
    events: tuple[Event, ...] = ()

    @property
    def empty(self) -> bool:
        return self == Effect()


class Option(NamedTuple):
    """One answer to a decision."""

    number: int  # 1-based, as players type it
    label: str
    effect: Effect
    debrief: str
    expected: bool  # the answer the trainer hopes for
    loc: Loc


class Inject(NamedTuple):
    """One row of the master scenario events list."""

    id: str
    at: datetime
    to: tuple[str, ...]  # role ids; with a decision, they decide together
    from_: str
    method: str
    message: str
    expected: str
    objectives: tuple[str, ...]
    if_: Guard | None
    prompt: str
    options: tuple[Option, ...]  # empty: the inject only informs
    loc: Loc

    @property
    def decision_event(self) -> str:
        """The id of the timeline event an option's effects become."""
        return f"{self.id}_decision"


class Role(NamedTuple):
    """A party played by people."""

    party: str
    name: str
    brief: str
    loc: Loc


class Objective(NamedTuple):
    """A named check on the run, shown at the debrief."""

    id: str
    text: str
    kind: str  # "reach", "never", "final" or "fact"
    states: tuple[str, ...]  # reach/never: one state; final: any of these
    by: datetime | None  # reach only
    fact: str | None
    value: FactValue | None
    loc: Loc


class Exercise(NamedTuple):
    """A checked exercise, with its scenario (variants applied) ready to run."""

    id: str
    title: str
    description: str
    brief: str
    scenario_ref: str  # as written in the file
    scenario: Scenario
    roles: FrozenMap[str, Role]
    injects: tuple[Inject, ...]
    objectives: tuple[Objective, ...]
    path: str
    sha256: str
    loc: Loc

    def inject(self, inject_id: str) -> Inject | None:
        return next((i for i in self.injects if i.id == inject_id), None)


def effect_ops(inject: Inject, option: Option, at: datetime) -> list[Op]:
    """The what-if operations of ``option`` when ``inject`` is decided at ``at``."""
    from .whatif import PutEvent, Retime, Skip

    e = option.effect
    ops: list[Op] = [PutEvent(ev, option.loc) for ev in e.events]
    ops += [Retime(eid, when, option.loc) for eid, when in e.retime]
    ops += [Skip(eid, option.loc) for eid in e.skip]
    if e.set or e.add_conditions or e.drop_conditions or e.fire:
        event = Event(
            inject.decision_event,
            at,
            f"Decision at inject {inject.id}: {option.label}",
            None,
            e.set,
            e.add_conditions,
            e.drop_conditions,
            e.fire,
            e.otherwise,
            (),
            option.loc,
        )
        ops.insert(0, PutEvent(event, option.loc))
    return ops


# --- loading ---------------------------------------------------------------------


def load_exercise(path: str) -> Exercise:
    """Read and check the exercise at ``path`` (raises ScenarioError with every problem)."""
    text = yamlsource.read_text(path)
    return build_exercise(yamlsource.parse(text, path), path, sha256_hex(text))


def build_exercise(root: Node, path: str, digest: str) -> Exercise:
    c = Checker(path)
    top = c.mapping(root, "an exercise file")
    if top is None:
        c.raise_if_any()
    assert top is not None
    if not c.format_header(top, "negsim-exercise", FORMAT_VERSION):
        c.raise_if_any()
    c.keys(top, "the exercise", REQUIRED, OPTIONAL)
    id_node = top.get("id")
    xid = c.identifier(id_node, "exercise id", SCENARIO_ID) if isinstance(id_node, Scalar) else None
    if id_node is not None and not isinstance(id_node, Scalar):
        c.error(id_node, "the exercise id must be a word such as 'aleppo-mediators-exercise'")
    title = c.text(top.get("title"), "title") or ""
    description = c.text(top.get("description"), "description") or ""
    brief = c.text(top.get("brief"), "brief") or ""
    ref_node = top.get("scenario")
    ref = c.text(ref_node, "scenario")
    if ref is None or ref_node is None:
        c.raise_if_any()
    assert ref is not None and ref_node is not None
    scenario = _scenario(c, ref_node, ref, path, top.get("variants"))
    roles = _roles(c, top.get("roles"), scenario)
    objectives = _objectives(c, top.get("objectives"), scenario)
    injects = _injects(c, top.get("injects"), scenario, roles, {o.id for o in objectives})
    c.raise_if_any()
    return Exercise(
        xid or "", title, description, brief, ref, scenario, FrozenMap(roles), tuple(injects), tuple(objectives),
        path, digest, top.loc,
    )


def _near(path: str, text: str) -> str:
    return os.path.join(os.path.dirname(os.path.abspath(path)), text)


def _looks_like_path(text: str) -> bool:
    return any(ch in text for ch in "/\\") or text.endswith((".yaml", ".yml"))


def _scenario(c: Checker, node: Node, ref: str, path: str, variants: Node | None) -> Scenario:
    """The exercise's scenario: a bundled id or a path relative to the exercise file."""
    from .scenario import load_any
    from .variant import load_variant

    if _looks_like_path(ref):
        found: str | None = _near(path, ref)
        if not os.path.isfile(found):  # type: ignore[arg-type]
            c.error(node, f"scenario file '{ref}' not found (looked for {found})")
            c.raise_if_any()
    else:
        ids = {b.id: b.path for b in bundled() if b.kind in ("scenario", "variant")}
        found = ids.get(ref)
        if found is None:
            c.error(node, f"scenario '{ref}' not found: give a bundled scenario id or a path relative to this file{did_you_mean(ref, ids)}")
            c.raise_if_any()
    scenario = load_any(found)  # type: ignore[arg-type]
    seq = c.sequence(variants, "variants") if variants is not None and not isinstance(variants, Scalar) else None
    items = seq.items if seq else ((variants,) if isinstance(variants, Scalar) else ())
    for item in items:
        name = c.text(item, "variant")
        if name is None:
            continue
        vpath = _near(path, name) if _looks_like_path(name) else {b.id: b.path for b in bundled() if b.kind == "variant"}.get(name)
        if vpath is None or not os.path.isfile(vpath):
            known = [b.id for b in bundled() if b.kind == "variant"]
            c.error(item, f"variant '{name}' not found: give a bundled variant id or a path relative to this file{did_you_mean(name, known)}")
            continue
        variant, scenario = load_variant(vpath, base=scenario)
        scenario = variant.apply(scenario)
    if scenario.uncertain:
        where = variants if variants is not None else node
        c.error(
            where,
            f"an exercise replays one history, but this scenario is uncertain ({scenario.uncertain[0]}); "
            "use a scenario or variants without 'p', 'jitter' or 'draw'",
        )
    return scenario


def _roles(c: Checker, node: Node | None, sc: Scenario) -> dict[str, Role]:
    out: dict[str, Role] = {}
    if node is None:
        return out
    if isinstance(node, Seq):
        pairs: list[tuple[Scalar, Node | None]] = [(item, None) for item in node.items if isinstance(item, Scalar)]
        for item in node.items:
            if not isinstance(item, Scalar):
                c.error(item, f"a role must be a party id, not a {item.kind}")
    elif isinstance(node, Map):
        pairs = list(node.items)
    else:
        c.error(node, "roles must be a list of party ids, or a mapping from party id to the role's brief")
        return out
    if not node.items:
        c.error(node, "roles is empty; name at least one party that players play")
    for key, value in pairs:
        pid = key.text
        party = sc.parties.get(pid)
        if party is None:
            c.error(key, f"role '{pid}' is not a party of scenario '{sc.id}'{known_names(pid, sc.parties, 'parties')}")
            continue
        if pid in out:
            c.error(key, f"role '{pid}' is listed twice")
            continue
        brief = c.text(value, f"brief of role '{pid}'") if value is not None and not (
            isinstance(value, Scalar) and value.value is None
        ) else ""
        out[pid] = Role(pid, party.name, brief or "", key.loc)
    return out


def _objectives(c: Checker, node: Node | None, sc: Scenario) -> list[Objective]:
    seq = c.sequence(node, "objectives")
    out: list[Objective] = []
    seen: set[str] = set()
    for item in seq.items if seq else ():
        m = c.mapping(item, "an objective")
        if m is None:
            continue
        c.keys(m, "an objective", ("id", "text"), (*OBJECTIVE_KINDS, "by", "equals"))
        oid = _id(c, m.get("id"), "objective id")
        what = f"objective '{oid}'" if oid else "objective"
        if oid in seen:
            c.error(m.get("id"), f"objective id '{oid}' is used twice")  # type: ignore[arg-type]
        seen.add(oid or "")
        text = c.text(m.get("text"), f"text of {what}")
        kinds = [k for k in OBJECTIVE_KINDS if m.get(k) is not None]
        if len(kinds) != 1:
            c.error(m, f"{what} needs exactly one of reach, never, final or fact" + (f", not {' and '.join(kinds)}" if kinds else ""))
            continue
        kind = kinds[0]
        states: list[str] = []
        knode = m.get(kind)
        fact = value = by = None
        if kind in ("reach", "never", "final"):
            items = knode.items if isinstance(knode, Seq) and kind == "final" else (knode,)
            for s in items:
                name = c.text(s, f"'{kind}' of {what}")
                if name is None:
                    continue
                if name not in sc.states:
                    c.error(s, f"{what}: unknown state '{name}'{known_names(name, sc.states, 'states')}")  # type: ignore[arg-type]
                else:
                    states.append(name)
        if m.get("by") is not None:
            if kind != "reach":
                c.error(m.get("by"), f"'by' of {what} only goes with 'reach'")  # type: ignore[arg-type]
            else:
                by = c.local_time(m.get("by"), sc.tz, f"'by' of {what}")
        if m.get("equals") is not None and kind != "fact":
            c.error(m.get("equals"), f"'equals' of {what} only goes with 'fact'")  # type: ignore[arg-type]
        if kind == "fact":
            fname = c.text(knode, f"'fact' of {what}")
            f = sc.facts.get(fname) if fname else None
            if fname and f is None:
                c.error(knode, f"{what}: unknown fact '{fname}'{known_names(fname, sc.facts, 'facts')}")  # type: ignore[arg-type]
            vnode = m.get("equals")
            if vnode is None:
                c.error(m, f"{what} needs 'equals': the value the fact should end with")
            elif f is not None:
                v = vnode.value if isinstance(vnode, Scalar) and isinstance(vnode.value, (bool, int, float, str)) else None
                coerced = coerce(v, f.type) if v is not None else None
                if coerced is None:
                    c.error(vnode, f"'equals' of {what} does not fit '{f.id}', which is {_a(f.type)} fact")
                fact, value = (f.id, coerced) if coerced is not None else (None, None)
        if oid and text and (states or fact is not None):
            out.append(Objective(oid, text, kind, tuple(states), by, fact, value, m.loc))
    return out


def _id(c: Checker, node: Node | None, what: str) -> str | None:
    if node is None:
        return None
    if isinstance(node, Scalar):
        return c.identifier(node, what, ID)
    c.error(node, f"{what} must be a word, not a {node.kind}")
    return None


def _names(c: Checker, node: Node | None, what: str) -> list[tuple[str, Node]]:
    if node is None:
        return []
    items = node.items if isinstance(node, Seq) else (node,) if isinstance(node, Scalar) else None
    if items is None:
        c.error(node, f"{what} must be a name or a list of names, not a mapping")
        return []
    return [(t, n) for n in items if (t := c.text(n, what)) is not None]


def _injects(
    c: Checker, node: Node | None, sc: Scenario, roles: dict[str, Role], objective_ids: set[str]
) -> list[Inject]:
    seq = c.sequence(node, "injects")
    if seq is not None and not seq.items:
        c.error(seq, "injects is empty; an exercise needs at least one inject")
    out: list[Inject] = []
    seen: dict[str, Loc] = {}
    last: tuple[str, datetime] | None = None  # the latest inject so far, for the time order
    b = _Builder(c.path)
    b.c = c
    events = {e.id for e in sc.timeline}
    for item in seq.items if seq else ():
        m = c.mapping(item, "an inject")
        if m is None:
            continue
        c.keys(m, "an inject", INJECT_KEYS, INJECT_OPTIONAL)
        iid = _id(c, m.get("id"), "inject id")
        what = f"inject '{iid}'" if iid else "inject"
        if iid and iid in seen:
            c.error(m.get("id"), f"inject id '{iid}' is used twice (first at line {seen[iid].line})")  # type: ignore[arg-type]
        if iid and f"{iid}_decision" in events:
            c.error(m.get("id"), f"{what}: the scenario already has an event '{iid}_decision', the name this inject's decision would take; rename the inject")  # type: ignore[arg-type]
        at = c.local_time(m.get("at"), sc.tz, f"'at' of {what}")
        to: list[str] = []
        for name, n in _names(c, m.get("to"), f"'to' of {what}"):
            if name not in roles:
                c.error(n, f"'to' of {what} names '{name}', which is not a role{known_names(name, roles, 'roles')}")
            elif name not in to:
                to.append(name)
        if isinstance(m.get("to"), Seq) and not m.get("to").items:  # type: ignore[union-attr]
            c.error(m.get("to"), f"'to' of {what} is empty; name the roles it goes to")  # type: ignore[arg-type]
        message = c.text(m.get("message"), f"message of {what}") or ""
        from_ = c.text(m.get("from"), f"'from' of {what}") or "Control"
        method = c.text(m.get("method"), f"method of {what}") or "verbal"
        expected = c.text(m.get("expected"), f"expected action of {what}") or ""
        objs = []
        for name, n in _names(c, m.get("objectives"), f"objectives of {what}"):
            if name not in objective_ids:
                c.error(n, f"{what} names unknown objective '{name}'{known_names(name, objective_ids, 'objectives')}")
            else:
                objs.append(name)
        if_ = c.guard(m.get("if"), {f.id: f.type for f in sc.facts.values()}, frozenset(sc.states), f"'if' of {what}")
        prompt, options = _decision(c, b, m.get("decision"), sc, what, at)
        if iid and iid not in seen:
            seen[iid] = m.loc
        if at is not None and last is not None and at < last[1]:
            c.error(m, f"injects out of order: {what} at {at:%Y-%m-%d %H:%M} comes after inject '{last[0]}' at {last[1]:%Y-%m-%d %H:%M}; sort injects by time")
        if at is not None:
            last = (iid or "?", at)
        if iid is None or at is None or (m.get("if") is not None and if_ is None):
            continue
        out.append(Inject(iid, at, tuple(to), from_, method, message, expected, tuple(objs), if_, prompt, options, m.loc))
    return out


def _decision(
    c: Checker, b: _Builder, node: Node | None, sc: Scenario, what: str, at: datetime | None
) -> tuple[str, tuple[Option, ...]]:
    m = c.mapping(node, f"decision of {what}")
    if m is None:
        return "", ()
    c.keys(m, f"decision of {what}", ("prompt", "options"), ())
    prompt = c.text(m.get("prompt"), f"prompt of {what}") or ""
    seq = c.sequence(m.get("options"), f"options of {what}")
    if seq is not None and len(seq.items) < 2:
        c.error(seq, f"{what} has a decision with {len(seq.items)} option(s); give at least two, or drop 'decision'")
    out: list[Option] = []
    labels: set[str] = set()
    for n, item in enumerate(seq.items if seq else (), 1):
        om = c.mapping(item, f"option {n} of {what}")
        if om is None:
            continue
        owhat = f"option {n} of {what}"
        c.keys(om, owhat, ("label",), ("effects", "debrief", "expected"))
        label = c.text(om.get("label"), f"label of {owhat}")
        if label is not None and label in labels:
            c.error(om.get("label"), f"{owhat} has the same label as an earlier option")  # type: ignore[arg-type]
        labels.add(label or "")
        if label is not None and label.strip().isdigit():
            c.error(om.get("label"), f"label of {owhat} is a number; players answer with option numbers, so use words")  # type: ignore[arg-type]
        debrief = c.text(om.get("debrief"), f"debrief of {owhat}") or ""
        expected = c.boolean(om.get("expected"), f"'expected' of {owhat}") or False
        effect = _effect(c, b, om.get("effects"), sc, owhat, at)
        if label is not None and effect is not None:
            out.append(Option(n, label, effect, debrief, expected, om.loc))
    return prompt, tuple(out)


def _effect(c: Checker, b: _Builder, node: Node | None, sc: Scenario, what: str, at: datetime | None) -> Effect | None:
    m = c.mapping(node, f"effects of {what}")
    if m is None:
        return Effect() if node is None else None
    before = len(c.problems)
    c.keys(m, f"effects of {what}", (), EFFECT_KEYS)
    types = {f.id: f.type for f in sc.facts.values()}
    states = frozenset(sc.states)
    sets = b.sets(m.get("set"), dict(sc.facts), what)
    add = b.condition_refs(m.get("add_conditions"), dict(sc.parties), f"add_conditions of {what}")
    drop = b.condition_refs(m.get("drop_conditions"), dict(sc.parties), f"drop_conditions of {what}")
    triggers = set(sc.triggers)
    fire = b.trigger_ref(m.get("fire"), triggers, what, "fire")
    otherwise = b.trigger_ref(m.get("otherwise"), triggers, what, "otherwise")
    if m.get("otherwise") is not None and m.get("fire") is None:
        c.error(m.get("otherwise"), f"effects of {what} have 'otherwise' but no 'fire' to try first")  # type: ignore[arg-type]

    timeline = {e.id: e for e in sc.timeline}
    added: list[Event] = []
    eseq = c.sequence(m.get("events"), f"events of {what}")
    for item in eseq.items if eseq else ():
        ev = b.event(item, sc.tz, dict(sc.facts), types, states, dict(sc.parties), triggers)
        if ev is None:
            continue
        if at is not None and ev.at <= at:
            c.error(ev.loc, f"event '{ev.id}' added by {what} is at {ev.at:%Y-%m-%d %H:%M}, not after the inject; an option can only change what comes later")
            continue
        old = timeline.get(ev.id)
        if at is not None and old is not None and old.at <= at:
            c.error(ev.loc, f"event '{ev.id}' added by {what} would replace an event that has already happened at {old.at:%Y-%m-%d %H:%M}")
            continue
        added.append(ev)
    known = {**timeline, **{e.id: e for e in added}}

    def later(name: str, n: Node, key: str) -> bool:
        ev = known.get(name)
        if ev is None:
            c.error(n, f"{key} of {what}: unknown event '{name}'{known_names(name, known, 'events')}")
            return False
        if at is not None and ev.at <= at:
            c.error(n, f"{key} of {what}: event '{name}' at {ev.at:%Y-%m-%d %H:%M} has already happened when the inject comes; an option can only change what comes later")
            return False
        return True

    skip = tuple(name for name, n in _names(c, m.get("skip"), f"skip of {what}") if later(name, n, "skip"))
    retime: list[tuple[str, datetime]] = []
    rm = c.mapping(m.get("retime"), f"retime of {what}")
    for key, value in rm.items if rm else ():
        if not later(key.text, key, "retime"):
            continue
        when = c.local_time(value, sc.tz, f"new time of event '{key.text}'")
        if when is not None and at is not None and when <= at:
            c.error(value, f"retime of {what}: the new time of '{key.text}' must come after the inject ({at:%Y-%m-%d %H:%M})")
        elif when is not None:
            retime.append((key.text, when))
    if len(c.problems) > before:
        return None
    return Effect(sets, add, drop, fire, otherwise, skip, tuple(retime), tuple(added))
