"""Renderers: turn model objects and traces into text for people and data for scripts."""


def __getattr__(name: str) -> object:
    """Submodules as attributes on first use (``negsim.render.text``), as when they were imported eagerly."""
    from importlib import import_module

    if not name.startswith("_"):
        try:
            return import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
