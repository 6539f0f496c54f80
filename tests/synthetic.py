"""Synthetic scenarios whose answers are known by construction (used by tests and benchmarks)."""

from __future__ import annotations


def stages(k: int, *, levers: bool = False) -> str:
    """A deal that must pass k stages; stage i passes if party a_i OR party b_i consents.

    Every condition fails, so the minimal sets are exactly one of a_i.ok / b_i.ok
    per stage: 2**k sets of size k.
    """
    facts = "\n".join(f"  f{i}: {{value: false{', levers: [true]' if levers else ''}}}" for i in range(k))
    parties = "\n".join(
        f"  {p}{i}:\n    name: {p.upper()}{i}\n    conditions:\n      ok: {{text: {p}{i} agrees, when: f{i}}}"
        for i in range(k)
        for p in "ab"
    )
    states = "\n".join(f"    s{i}: stage {i}" for i in range(k + 1))
    transitions = "\n".join(
        f"    - {{trigger: go{i}, from: s{i}, to: s{i + 1}, consent: [a{i}]}}\n"
        f"    - {{trigger: alt{i}, from: s{i}, to: s{i + 1}, consent: [b{i}]}}"
        for i in range(k)
    )
    timeline = "\n".join(
        f"  - {{at: 2020-01-01T{i:02d}:00, id: e{i}, trigger: go{i}, otherwise: alt{i}}}" for i in range(k)
    )
    return (
        f'negsim: 1\nid: stages\ntitle: Stages\ntimezone: "+00:00"\nfacts:\n{facts}\nparties:\n{parties}\n'
        f"deal:\n  initial: s0\n  states:\n{states}\n  transitions:\n{transitions}\ntimeline:\n{timeline}\n"
    )


def one_step(n: int) -> str:
    """A deal with one step that n conditions of one party all block.

    The only minimal set is all n conditions: the search needs two runs.
    """
    facts = "\n".join(f"  f{i}: false" for i in range(n))
    conditions = "\n".join(f"      c{i}: {{text: demand {i}, when: f{i}}}" for i in range(n))
    return (
        f'negsim: 1\nid: one-step\ntitle: One step\ntimezone: "+00:00"\nfacts:\n{facts}\n'
        f"parties:\n  alpha:\n    name: Alpha\n    conditions:\n{conditions}\n"
        "deal:\n  initial: open\n  states: {open: Open, signed: Signed}\n"
        "  transitions:\n    - {trigger: sign, from: open, to: signed, consent: [alpha]}\n"
        "timeline:\n  - {at: 2020-01-01T10:00, id: e0, trigger: sign}\n"
    )


def random_scenario(rng, *, uncertain: bool = True) -> str:  # noqa: ANN001 - a random.Random
    """A random valid scenario: a few states, parties, guarded transitions (some sharing
    a trigger), and a timeline that sets facts, adds and drops conditions, tries
    triggers with 'otherwise' and 'if', and (with ``uncertain``) draws facts and
    events at random. Used to check the fast path against the Machine."""
    n_states = rng.randint(2, 5)
    states = [f"s{i}" for i in range(n_states)]
    facts = {f"b{i}": rng.choice(["true", "false"]) for i in range(3)}
    facts.update({f"n{i}": str(rng.randint(0, 5)) for i in range(2)})
    draws = {}
    if uncertain:
        for name in rng.sample(sorted(facts), rng.randint(0, 3)):
            if name.startswith("b"):
                draws[name] = f"{{choice: [true, false], weights: [{rng.randint(0, 3)}, {rng.randint(1, 3)}]}}"
            else:
                draws[name] = rng.choice(["{uniform: [0, 5]}", "{choice: [1, 3, 5]}", "{normal: [2, 1.5], between: [0, 5]}"])

    def guard() -> str:
        kind = rng.randint(0, 4)
        if kind == 0:
            return f"b{rng.randint(0, 2)}"
        if kind == 1:
            return f"not b{rng.randint(0, 2)}"
        if kind == 2:
            return f"n{rng.randint(0, 1)} >= {rng.randint(0, 5)}"
        if kind == 3:
            return f'state != "{rng.choice(states)}"'
        return f"b{rng.randint(0, 2)} or n{rng.randint(0, 1)} < {rng.randint(1, 5)}"

    parties = []
    for p in range(rng.randint(1, 3)):
        conds = "\n".join(
            f"      c{c}: {{text: condition {c}, when: '{guard()}', active: {rng.choice(['true', 'true', 'false'])}}}"
            for c in range(rng.randint(1, 3))
        )
        parties.append((f"p{p}", conds))
    triggers = [f"t{i}" for i in range(rng.randint(2, 4))]
    transitions = []
    for k in range(rng.randint(n_states, 2 * n_states + 2)):
        sources = rng.sample(states, rng.randint(1, min(2, n_states)))
        dest = rng.choice(states)
        if k < n_states - 1:  # a chain first, so that every state can be reached
            sources, dest = [states[k]], states[k + 1]
        line = f"    - {{trigger: {rng.choice(triggers)}, from: [{', '.join(sources)}], to: {dest}"
        if rng.random() < 0.4:
            line += f", when: '{guard()}'"
        consent = rng.sample([p for p, _ in parties], rng.randint(0, len(parties)))
        if consent:
            line += f", consent: [{', '.join(consent)}]"
        transitions.append(line + "}")
    used = sorted({t.split("trigger: ")[1].split(",")[0] for t in transitions})
    events = []
    for i in range(rng.randint(3, 10)):
        parts = [f"at: 2020-01-01T{i:02d}:{rng.choice(['00', '30'])}", f"id: e{i}"]
        if rng.random() < 0.6:
            parts.append(f"trigger: {rng.choice(used)}")
            if rng.random() < 0.3:
                parts.append(f"otherwise: {rng.choice(used)}")
        if rng.random() < 0.2:
            parts.append(f"if: '{guard()}'")
        if rng.random() < 0.4:
            name = rng.choice(sorted(facts))
            value = rng.choice(["true", "false"]) if name.startswith("b") else str(rng.randint(0, 5))
            parts.append(f"set: {{{name}: {value}}}")
        p, conds = rng.choice(parties)
        ids = [line.split(":")[0].strip() for line in conds.splitlines()]
        if rng.random() < 0.3:
            parts.append(f"add_conditions: {{{p}: [{rng.choice(ids)}]}}")
        if rng.random() < 0.2:
            parts.append(f"drop_conditions: {{{p}: [{rng.choice(ids)}]}}")
        if uncertain and rng.random() < 0.3:
            parts.append(f"p: {rng.choice(['0', '0.25', '0.5', '0.9', '1'])}")
        if uncertain and rng.random() < 0.3:
            parts.append(f"jitter: {rng.choice(['30m', '1h', '2h30m'])}")
        events.append("  - {" + ", ".join(parts) + "}")
    fact_lines = "\n".join(
        f"  {name}: {{value: {value}, draw: {draws[name]}}}" if name in draws else f"  {name}: {value}"
        for name, value in facts.items()
    )
    party_lines = "\n".join(f"  {p}:\n    name: Party {p}\n    conditions:\n{conds}" for p, conds in parties)
    return (
        f'negsim: 1\nid: random\ntitle: Random\ntimezone: "+00:00"\nfacts:\n{fact_lines}\nparties:\n{party_lines}\n'
        f"deal:\n  initial: s0\n  states: {{{', '.join(f'{s}: state {s}' for s in states)}}}\n"
        f"  transitions:\n" + "\n".join(transitions) + "\ntimeline:\n" + "\n".join(events) + "\n"
    )
