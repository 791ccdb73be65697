"""Pages and APIs served beside the Rasa channels: security headers, web widget, staff console."""

from __future__ import annotations

from sanic import Sanic


def register_web(app: Sanic) -> None:
    """Attach every page the Rasa server serves besides the channels."""
    from bot.web import headers, staff, widget

    headers.register(app)
    widget.register(app)
    staff.register(app)
