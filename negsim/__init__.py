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
from .scenario import check
from .trace import Trace, to_dict, to_json


def load(name: str) -> Scenario:
    """Load a scenario by bundled id or path (raises UsageError or ScenarioError)."""
    from .scenario import load as _load

    return _load(resolve(name))


def validate(path: str) -> list[Problem]:
    """Every problem in the scenario file at ``path``; empty when valid."""
    return check(path)


__all__ = [
    "__version__",
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
