"""Variant files: a what-if written down, shareable, and checked like a scenario.

A variant names its ``base`` scenario and lists operations (``set``,
``without``, ``skip``, ``events``, ``retime``, ``conditions``). Loading it
checks every reference against the base and reports problems as
``FILE:LINE:COL`` in the variant file. Applying it is
:func:`negsim.whatif.apply`: a pure function from scenario to scenario.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import yamlsource
from .catalog import bundled
from .checks import SCENARIO_ID, Checker
from .errors import Loc, did_you_mean, known_names
from .model import Condition, FrozenMap, Party, Scenario
from .scenario import _Builder, sha256_hex
from .yamlsource import Map, Node, Scalar, Seq

if TYPE_CHECKING:
    from .whatif import Op

FORMAT_VERSION = 1
REQUIRED = ("negsim-variant", "id", "title", "question", "base")
OPTIONAL = ("description", "conditions", "events", "retime", "chance", "draw", "set", "skip", "without")


@dataclass(frozen=True, slots=True)
class Variant:
    id: str
    title: str
    question: str
    description: str
    base: str  # as written in the file: a scenario id or a path
    ops: tuple[Op, ...]  # negsim.whatif operations
    path: str
    sha256: str
    loc: Loc

    def apply(self, scenario: Scenario) -> Scenario:
        """``scenario`` changed as this variant says (its what-ifs recorded in ``applied``)."""
        from .whatif import apply

        return apply(scenario, self.ops, prefix=f"variant {self.id}: ")


def load_variant(path: str, base: Scenario | None = None) -> tuple[Variant, Scenario]:
    """The variant at ``path`` and the scenario it applies to.

    With ``base`` given (the scenario named on the command line), the variant
    must be written for that scenario; otherwise its own ``base`` is loaded.
    """
    text = yamlsource.read_text(path)
    root = yamlsource.parse(text, path)
    return build_variant(root, path, sha256_hex(text), base)


def build_variant(root: Node, path: str, digest: str, given: Scenario | None) -> tuple[Variant, Scenario]:
    c = Checker(path)
    top = c.mapping(root, "a variant file")
    if top is None:
        c.raise_if_any()
    assert top is not None
    if not c.format_header(top, "negsim-variant", FORMAT_VERSION):
        c.raise_if_any()
    c.keys(top, "the variant", REQUIRED, OPTIONAL)
    id_node = top.get("id")
    vid = c.identifier(id_node, "variant id", SCENARIO_ID) if isinstance(id_node, Scalar) else None
    title = c.text(top.get("title"), "title") or ""
    question = c.text(top.get("question"), "question") or ""
    description = c.text(top.get("description"), "description") or ""
    base_node = top.get("base")
    base_text = c.text(base_node, "base")
    if base_text is None or base_node is None:
        c.raise_if_any()
    assert base_text is not None and base_node is not None

    base = _base(c, base_node, base_text, path, given)
    ops = _ops(c, top, base)
    if not any(top.get(k) is not None for k in OPTIONAL if k != "description"):
        c.error(top.loc, "this variant changes nothing: add set, without, skip, events, retime, conditions, chance or draw")
    c.raise_if_any()
    variant = Variant(vid or "", title, question, description, base_text, tuple(ops), path, digest, top.loc)
    return variant, base


def _base(c: Checker, node: Node, text: str, path: str, given: Scenario | None) -> Scenario:
    from .scenario import load

    near = os.path.join(os.path.dirname(os.path.abspath(path)), text)
    if given is not None:
        same = given.id == text or (
            os.path.exists(near) and os.path.exists(given.path) and os.path.samefile(near, given.path)
        )
        if not same:
            c.error(node, f"this variant is for scenario '{text}', not '{given.id}'")
            c.raise_if_any()
        return given
    if any(ch in text for ch in "/\\") or text.endswith((".yaml", ".yml")):  # a path, relative to this file
        if not os.path.isfile(near):
            c.error(node, f"base scenario file '{text}' not found (looked for {near})")
            c.raise_if_any()
        return load(near)
    found = {b.id: b.path for b in bundled() if b.kind == "scenario"}.get(text)
    if found is None:
        hint = did_you_mean(text, [b.id for b in bundled() if b.kind == "scenario"])
        c.error(node, f"base scenario '{text}' not found: give a bundled scenario id or a path relative to this file{hint}")
        c.raise_if_any()
    return load(found)  # type: ignore[arg-type]


def _ops(c: Checker, top: Map, base: Scenario) -> list[Op]:
    from .whatif import Chance, DrawFact, PutCondition, PutEvent, Retime, SetFact, Skip, Without

    b = _Builder(c.path)
    b.c = c
    types = {f.id: f.type for f in base.facts.values()}
    states = frozenset(base.states)
    ops: list[Op] = []

    # conditions: add new ones or change existing ones (missing keys keep their old values)
    parties = dict(base.parties)
    cm = c.mapping(top.get("conditions"), "conditions")
    for pkey, pvalue in cm.items if cm else ():
        party = parties.get(pkey.value) if isinstance(pkey.value, str) else None
        if party is None:
            c.error(pkey, f"conditions: unknown party '{pkey.text}'{did_you_mean(pkey.text, parties)}")
            continue
        pm = c.mapping(pvalue, f"conditions of party '{party.id}'")
        for ckey, cvalue in pm.items if pm else ():
            cond = _condition(c, b, party, ckey, cvalue, types, states)
            if cond is not None:
                ops.append(PutCondition(cond, ckey.loc))
                conds = dict(party.conditions)
                conds[cond.id] = cond
                party = Party(party.id, party.name, party.description, FrozenMap(conds), party.loc)
                parties[party.id] = party

    # events: add, or replace by id
    known_events = {e.id for e in base.timeline}
    put: set[str] = set()
    seq = c.sequence(top.get("events"), "events")
    for item in seq.items if seq else ():
        ev = b.event(item, base.tz, dict(base.facts), types, states, parties, set(base.triggers))
        if ev is None:
            continue
        if ev.id in put:
            c.error(ev.loc, f"events: event '{ev.id}' is given twice in this variant")
            continue
        put.add(ev.id)
        ops.append(PutEvent(ev, ev.loc))
        known_events.add(ev.id)

    rm = c.mapping(top.get("retime"), "retime")
    for key, value in rm.items if rm else ():
        if key.value not in known_events:
            c.error(key, f"retime: unknown event '{key.text}'{known_names(key.text, known_events, 'events')}")
            continue
        at = c.local_time(value, base.tz, f"new time of event '{key.text}'")
        if at is not None:
            ops.append(Retime(str(key.value), at, key.loc))

    # chance: make events uncertain; draw: make facts uncertain
    chm = c.mapping(top.get("chance"), "chance")
    for key, value in chm.items if chm else ():
        if key.value not in known_events:
            c.error(key, f"chance: unknown event '{key.text}'{known_names(key.text, known_events, 'events')}")
            continue
        what = f"chance of event '{key.text}'"
        m = c.mapping(value, what)
        if m is None:
            continue
        c.keys(m, what, (), ("p", "jitter"))
        if m.get("p") is None and m.get("jitter") is None:
            c.error(m, f"{what} needs 'p', 'jitter' or both")
            continue
        p = c.probability(m.get("p"), f"'p' of event '{key.text}'")
        jitter = c.duration(m.get("jitter"), f"'jitter' of event '{key.text}'")
        if (p is not None or m.get("p") is None) and (jitter is not None or m.get("jitter") is None):
            ops.append(Chance(str(key.value), p, jitter, key.loc))

    dm = c.mapping(top.get("draw"), "draw")
    for key, value in dm.items if dm else ():
        fact = base.facts.get(key.value) if isinstance(key.value, str) else None
        if fact is None:
            c.error(key, f"draw: unknown fact '{key.text}'{known_names(key.text, base.facts, 'facts')}")
            continue
        draw = b.draw(value, fact.id, fact.type)
        if draw is not None:
            ops.append(DrawFact(fact.id, draw, key.loc))

    for key, fid, value in b.set_entries(top.get("set"), dict(base.facts), "the variant"):  # as an event's 'set'
        ops.append(SetFact(fid, value, key.loc))

    for node in _items(c, top.get("skip"), "skip"):
        name = c.text(node, "skip")
        if name is None:
            continue
        if name not in known_events:
            c.error(node, f"skip: unknown event '{name}'{did_you_mean(name, sorted(known_events))}")
        else:
            ops.append(Skip(name, node.loc))

    for node in _items(c, top.get("without"), "without"):
        name = c.text(node, "without")
        if name is None:
            continue
        pid, dot, cid = name.partition(".")
        party = parties.get(pid)
        if party is None:
            c.error(node, f"without: unknown party '{pid}'{did_you_mean(pid, parties)}")
        elif dot and cid not in party.conditions:
            c.error(node, f"without: party '{pid}' has no condition '{cid}'{known_names(cid, party.conditions, 'conditions')}")
        else:
            ops.append(Without(pid, cid if dot else None, node.loc))
    return ops


def _items(c: Checker, node: Node | None, what: str) -> tuple[Node, ...]:
    if node is None:
        return ()
    if isinstance(node, Seq):
        return node.items
    if isinstance(node, Scalar):
        return (node,)
    c.error(node, f"{what} must be a name or a list of names, not a mapping")
    return ()


def _condition(
    c: Checker,
    b: _Builder,
    party: Party,
    ckey: Scalar,
    cvalue: Node,
    types: dict[str, str],
    states: frozenset[str],
) -> Condition | None:
    old = party.conditions.get(ckey.value) if isinstance(ckey.value, str) else None
    if old is None:
        return b.condition(party.id, ckey, cvalue, types, states)
    m = c.mapping(cvalue, f"condition '{old.ref}'")
    if m is None:
        return None
    c.keys(m, f"condition '{old.ref}'", (), ("text", "when", "active"))
    text = c.text(m.get("text"), f"text of condition '{old.ref}'") if m.get("text") is not None else old.text
    when = c.guard(m.get("when"), types, states, f"condition '{old.ref}'") if m.get("when") is not None else old.when
    active = c.boolean(m.get("active"), f"'active' of condition '{old.ref}'") if m.get("active") is not None else old.active
    if text is None or when is None or active is None:
        return None
    return Condition(party.id, old.id, text, when, active, ckey.loc)
