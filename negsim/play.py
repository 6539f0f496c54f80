"""Playing an exercise at a terminal, or from an answers file.

The loop shows each inject as it comes, asks the roles it is addressed to
for their decision, and adds one action to the :class:`~negsim.session.Session`
per answer. It reads whole lines (so it works with piped input as well as
at a keyboard) and never guesses: an answer that is not an option number,
an option's label or a facilitator command is asked again.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from . import yamlsource
from .checks import Checker
from .errors import Loc, NegsimError, Problem, ScenarioError, UsageError, did_you_mean
from .exercise import Exercise, Inject
from .render.common import wrap
from .render.exercise import render_all_conditions, render_position, render_state
from .session import DECIDE, DELIVER, FIRE, SKIP, Action, Position, Session
from .yamlsource import Scalar

HELP = """\
Answer with an option's number (or its label). Facilitator commands:
  state         the deal's state and every fact now
  conditions    every party's conditions in force now, met or not
  skip          skip this inject (it will not happen)
  fire ID       bring a later inject forward to now
  undo          take back the last answer, skip or fire
  save FILE     save the session (resume it with --resume FILE); 'save FILE --force' overwrites
  quit          stop here, without a debrief
  help          this list"""


class EndOfInput(NegsimError):
    """Input ran out before the exercise ended."""


class Stopped(NegsimError):
    """The facilitator typed 'quit'."""

    exit_code = 0


def load_answers(path: str, exercise: Exercise) -> dict[str, int]:
    """Inject id -> option number, from a YAML or JSON mapping (raises ScenarioError)."""
    root = yamlsource.load(path)
    c = Checker(path)
    m = c.mapping(root, "an answers file")
    if m is None:
        c.raise_if_any()
    assert m is not None
    out: dict[str, int] = {}
    ids = [i.id for i in exercise.injects]
    for key, value in m.items:
        inject = exercise.inject(key.text)
        if inject is None:
            c.error(key, f"unknown inject '{key.text}'{did_you_mean(key.text, ids) or '; injects: ' + ', '.join(ids)}")
            continue
        if not inject.options:
            c.error(key, f"inject '{inject.id}' has no decision to answer")
            continue
        number = _option(inject, value.value if isinstance(value, Scalar) else None)
        if number is None:
            shown = value.text if isinstance(value, Scalar) else f"a {value.kind}"
            c.error(value, f"inject '{inject.id}' has no option {shown!r}; answer 1 to {len(inject.options)} or a label{did_you_mean(shown, [o.label for o in inject.options])}")
            continue
        out[inject.id] = number
    c.raise_if_any()
    return out


def _option(inject: Inject, answer: object) -> int | None:
    if isinstance(answer, bool) or answer is None:
        return None
    if isinstance(answer, int):
        return answer if 1 <= answer <= len(inject.options) else None
    text = " ".join(str(answer).split())
    if text.isdigit():  # (a number too long to be an option is not read as one)
        return _option(inject, int(text)) if len(text) <= 6 else None
    return next((o.number for o in inject.options if o.label.casefold() == text.casefold()), None)


def play(
    session: Session,
    *,
    echo: Callable[[str], None],
    read: Callable[[], str | None],
    answers: dict[str, int] | None = None,
    answers_path: str = "",
) -> Session:
    """Play ``session`` to the end; return the finished session.

    ``read`` returns one line, or None at end of input (raises EndOfInput).
    With ``answers`` nobody is asked: each decision takes its answer.
    """
    noted: set[str] = set()
    while True:
        trace = session.run()
        pos, passed = session.walk(trace)
        fired = {a.inject for a in session.actions if a.kind == FIRE}
        for iid in passed:
            if iid in fired and iid not in noted:
                noted.add(iid)
                echo(f"\n  (inject {iid} was fired, but its 'if' does not hold now: it is passed over)\n")
        if pos is None:
            return session
        inject = pos.inject
        echo(render_position(pos, session))
        if answers is not None:
            session = session.add(_scripted(session, inject, answers, answers_path, echo))
            continue
        if inject.options and not any(r in session.roles for r in inject.to):
            text = f"({_who(session, inject)} not played here: option 1 is taken: {inject.options[0].label})"
            echo("\n".join(wrap(text, "    ", "  ")) + "\n")
            session = session.add(Action(DECIDE, inject.id, 1, "default"))
            continue
        session = _ask(session, pos, echo, read)


def _who(session: Session, inject: Inject) -> str:
    return " and ".join(session.exercise.roles[r].name for r in inject.to)


def _scripted(session: Session, inject: Inject, answers: dict[str, int], path: str, echo: Callable[[str], None]) -> Action:
    if not inject.options:
        return Action(DELIVER, inject.id)
    number = answers.get(inject.id)
    if number is None:
        if any(r in session.roles for r in inject.to):
            options = "; ".join(f"{o.number}. {o.label}" for o in inject.options)
            raise ScenarioError([Problem(Loc(path), f"no answer for inject '{inject.id}' (options: {options})")])
        number, by = 1, "default"
    else:
        by = "answers"
    echo("\n".join(wrap(f"{_who(session, inject)}: {number}. {inject.options[number - 1].label}", "    ", "  ")) + "\n")
    return Action(DECIDE, inject.id, number, by)


def _ask(session: Session, pos: Position, echo: Callable[[str], None], read: Callable[[], str | None]) -> Session:
    """One prompt, asked until it gets an answer or a command that moves the session."""
    inject = pos.inject
    if inject.options:
        echo("\n".join(wrap(f"{_who(session, inject)} {'decide' if len(inject.to) > 1 else 'decides'}: {inject.prompt}", "    ", "  ")) + "\n")
        for o in inject.options:
            echo("\n".join(wrap(o.label, "       ", f"    {o.number}. ")) + "\n")
        question = f"Choice [1-{len(inject.options)}] (or 'help'): "
    else:
        question = "Press Enter to go on (or 'help'): "
    while True:
        echo(question)
        line = read()
        if line is None:
            raise EndOfInput(f"end of input at inject {inject.id}: the exercise stops here, without a debrief")
        text = " ".join(line.split())
        word, _, rest = text.partition(" ")
        word = word.lower()
        if inject.options and (number := _option(inject, text)) is not None and word not in COMMANDS:
            echo(f"  -> {number}. {inject.options[number - 1].label}\n")
            return session.add(Action(DECIDE, inject.id, number, "player"))
        if not inject.options and not text:
            return session.add(Action(DELIVER, inject.id))
        if word == "help":
            echo(HELP + "\n")
        elif word == "state":
            echo(render_state(pos, session))
        elif word == "conditions":
            echo(render_all_conditions(pos, session))
        elif word == "skip":
            echo(f"  Skipped inject {inject.id}.\n")
            return session.add(Action(SKIP, inject.id))
        elif word == "undo":
            if not session.actions:
                echo("  Nothing to undo.\n")
                continue
            last = session.actions[-1]
            echo(f"  Undone: {last.kind} {last.inject}.\n")
            return session.undo()
        elif word == "fire":
            moved = _fire(session, pos, rest, echo)
            if moved is not None:
                return moved
        elif word == "save":
            _save(session, rest, echo)
        elif word == "quit":
            raise Stopped(f"stopped at inject {inject.id}, without a debrief")
        else:
            shown = text if len(text) <= 40 else text[:37] + "..."
            what = f"'{shown}' is not" if text else "An empty answer is not"
            hint = f"answer 1 to {len(inject.options)}, a label, or" if inject.options else "press Enter, or type"
            echo(f"  {what} an option: {hint} a command ('help' lists them).\n")


COMMANDS = ("help", "state", "conditions", "skip", "undo", "fire", "save", "quit")


def _fire(session: Session, pos: Position, name: str, echo: Callable[[str], None]) -> Session | None:
    done = session.done()
    later = [i.id for i in session.exercise.injects if i.id not in done and i.id != pos.inject.id]
    if not name:
        echo(f"  fire needs an inject id; not yet played: {', '.join(later) or 'none'}\n")
        return None
    if name not in later:
        why = "has been played" if name in done else "is this inject" if name == pos.inject.id else "is not an inject"
        hint = did_you_mean(name, later) or f"; not yet played: {', '.join(later) or 'none'}"
        echo(f"  Cannot fire '{name}': it {why}{hint}\n")
        return None
    inject = next(i for i in session.exercise.injects if i.id == name)
    now = {**pos.situation.facts, "state": pos.situation.state}
    if inject.if_ is not None and not inject.if_.fn(now):
        echo(
            f"  Cannot fire '{name}' now: its 'if: {inject.if_.text}' does not hold at {pos.at:%d %b %H:%M} "
            f"(the deal is {pos.situation.state}); it stays at its own time.\n"
        )
        return None
    echo(f"  Inject {name} is brought forward to {pos.at:%d %b %H:%M}.\n")
    return session.add(Action(FIRE, name, at=pos.at))


def _save(session: Session, rest: str, echo: Callable[[str], None]) -> None:
    from .outputs import write_text

    import shlex

    try:
        words = shlex.split(rest, posix=os.name != "nt")  # a name with spaces goes in quotes
    except ValueError:
        words = rest.split()
    force = "--force" in words
    names = [w for w in words if w != "--force"]
    if len(names) != 1:
        echo("  save needs one file name: save FILE (or save FILE --force)\n")
        return
    try:
        write_text(names[0], session.to_json(), force=force)
    except (UsageError, NegsimError) as exc:
        echo(f"  Not saved: {exc}\n")
        return
    echo(f"  Saved to {names[0]}; continue later with --resume {names[0]}\n")
