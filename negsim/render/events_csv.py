"""A replay as event-data rows (``negsim replay --format events-csv``).

One row per timeline event that carries ``codes`` and happened in this run
(an event whose ``if`` did not hold is left out: in this run it did not
occur). The first columns follow the order of GDELT- and ICEWS-style data
(date, source actor, target actor, event code, its CAMEO root); the rest tie
each row back to the scenario and the run, so a reader can check it.
"""

from __future__ import annotations

import csv
import io

from ..model import Scenario
from ..trace import SKIPPED, Trace

COLUMNS = (
    "date",
    "time",
    "source",
    "target",
    "event_code",
    "root_code",
    "quote",
    "scenario",
    "event",
    "outcome",
    "state",
    "text",
)


def render_events_csv(trace: Trace, scenario: Scenario) -> str:
    """The CSV text: a header row, then one row per coded event, '\\n' line ends."""
    events = {e.id: e for e in scenario.timeline}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for step in trace.steps:
        event = events.get(step.event)
        codes = event.codes if event is not None else None
        if codes is None or step.outcome == SKIPPED:
            continue
        writer.writerow(
            (
                step.at.strftime("%Y-%m-%d"),
                step.at.isoformat(),
                codes.source or "",
                codes.target or "",
                codes.event,
                codes.event[:2],
                " [...] ".join(" ".join(q.split()) for q in step.cite),  # separate passages, gaps marked
                trace.scenario,
                step.event,
                step.outcome,
                step.to_state,
                step.text,
            )
        )
    return out.getvalue()
