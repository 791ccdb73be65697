"""Placeholder: the widget pages are registered here."""

from __future__ import annotations

from sanic import Sanic


def register(app: Sanic) -> None:
    """Attach the widget routes to the Rasa server's Sanic app."""
