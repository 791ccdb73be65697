"""The web chat widget, served by the Rasa server itself under /widget/.

- `/widget/widget.js`: the one script a charity embeds. Rendered once per process from
  static/widget.js with, inlined: the settings it needs (exit URL, conversation lifetime), the
  safety lines from data/safety.yml (so it can show 999 and the 24/7 helplines when the server is
  unreachable: one source for every channel) and the socket.io client from node_modules (pinned
  in package-lock.json), wrapped so it defines no global. Nothing is loaded from another host.
- `/widget/widget.css`, `/widget/page.css`, `/widget/demo` (a neutral demo host page), `/widget/privacy` (what quick
  exit can and cannot do, and how to browse privately).
- `POST /widget/forget`: quick exit's `navigator.sendBeacon` target. A page being replaced may
  never flush its socket, but the browser delivers beacons after the page has gone. The body is
  the session id in plain text (a CORS-safelisted request, so it works from a charity's page).
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.socketio import forget_session, session_id_from
from bot.danger.flag import emergency_card
from bot.language.locales import language_menu
from bot.safety import safety_lines
from bot.settings import PROJECT_ROOT, Settings, get_settings

logger = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
SOCKET_IO_CLIENT = PROJECT_ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
CONFIG_MARK = "/*__CONFIG__*/{}"
SOCKET_IO_MARK = "/*__SOCKET_IO__*/"
PAGES = {"demo": "demo.html", "privacy": "privacy.html"}


def widget_config(settings: Settings) -> dict:
    """What widget.js needs to know at run time; nothing secret."""
    lines = safety_lines()
    return {
        "exitUrl": settings.exit_url,
        "idleMinutes": settings.idle_minutes,
        "languages": language_menu(),  # issue 15: the first screen's language menu
        "safety": {
            "unavailable": "The chat can't connect right now.",
            "emergency": lines.emergency,
            "human": lines.human,
            "helplines": [{"name": h.name, "phone": h.phone} for h in lines.helplines],
        },
        "emergencyCard": emergency_card(),
    }


def socket_io_client(path: Path = SOCKET_IO_CLIENT) -> str:
    """The socket.io browser bundle without its source-map comment, or "" when `npm ci` never ran
    (the widget then shows its offline safety information instead of breaking)."""
    if not path.exists():
        logger.error("The socket.io client is missing (%s): run `make node` (npm ci).", path)
        return ""
    text = path.read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("//# sourceMappingURL="))


@lru_cache(maxsize=1)
def widget_script() -> str:
    template = (STATIC / "widget.js").read_text(encoding="utf-8")
    config = json.dumps(widget_config(get_settings()), ensure_ascii=True).replace("</", "<\\/")
    return template.replace(CONFIG_MARK, config, 1).replace(SOCKET_IO_MARK, socket_io_client(), 1)


@lru_cache(maxsize=4)
def page(name: str) -> str:
    settings = get_settings()
    html = (STATIC / PAGES[name]).read_text(encoding="utf-8")
    return html.replace("__IDLE_MINUTES__", str(settings.idle_minutes))


@lru_cache(maxsize=4)
def stylesheet(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def register(app: Sanic) -> None:
    """Attach the widget routes to the Rasa server's Sanic app."""

    @app.route("/widget/widget.js", methods=["GET"], name="widget_script")
    async def script(_: Request) -> HTTPResponse:
        return response.text(widget_script(), content_type="text/javascript; charset=utf-8")

    @app.route("/widget/widget.css", methods=["GET"], name="widget_style")
    async def style(_: Request) -> HTTPResponse:
        return response.text(stylesheet("widget.css"), content_type="text/css; charset=utf-8")

    @app.route("/widget/page.css", methods=["GET"], name="widget_page_style")
    async def page_style(_: Request) -> HTTPResponse:
        return response.text(stylesheet("page.css"), content_type="text/css; charset=utf-8")

    @app.route("/widget/demo", methods=["GET"], name="widget_demo")
    async def demo(_: Request) -> HTTPResponse:
        return response.html(page("demo"))

    @app.route("/widget/privacy", methods=["GET"], name="widget_privacy")
    async def privacy(_: Request) -> HTTPResponse:
        return response.html(page("privacy"))

    @app.route("/widget/forget", methods=["POST"], name="widget_forget")
    async def forget(request: Request) -> HTTPResponse:
        body = (request.body or b"")[:256].decode("utf-8", "replace").strip()
        session = session_id_from({"session_id": body})
        if session:
            agent = getattr(request.app.ctx, "agent", None)
            await forget_session(session, getattr(agent, "tracker_store", None))
        return response.empty(status=204)
