"""Renderers: turn model objects and traces into text for people and data for scripts."""
