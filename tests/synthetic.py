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
