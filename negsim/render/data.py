"""A scenario as plain JSON data (``negsim show --format json``)."""

from __future__ import annotations

import json

from ..model import Draw, Scenario


def scenario_dict(sc: Scenario) -> dict[str, object]:
    """Everything the scenario declares, with guards as their source text."""
    return {
        "id": sc.id,
        "title": sc.title,
        "description": sc.description,
        "timezone": sc.utc_offset,
        "sha256": sc.sha256,
        "sources": [{"id": s.id, "title": s.title, "date": s.date} for s in sc.sources],
        "whatifs": list(sc.applied),
        "facts": {
            f.id: {"value": f.value, "type": f.type, "text": f.text, "levers": list(f.levers), "draw": _draw(f.draw)}
            for f in sc.facts.values()
        },
        "parties": {
            p.id: {
                "name": p.name,
                "description": p.description,
                "conditions": {
                    c.id: {"text": c.text, "when": c.when.text, "active": c.active} for c in p.conditions.values()
                },
            }
            for p in sc.parties.values()
        },
        "initial": sc.initial,
        "states": {s.id: s.description for s in sc.states.values()},
        "transitions": [
            {
                "trigger": t.trigger,
                "from": list(t.sources),
                "to": t.dest,
                "when": t.when.text if t.when else None,
                "consent": list(t.consent),
                "text": t.text,
            }
            for t in sc.transitions
        ],
        "timeline": [
            {
                "at": e.at.isoformat(),
                "id": e.id,
                "text": e.text,
                "if": e.if_.text if e.if_ else None,
                "set": dict(e.set),
                "add_conditions": [f"{p}.{c}" for p, c in e.add_conditions],
                "drop_conditions": [f"{p}.{c}" for p, c in e.drop_conditions],
                "trigger": e.trigger,
                "otherwise": e.otherwise,
                "cite": list(e.cite),
                "p": e.p,
                "jitter_minutes": e.jitter,
                "codes": {"event": e.codes.event, "source": e.codes.source, "target": e.codes.target} if e.codes else None,
            }
            for e in sc.timeline
        ],
    }


def _draw(d: Draw | None) -> dict[str, object] | None:
    if d is None:
        return None
    if d.kind == "choice":
        return {"kind": "choice", "values": list(d.values), "weights": list(d.weights)}
    if d.kind == "uniform":
        return {"kind": "uniform", "low": d.low, "high": d.high}
    return {"kind": "normal", "mean": d.mean, "sd": d.sd, "low": d.low, "high": d.high}


def scenario_json(sc: Scenario) -> str:
    return json.dumps(scenario_dict(sc), indent=2, ensure_ascii=True) + "\n"
