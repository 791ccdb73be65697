"""Security headers on every response the server sends."""

from __future__ import annotations

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import get_settings


def security_headers(frame_ancestors: str) -> dict[str, str]:
    """Same-origin only: no CDN, fonts or analytics can load, and the page can be framed only by
    the hosts a charity configures (FRAME_ANCESTORS)."""
    csp = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'none'; "
        f"form-action 'self'; frame-ancestors {frame_ancestors}"
    )
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
    }


def register(app: Sanic) -> None:
    headers = security_headers(get_settings().frame_ancestors)

    @app.middleware("response")
    async def add_headers(request: Request, response: HTTPResponse) -> None:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
