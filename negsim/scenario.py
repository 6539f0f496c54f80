"""Load and check a scenario file: YAML → shape → references → semantics.

:func:`load` returns an immutable :class:`~negsim.model.Scenario` or raises
:class:`~negsim.errors.ScenarioError` carrying every problem found, each
located at the offending YAML node. Nothing here touches ``transitions``: a
scenario is fully checked before any state machine exists.
"""

from __future__ import annotations

import os
from collections import deque
from datetime import timezone

from . import yamlsource
from .checks import SCENARIO_ID, Checker
from .errors import Loc, Problem, ScenarioError, did_you_mean, known_names
from .guards import UNUSABLE_NAMES, type_of
from .model import (
    Condition,
    Draw,
    Event,
    Fact,
    FactValue,
    FrozenMap,
    Party,
    Scenario,
    Source,
    State,
    Transition,
)
from .yamlsource import Map, Node, Scalar, Seq

FORMAT_VERSION = 1
TOP_REQUIRED = ("negsim", "id", "title", "timezone", "deal", "timeline")
TOP_OPTIONAL = ("description", "sources", "facts", "parties")
RESERVED_TRIGGERS = {"trigger", "state"}
DRAW_KINDS = ("choice", "uniform", "normal")


def load(path: str) -> Scenario:
    """Read, check and build the scenario at ``path``."""
    text = yamlsource.read_text(path)
    return build(yamlsource.parse(text, path), path, sha256_hex(text))


def load_any(path: str) -> Scenario:
    """A scenario file, or a variant file applied to its base scenario."""
    text = yamlsource.read_text(path)
    root = yamlsource.parse(text, path)
    if kind_of(root) == "variant":
        from .variant import build_variant  # variants and what-ifs load only when used

        variant, base = build_variant(root, path, sha256_hex(text), None)
        return variant.apply(base)
    return build(root, path, sha256_hex(text))


def kind_of(root: Node) -> str:
    """'scenario', 'variant' or 'exercise', judged by the format key."""
    if isinstance(root, Map):
        if root.get("negsim-variant") is not None:
            return "variant"
        if root.get("negsim-exercise") is not None:
            return "exercise"
    return "scenario"


def sha256_hex(text: str) -> str:
    """The SHA-256 of ``text`` as UTF-8, in hex."""
    return _sha256(text.encode("utf-8")).hexdigest()


try:  # the C implementation hashlib wraps; importing hashlib (OpenSSL) costs more than a replay
    from _sha256 import sha256 as _sha256  # Python 3.10-3.11
except ImportError:  # pragma: no cover - depends on the Python version
    try:
        from _sha2 import sha256 as _sha256  # Python 3.12+
    except ImportError:
        from hashlib import sha256 as _sha256


def check(path: str) -> list[Problem]:
    """Every problem in the file at ``path`` (empty when it is valid)."""
    try:
        load(path)
    except ScenarioError as exc:
        return list(exc.problems)
    return []


def build(root: Node, path: str, sha256: str = "") -> Scenario:
    """Build a scenario from parsed nodes (raises ScenarioError)."""
    return _Builder(path).build(root, sha256)


class _Builder:
    def __init__(self, path: str):
        self.c = Checker(path)
        self.path = path
        self.base = os.path.dirname(os.path.abspath(path))
        self.declared_triggers: set[str] = set()
        # names declared even where the rest of the declaration is broken: no cascading errors
        self.declared_parties: set[str] = set()
        self.declared_conditions: set[tuple[str, str]] = set()

    def build(self, root: Node, sha256: str) -> Scenario:
        c = self.c
        top = c.mapping(root, "a scenario file")
        if top is None:
            c.raise_if_any()
        assert top is not None
        if not c.format_header(top, "negsim", FORMAT_VERSION):
            c.raise_if_any()
        c.keys(top, "the scenario", TOP_REQUIRED, TOP_OPTIONAL)

        sid_node = top.get("id")
        sid = c.identifier(sid_node, "scenario id", SCENARIO_ID) if isinstance(sid_node, Scalar) else None
        if sid_node is not None and not isinstance(sid_node, Scalar):
            c.error(sid_node, "the scenario id must be a word such as 'aleppo-2016-12'")
        title = c.text(top.get("title"), "title")
        description = c.text(top.get("description"), "description") or ""
        tz = c.offset(top.get("timezone"), "timezone")
        sources = self.sources(top.get("sources"))
        facts = self.facts(top.get("facts"))
        types = {f.id: f.type for f in facts.values()}

        deal = c.mapping(top.get("deal"), "deal")
        states, initial = self.deal_states(deal)
        state_ids = frozenset(states)
        parties = self.parties(top.get("parties"), types, state_ids)
        before = len(c.problems)
        transitions = self.transitions(deal, state_ids, types, parties)
        if initial and states and len(c.problems) == before:  # a broken transition would cascade
            self.reachability(initial, states, transitions)
        timeline = self.timeline(top.get("timeline"), tz, facts, types, state_ids, parties, transitions)

        c.raise_if_any()
        scenario = Scenario(
            id=sid or "",
            title=title or "",
            description=description,
            tz=tz or timezone.utc,
            sources=sources,
            facts=FrozenMap({f.id: f for f in facts.values()}),
            parties=FrozenMap(parties),
            states=FrozenMap(states),
            initial=initial or "",
            transitions=tuple(transitions),
            timeline=tuple(timeline),
            path=self.path,
            sha256=sha256,
            loc=top.loc,
        )
        return scenario

    # --- sources and facts ----------------------------------------------------
    def sources(self, node: Node | None) -> tuple[Source, ...]:
        c = self.c
        seq = c.sequence(node, "sources")
        out = []
        seen: set[str] = set()
        for item in seq.items if seq else ():
            m = c.mapping(item, "a source")
            if m is None:
                continue
            c.keys(m, "a source", ("id", "title"), ("date", "file", "url"))
            sid = self._id(m.get("id"), "source id")
            if sid and sid in seen:
                c.error(m.get("id"), f"source id '{sid}' is used twice")
            seen.add(sid or "")
            title = c.text(m.get("title"), "source title")
            date = c.text(m.get("date"), "source date") or ""
            file_ = c.text(m.get("file"), "source file")
            c.text(m.get("url"), "source url")
            path = None
            if file_ is not None:
                path = os.path.normpath(os.path.join(self.base, file_))
                if not os.path.isfile(path):
                    c.error(
                        m.get("file"),
                        f"source file '{file_}' not found (looked in {self.base}); "
                        "copy the source file along with the scenario, or remove the 'file:' key",
                    )
            if sid and title:
                out.append(Source(sid, title, date, path, m.loc))
        return tuple(out)

    def _id(self, node: Node | None, what: str) -> str | None:
        if node is None:
            return None
        if isinstance(node, Scalar):
            return self.c.identifier(node, what)
        self.c.error(node, f"{what} must be a word, not a {node.kind}")
        return None

    def facts(self, node: Node | None) -> dict[str, Fact]:
        c = self.c
        m = c.mapping(node, "facts")
        out: dict[str, Fact] = {}
        for key, value in m.items if m else ():
            fid = c.identifier(key, "fact")
            if fid in UNUSABLE_NAMES:
                c.error(key, f"'{fid}' is a reserved word in guards; choose another fact name")
                continue
            text = ""
            vnode: Node | None = value
            lever_node: Node | None = None
            draw_node: Node | None = None
            if isinstance(value, Map):
                c.keys(value, f"fact '{key.text}'", ("value",), ("text", "levers", "draw"))
                text = c.text(value.get("text"), f"text of fact '{key.text}'") or ""
                vnode = value.get("value")
                lever_node = value.get("levers")
                draw_node = value.get("draw")
            v = self.fact_value(vnode, f"fact '{key.text}'") if vnode is not None else None
            if fid and v is not None:
                levers = self.levers(lever_node, fid, type_of(v))
                draw = self.draw(draw_node, fid, type_of(v)) if draw_node is not None else None
                out[fid] = Fact(fid, v, type_of(v), text, key.loc, levers, draw)
        return out

    def draw(self, node: Node, fid: str, type_: str) -> Draw | None:
        """``draw:`` of a fact: {choice: [...], weights: [...]}, {uniform: [lo, hi]} or {normal: [mean, sd], between: [lo, hi]}."""
        c = self.c
        what = f"'draw' of fact '{fid}'"
        m = c.mapping(node, what)
        if m is None:
            return None
        kinds = [k for k in DRAW_KINDS if m.get(k) is not None]
        allowed = {"choice": ("weights",), "uniform": (), "normal": ("between",)}
        if len(kinds) != 1:
            c.keys(m, what, (), (*DRAW_KINDS, "weights", "between"))
            c.error(m, f"{what} needs exactly one of 'choice', 'uniform' or 'normal'")
            return None
        kind = kinds[0]
        c.keys(m, what, (kind, *(("between",) if kind == "normal" else ())), allowed[kind])
        if kind == "choice":
            return self._choice(m, fid, type_, what)
        if type_ not in ("integer", "number"):
            c.error(m.get(kind), f"{what}: '{kind}' draws numbers, but '{fid}' is {_a(type_)} fact; use 'choice'")
            return None
        pair = self._pair(m.get(kind), f"{what}: '{kind}'", "[low, high]" if kind == "uniform" else "[mean, sd]")
        if pair is None:
            return None
        if kind == "uniform":
            low, high = pair
            if type_ == "integer" and not all(type(x) is int for x in pair):
                c.error(m.get(kind), f"{what}: '{fid}' is an integer fact, so 'uniform' needs whole numbers")
                return None
            if not low < high:
                c.error(m.get(kind), f"{what}: 'uniform' needs low < high, not [{low:g}, {high:g}]")
                return None
            return Draw("uniform", low=low, high=high)
        mean, sd = pair
        between = self._pair(m.get("between"), f"{what}: 'between'", "[low, high]")
        if sd <= 0:
            c.error(m.get(kind), f"{what}: the sd of 'normal' must be above 0, not {sd:g}")
            return None
        if between is None:
            return None
        if type_ == "integer" and not all(type(x) is int for x in between):
            c.error(m.get("between"), f"{what}: '{fid}' is an integer fact, so 'between' needs whole numbers")
            return None
        if not between[0] < between[1]:
            c.error(m.get("between"), f"{what}: 'between' needs low < high, not [{between[0]:g}, {between[1]:g}]")
            return None
        return Draw("normal", low=between[0], high=between[1], mean=mean, sd=sd)

    def _pair(self, node: Node | None, what: str, shape: str) -> tuple[float, float] | None:
        seq = self.c.sequence(node, what)
        if seq is None:
            return None
        if len(seq.items) != 2:
            self.c.error(seq, f"{what} needs two numbers, {shape}")
            return None
        a, b = (self.c.number(item, what) for item in seq.items)
        return None if a is None or b is None else (a, b)

    def _choice(self, m: Map, fid: str, type_: str, what: str) -> Draw | None:
        c = self.c
        seq = c.sequence(m.get("choice"), f"{what}: 'choice'")
        if seq is None:
            return None
        values: list[FactValue] = []
        for item in seq.items:
            v = self.fact_value(item, f"{what}: a choice")
            coerced = None if v is None else coerce(v, type_)
            if v is not None and coerced is None:
                c.error(item, f"{what}: the choice {item.text} is {_a(type_of(v))}, but '{fid}' is {_a(type_)} fact")
            elif coerced is not None and coerced in values:
                c.error(item, f"{what}: the choice {item.text} is listed twice")
            elif coerced is not None:
                values.append(coerced)
        if len(values) != len(seq.items):
            return None
        if not values:
            c.error(seq, f"{what}: 'choice' needs at least one value")
            return None
        weights: list[float] = [1.0] * len(values)
        wseq = c.sequence(m.get("weights"), f"{what}: 'weights'")
        if wseq is not None:
            if len(wseq.items) != len(values):
                n = len(wseq.items)
                c.error(wseq, f"{what}: {n} weight{'s' if n != 1 else ''} for {len(values)} choices; give one weight per choice")
                return None
            numbers = [c.number(item, f"{what}: a weight") for item in wseq.items]
            if any(w is None for w in numbers):
                return None
            if any(w < 0 for w in numbers) or sum(numbers) <= 0:  # type: ignore[operator, arg-type]
                c.error(wseq, f"{what}: weights must be 0 or more, and not all 0")
                return None
            weights = [float(w) for w in numbers]  # type: ignore[arg-type]
        return Draw("choice", values=tuple(values), weights=tuple(weights))

    def levers(self, node: Node | None, fid: str, type_: str) -> tuple[FactValue, ...]:
        """The other values a fact may be given when searching for counterfactuals."""
        seq = self.c.sequence(node, f"levers of fact '{fid}'")
        out: list[FactValue] = []
        for item in seq.items if seq else ():
            v = self.fact_value(item, f"lever of fact '{fid}'")
            if v is None:
                continue
            coerced = coerce(v, type_)
            if coerced is None:
                self.c.error(item, f"lever {_describe(v)} does not fit '{fid}', which is {_a(type_)} fact")
            elif coerced not in out:
                out.append(coerced)
        return tuple(out)

    def fact_value(self, node: Node, what: str) -> FactValue | None:
        if isinstance(node, Scalar) and isinstance(node.value, (bool, int, float, str)):
            if isinstance(node.value, float) and (node.value != node.value or node.value in (float("inf"), float("-inf"))):
                self.c.error(node, f"{what} must be a finite number, not {node.text}")
                return None
            return node.value
        if isinstance(node, Scalar) and node.value is not None:
            self.c.error(node, f"{what} must be true/false, a number or text; put the date in quotes to use it as text")
        else:
            kind = "empty" if isinstance(node, Scalar) else f"a {node.kind}"
            self.c.error(node, f"{what} must be true/false, a number or text, not {kind}")
        return None

    # --- the deal -----------------------------------------------------------
    def deal_states(self, deal: Map | None) -> tuple[dict[str, State], str | None]:
        c = self.c
        if deal is None:
            return {}, None
        c.keys(deal, "deal", ("initial", "states", "transitions"), ())
        states: dict[str, State] = {}
        sm = c.mapping(deal.get("states"), "deal states")
        if sm is not None and not sm.items:
            c.error(sm, "deal states is empty; declare each state as 'name: description'")
        for key, value in sm.items if sm else ():
            sid = c.identifier(key, "state")
            desc = c.text(value, f"description of state '{key.text}'", allow_empty=True) if not (
                isinstance(value, Scalar) and value.value is None
            ) else ""
            if sid:
                states[sid] = State(sid, desc or "", key.loc)
        initial_node = deal.get("initial")
        initial = c.text(initial_node, "initial state")
        if initial is not None and states and initial not in states:
            c.error(initial_node, f"initial state '{initial}' is not one of the deal's states{did_you_mean(initial, states)}")
            initial = None
        return states, initial

    def transitions(
        self, deal: Map | None, states: frozenset[str], types: dict[str, str], parties: dict[str, Party]
    ) -> list[Transition]:
        if deal is None:
            return []
        seq = self.c.sequence(deal.get("transitions"), "deal transitions")
        out = []
        for item in seq.items if seq else ():
            t = self.transition(item, states, types, parties)
            if t:
                out.append(t)
        return out

    def transition(
        self, item: Node, states: frozenset[str], types: dict[str, str], parties: dict[str, Party]
    ) -> Transition | None:
        c = self.c
        m = c.mapping(item, "a transition")
        if m is None:
            return None
        tnode = m.get("trigger")
        label = tnode.text if isinstance(tnode, Scalar) else "?"  # names the transition in messages
        c.keys(m, "a transition", ("trigger", "from", "to"), ("when", "consent", "text"))
        trigger = self._id(m.get("trigger"), "trigger")
        if trigger:
            self.declared_triggers.add(trigger)  # known even if the rest is broken: no cascading errors
        if trigger and (trigger in RESERVED_TRIGGERS or trigger.startswith(("is_", "may_"))):
            c.error(m.get("trigger"), f"trigger name '{trigger}' is reserved; names 'state', 'trigger', 'is_…' and 'may_…' are taken by the engine")
            label = trigger
            trigger = None
        sources: list[str] = []
        src = m.get("from")
        for node in (src.items if isinstance(src, Seq) else (src,) if src is not None else ()):
            name = c.text(node, "transition 'from'")
            if name is None:
                continue
            if name not in states:
                c.error(node, f"transition '{label}' starts from unknown state '{name}'{did_you_mean(name, states)}")
            else:
                sources.append(name)
        if isinstance(src, Seq) and not src.items:
            c.error(src, f"transition '{label}' has an empty 'from' list; name the states it starts from")
        dest_node = m.get("to")
        dest = c.text(dest_node, "transition 'to'")
        if dest is not None and dest not in states:
            c.error(dest_node, f"transition '{label}' goes to unknown state '{dest}'{did_you_mean(dest, states)}")
            dest = None
        when = c.guard(m.get("when"), types, states, f"guard of transition '{label}'")
        consent_node = m.get("consent")
        consent: list[str] = []
        if consent_node is not None:
            for node in consent_node.items if isinstance(consent_node, Seq) else (consent_node,):
                name = c.text(node, "consent")
                if name is None:
                    continue
                if name not in parties:
                    c.error(node, f"transition '{label}' needs consent from unknown party '{name}'{did_you_mean(name, parties)}")
                elif name in consent:
                    c.error(node, f"party '{name}' is listed twice in the consent of transition '{label}'")
                else:
                    consent.append(name)
        text = c.text(m.get("text"), "transition text") or ""
        if not trigger or not sources or not dest:
            return None
        if m.get("when") is not None and when is None:
            return None
        return Transition(trigger, tuple(sources), dest, when, tuple(consent), text, m.loc)

    def reachability(self, initial: str, states: dict[str, State], transitions: list[Transition]) -> None:
        seen = reachable_states(transitions, initial)
        for sid, state in states.items():
            if sid not in seen:
                self.c.error(state.loc, f"state '{sid}' cannot be reached from the initial state '{initial}' by any transition")

    # --- parties ------------------------------------------------------------
    def parties(self, node: Node | None, types: dict[str, str], states: frozenset[str]) -> dict[str, Party]:
        c = self.c
        m = c.mapping(node, "parties")
        out: dict[str, Party] = {}
        for key, value in m.items if m else ():
            pid = c.identifier(key, "party")
            if pid:
                self.declared_parties.add(pid)
            pm = c.mapping(value, f"party '{key.text}'")
            if pm is None or pid is None:
                continue
            c.keys(pm, f"party '{pid}'", ("name",), ("description", "conditions"))
            name = c.text(pm.get("name"), f"name of party '{pid}'") or pid
            description = c.text(pm.get("description"), "party description") or ""
            conditions: dict[str, Condition] = {}
            cm = c.mapping(pm.get("conditions"), f"conditions of party '{pid}'")
            for ckey, cvalue in cm.items if cm else ():
                cond = self.condition(pid, ckey, cvalue, types, states)
                if cond is not None:
                    conditions[cond.id] = cond
            out[pid] = Party(pid, name, description, FrozenMap(conditions), key.loc)
        return out

    def condition(
        self, pid: str, ckey: Scalar, cvalue: Node, types: dict[str, str], states: frozenset[str]
    ) -> Condition | None:
        """One condition of party ``pid``: ``ckey: {text, when, active}``."""
        c = self.c
        cid = c.identifier(ckey, "condition")
        if cid:
            self.declared_conditions.add((pid, cid))
        cond = c.mapping(cvalue, f"condition '{pid}.{ckey.text}'")
        if cond is None or cid is None:
            return None
        what = f"condition '{pid}.{cid}'"
        c.keys(cond, what, ("text", "when"), ("active",))
        text = c.text(cond.get("text"), f"text of {what}")
        when = c.guard(cond.get("when"), types, states, what)
        active = c.boolean(cond.get("active"), f"'active' of {what}")
        if not (text and when):
            return None
        return Condition(pid, cid, text, when, True if active is None else active, ckey.loc)

    # --- the timeline ---------------------------------------------------------
    def timeline(
        self,
        node: Node | None,
        tz: timezone | None,
        facts: dict[str, Fact],
        types: dict[str, str],
        states: frozenset[str],
        parties: dict[str, Party],
        transitions: list[Transition],
    ) -> list[Event]:
        c = self.c
        seq = c.sequence(node, "timeline")
        triggers = self.declared_triggers
        out: list[Event] = []
        seen: dict[str, Loc] = {}
        for item in seq.items if seq else ():
            ev = self.event(item, tz, facts, types, states, parties, triggers)
            if ev is None:
                continue
            if ev.id in seen:
                c.error(ev.loc, f"event id '{ev.id}' is used twice (first at line {seen[ev.id].line})")
            seen[ev.id] = ev.loc
            if out and ev.at < out[-1].at:
                prev = out[-1]
                c.error(
                    ev.loc,
                    f"timeline out of order: event '{ev.id}' at {ev.at:%Y-%m-%d %H:%M} comes after "
                    f"'{prev.id}' at {prev.at:%Y-%m-%d %H:%M}; sort events by time",
                )
            out.append(ev)
        return out

    def event(
        self,
        item: Node,
        tz: timezone | None,
        facts: dict[str, Fact],
        types: dict[str, str],
        states: frozenset[str],
        parties: dict[str, Party],
        triggers: set[str],
    ) -> Event | None:
        c = self.c
        m = c.mapping(item, "a timeline event")
        if m is None:
            return None
        c.keys(
            m,
            "a timeline event",
            ("at", "id"),
            ("text", "if", "set", "add_conditions", "drop_conditions", "trigger", "otherwise", "cite", "p", "jitter", "codes"),
        )
        eid = self._id(m.get("id"), "event id")
        what = f"event '{eid}'" if eid else "event"
        at = c.local_time(m.get("at"), tz, f"'at' of {what}")
        text = c.text(m.get("text"), f"text of {what}") or ""
        if_ = c.guard(m.get("if"), types, states, f"'if' of {what}")
        sets = self.sets(m.get("set"), facts, what)
        add = self.condition_refs(m.get("add_conditions"), parties, f"add_conditions of {what}")
        drop = self.condition_refs(m.get("drop_conditions"), parties, f"drop_conditions of {what}")
        trigger = self.trigger_ref(m.get("trigger"), triggers, what, "trigger")
        otherwise = self.trigger_ref(m.get("otherwise"), triggers, what, "otherwise")
        if m.get("otherwise") is not None and m.get("trigger") is None:
            c.error(m.get("otherwise"), f"{what} has 'otherwise' but no 'trigger' to try first")
        cite = c.texts(m.get("cite"), f"cite of {what}") or ()
        p = c.probability(m.get("p"), f"'p' of {what}")
        jitter = c.duration(m.get("jitter"), f"'jitter' of {what}") or 0
        codes = None
        if m.get("codes") is not None:  # the code lists load only when a file uses them
            from .codes import check_codes

            codes = check_codes(c, m.get("codes"), what)
        if eid is None or at is None or (m.get("if") is not None and if_ is None):
            return None
        return Event(eid, at, text, if_, sets, add, drop, trigger, otherwise, cite, m.loc, p, jitter, codes)

    def sets(self, node: Node | None, facts: dict[str, Fact], what: str) -> tuple[tuple[str, FactValue], ...]:
        return tuple((fid, value) for _, fid, value in self.set_entries(node, facts, what))

    def set_entries(
        self, node: Node | None, facts: dict[str, Fact], what: str
    ) -> list[tuple[Scalar, str, FactValue]]:
        """Each ``fact: value`` of a ``set`` mapping that names a fact and fits its type, with its key.

        Shared by timeline events and variant files, so both say the same thing about the same mistake.
        """
        c = self.c
        m = c.mapping(node, f"'set' of {what}")
        out = []
        for key, value in m.items if m else ():
            name = key.value
            fact = facts.get(name) if isinstance(name, str) else None
            if fact is None:
                c.error(key, f"{what} sets unknown fact '{key.text}'{known_names(key.text, facts, 'facts')}")
                continue
            v = self.fact_value(value, f"value of '{fact.id}'")
            if v is None:
                continue
            coerced = coerce(v, fact.type)
            if coerced is None:
                c.error(value, f"{what} sets '{fact.id}' to {_describe(v)}, but '{fact.id}' is {_a(fact.type)} fact")
                continue
            out.append((key, fact.id, coerced))
        return out

    def condition_refs(self, node: Node | None, parties: dict[str, Party], what: str) -> tuple[tuple[str, str], ...]:
        c = self.c
        m = c.mapping(node, what)
        out = []
        for key, value in m.items if m else ():
            party = parties.get(key.value) if isinstance(key.value, str) else None
            if party is None:
                if key.value not in self.declared_parties:
                    c.error(key, f"{what} names unknown party '{key.text}'{did_you_mean(key.text, parties)}")
                continue
            for cnode in value.items if isinstance(value, Seq) else (value,):
                cid = c.text(cnode, f"condition in {what}")
                if cid is None or (cid not in party.conditions and (party.id, cid) in self.declared_conditions):
                    continue
                if cid not in party.conditions:
                    known = did_you_mean(cid, party.conditions) or (
                        "; declare it under parties." + party.id + ".conditions" + (" with 'active: false'" if "add" in what else "")
                    )
                    c.error(cnode, f"{what}: party '{party.id}' has no condition '{cid}'{known}")
                    continue
                out.append((party.id, cid))
        return tuple(out)

    def trigger_ref(self, node: Node | None, triggers: set[str], what: str, key: str) -> str | None:
        name = self.c.text(node, f"'{key}' of {what}")
        if name is None:
            return None
        if name not in triggers:
            self.c.error(node, f"'{key}' of {what} names unknown trigger '{name}'{did_you_mean(name, sorted(triggers))}")
            return None
        return name


def reachable_states(transitions: list[Transition] | tuple[Transition, ...], start: str) -> set[str]:
    """The states the deal graph can reach from ``start`` (itself included)."""
    edges: dict[str, set[str]] = {}
    for t in transitions:
        for src in t.sources:
            edges.setdefault(src, set()).add(t.dest)
    seen = {start}
    todo = deque([start])
    while todo:
        for nxt in edges.get(todo.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def coerce(value: FactValue, type_: str) -> FactValue | None:
    """``value`` as a fact of ``type_``, or None when it does not fit (ints fit number facts)."""
    actual = type_of(value)
    if actual == type_:
        return value
    if type_ == "number" and actual == "integer":
        return float(value)
    return None


def _describe(value: FactValue) -> str:
    return f"{_a(type_of(value))} ({value!r})"


def _a(t: str) -> str:
    return ("an " if t[0] in "aeiou" else "a ") + t

