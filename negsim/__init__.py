"""negsim: replay and question ceasefire negotiations as guarded state machines.

The library API mirrors the command line::

    import negsim
    scenario = negsim.load("aleppo-2016-12")      # a bundled id or a path
    trace = negsim.replay(scenario)
    print(trace.final_state, trace.path)
    print(negsim.render_text(trace, scenario))

Heavy imports (``transitions``) happen only when a scenario is first run.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .catalog import bundled, resolve
from .engine import Engine, replay
from .errors import Loc, NegsimError, Problem, RunError, ScenarioError, UsageError
from .model import Scenario
from .render.show import render_show
from .render.text import render_text
from .trace import Trace, to_dict, to_json
from .whatif import apply


def load(
    name: str,
    *,
    set: tuple[str, ...] | list[str] = (),  # noqa: A002 - the option's name on the command line
    without: tuple[str, ...] | list[str] = (),
    skip: tuple[str, ...] | list[str] = (),
    variants: tuple[str, ...] | list[str] = (),
) -> Scenario:
    """Load a scenario by bundled id or path, with what-ifs applied.

    ``name`` may also be a variant file (or bundled variant id): its base is
    loaded and the variant applied. Then each of ``variants`` is applied in
    order, then ``set`` (``"FACT=VALUE"``), ``without`` (``"PARTY"`` or
    ``"PARTY.CONDITION"``) and ``skip`` (``"EVENT"``). Raises UsageError,
    ScenarioError or WhatIfError.
    """
    from .variant import load_any, load_variant
    from .whatif import apply, from_options

    scenario = load_any(resolve(name))
    for v in variants:
        variant, scenario = load_variant(resolve(v), base=scenario)
        scenario = variant.apply(scenario)
    ops = from_options(scenario, tuple(set), tuple(without), tuple(skip))
    return apply(scenario, ops)


def validate(path: str) -> list[Problem]:
    """Every problem in the scenario or variant file at ``path``; empty when valid."""
    from .variant import load_any

    try:
        load_any(path)
    except ScenarioError as exc:
        return list(exc.problems)
    return []


__all__ = [
    "__version__",
    "apply",
    "Engine",
    "Loc",
    "NegsimError",
    "Problem",
    "RunError",
    "Scenario",
    "ScenarioError",
    "Trace",
    "UsageError",
    "bundled",
    "load",
    "render_show",
    "render_text",
    "replay",
    "resolve",
    "to_dict",
    "to_json",
    "validate",
]
