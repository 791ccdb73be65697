"""HTTP for the staff console: the page and its files (no token needed) and the token-protected API.

The page's choices (needs, language names) are filled in from the data files when it is read,
so the page and the API never disagree about what is allowed. Only the files found in
static/staff/ when the server starts are ever served, by name: there is no path handling.
"""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

import safelog
from bot.gateway import shared_gateway
from bot.json_body import BadRequest, read_json_object
from bot.places import languages
from bot.settings import get_settings
from bot.web.staff.assist import StaffAssist
from bot.web.staff.signin import SignInGuard
from bot.web.staff.validation import EXAMPLE_BODY, parse_assist
from bot.web.staff.vocabulary import Vocabulary, vocabulary

logger = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "staff"
STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
STARTING = "The assistant is still starting. Try again in a few seconds."


def error(status: int, message: str, **headers: str) -> HTTPResponse:
    return response.json({"error": message}, status=status, headers=headers or None)


def render_page(page: str, vocab: Vocabulary) -> str:
    """The console page with its needs and language names filled in from the data files."""
    needs = "\n".join(
        f'<div class="checkbox"><input type="checkbox" id="need-{code}" name="needs" value="{escape(code)}">'
        f'<label for="need-{code}">{escape(label)}</label></div>'
        for code, label in vocab.needs.items()
    )
    names = sorted(set(languages().names.values()))
    options = "".join(f'<option value="{escape(name.capitalize())}"></option>' for name in names)
    return page.replace("<!--NEEDS-->", needs).replace("<!--LANGUAGES-->", options)


def load_static(vocab: Vocabulary, directory: Path = STATIC_DIR) -> dict[str, tuple[bytes, str]]:
    """The console's files, read once: only these names are ever served."""
    if not directory.is_dir():
        return {}
    files = {
        p.name: (p.read_bytes(), STATIC_TYPES[p.suffix])
        for p in directory.iterdir()
        if p.is_file() and p.suffix in STATIC_TYPES
    }
    if "index.html" in files:
        page = render_page(files["index.html"][0].decode("utf-8"), vocab)
        files["index.html"] = (page.encode("utf-8"), files["index.html"][1])
    return files


def static_file(files: dict[str, tuple[bytes, str]], name: str) -> HTTPResponse:
    if name not in files:
        return error(404, "Not found.")
    body, content_type = files[name]
    return response.raw(body, content_type=content_type)


async def conversations_held(store: Any) -> int:
    inner = getattr(store, "_tracker_store", store)
    return len(list(await inner.keys()))


def refusal(guard: SignInGuard, request: Request) -> HTTPResponse | None:
    """None when the bearer token is right; otherwise the 401 or 429 to send, the same whether
    or not a token is configured."""
    verdict = guard.check(request.remote_addr or request.ip or "", request.headers.get("authorization"))
    if verdict.allowed:
        return None
    if verdict.status == 429:
        return error(429, verdict.message, **{"Retry-After": str(verdict.retry_after)})
    return error(401, verdict.message, **{"WWW-Authenticate": 'Bearer realm="staff"'})


def register(app: Sanic) -> None:
    """Attach the staff console and its API to the Rasa server's Sanic app."""
    settings = get_settings()
    service = StaffAssist(shared_gateway(), vocabulary())
    files = load_static(service.vocab)
    guard = SignInGuard(settings.staff_token)
    if not settings.staff_token:
        logger.warning("Staff access is not configured (STAFF_TOKEN is empty): the staff API refuses every request.")

    @app.get("/staff", strict_slashes=True, name="staff_redirect")
    async def staff_redirect(request: Request) -> HTTPResponse:
        return response.redirect("/staff/")

    @app.get("/staff/", strict_slashes=True, name="staff_page")
    async def staff_page(request: Request) -> HTTPResponse:
        return static_file(files, "index.html")

    @app.get("/staff/static/<name>", name="staff_static")
    async def staff_static(request: Request, name: str) -> HTTPResponse:
        return static_file(files, name)

    @app.post("/staff/api/assist", name="staff_assist")
    async def staff_assist(request: Request) -> HTTPResponse:
        refused = refusal(guard, request)
        if refused is not None:
            return refused
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or not agent.is_ready():
            return error(503, STARTING)
        try:
            assist = parse_assist(read_json_object(request, settings.max_body_bytes, EXAMPLE_BODY), service.vocab)
        except BadRequest as problem:
            return error(problem.status, str(problem))
        with safelog.sensitive(assist.query):
            return response.json(await service.assist(assist, agent))

    @app.get("/staff/api/status", name="staff_status")
    async def staff_status(request: Request) -> HTTPResponse:
        """Is the assistant ready, and how many conversations does the server hold (a count only:
        it lets a test or an operator check that staff queries leave nothing behind)."""
        refused = refusal(guard, request)
        if refused is not None:
            return refused
        agent = getattr(request.app.ctx, "agent", None)
        held = await conversations_held(agent.tracker_store) if agent is not None else 0
        return response.json({"ready": bool(agent and agent.is_ready()), "conversations_held": held})
