"""negsim: replay and question ceasefire negotiations as guarded state machines.

The library API mirrors the command line::

    import negsim
    scenario = negsim.load("aleppo-2016-12")      # a bundled id or a path
    trace = negsim.replay(scenario)
    print(trace.final_state, trace.path)
    print(negsim.render_text(trace, scenario))

Heavy imports (``transitions``) happen only when a scenario is first run,
and each public name is imported from its module only when first used.
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING

# Public names, imported from their modules on first use (PEP 562), so that
# ``import negsim`` is cheap and a command pays only for the modules it uses:
# ``negsim replay --format json`` never loads the text renderers.
_LAZY = {
    "bundled": "catalog",
    "resolve": "catalog",
    "Engine": "engine",
    "replay": "engine",
    "Loc": "errors",
    "NegsimError": "errors",
    "Problem": "errors",
    "RunError": "errors",
    "ScenarioError": "errors",
    "UsageError": "errors",
    "Scenario": "model",
    "render_show": "render.show",
    "render_text": "render.text",
    "Trace": "trace",
    "to_dict": "trace",
    "to_json": "trace",
    "apply": "whatif",
    "load_exercise": "exercise",
    "check_exercise": "exercise_check",
    "Session": "session",
}

if TYPE_CHECKING:  # what the names above are, for type checkers and editors
    from .catalog import bundled, resolve
    from .engine import Engine, replay
    from .errors import Loc, NegsimError, Problem, RunError, ScenarioError, UsageError
    from .model import Scenario
    from .render.show import render_show
    from .render.text import render_text
    from .trace import Trace, to_dict, to_json
    from .whatif import apply
    from .exercise import load_exercise
    from .exercise_check import check_exercise
    from .session import Session


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups do not come back here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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
    from .catalog import resolve
    from .scenario import load_any

    scenario = load_any(resolve(name))
    for v in variants:
        from .variant import load_variant

        variant, scenario = load_variant(resolve(v, "variant"), base=scenario)
        scenario = variant.apply(scenario)
    if set or without or skip:  # (no options: no operations, the scenario as loaded)
        from .whatif import apply, from_options

        scenario = apply(scenario, from_options(scenario, tuple(set), tuple(without), tuple(skip)))
    return scenario


def validate(path: str) -> list[Problem]:
    """Every problem in the scenario, variant or exercise file at ``path`` (or bundled id); empty when valid."""
    from .catalog import resolve
    from .errors import ScenarioError, UsageError
    from .scenario import load_any

    try:
        found = resolve(path)
    except UsageError:
        found = path  # loading it reports 'no such file' as a problem
    try:
        from .catalog import is_exercise

        if is_exercise(found):
            from .exercise import load_exercise

            load_exercise(found)
        else:
            load_any(found)
    except ScenarioError as exc:
        return list(exc.problems)
    return []


__all__ = [
    "__version__",
    "apply",
    "check_exercise",
    "Engine",
    "Loc",
    "NegsimError",
    "Problem",
    "RunError",
    "Scenario",
    "ScenarioError",
    "Session",
    "Trace",
    "UsageError",
    "bundled",
    "load",
    "load_exercise",
    "render_show",
    "render_text",
    "replay",
    "resolve",
    "to_dict",
    "to_json",
    "validate",
]
