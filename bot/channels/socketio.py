"""The socket.io channel (`/socket.io/`) behind the web widget, through the gateway.

Speaks Rasa's protocol, so Rasa-compatible clients keep working:
- the client emits `session_request` {"session_id": ...} and gets `session_confirm` <session_id>;
- the client emits `user_uttered` {"message", "session_id"}; replies come back as `bot_uttered`
  ({"text"}, or {"text", "quick_replies"} for buttons, split on blank lines like Rasa does).
Additions, ignored by Rasa's clients:
- `session_state` {"resumed": false} after `session_confirm`, always the same: the server never
  says whether it holds a conversation for a session id (anyone could probe ids with it);
- `exit` {"session_id"}: quick exit, deletes the conversation at once (the widget also sends a
  beacon to /widget/forget, because a page that is being replaced may not flush its socket);
- `user_uttered` and `exit` acknowledge (socket.io ack) once every reply has been emitted.

Privacy: the session id is only ever the *raw* sender handed to the gateway, which turns it into
an HMAC before Rasa sees it; client metadata is dropped; nothing here logs ids or text.
Origins: only the configured ones may connect (engine.io refuses the handshake otherwise), never
judged by the Host or X-Forwarded-Host headers. One Sanic worker per process: socket.io keeps its
sessions in memory, so a deployment with several processes needs sticky routing (docs/channels.md).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput
from rasa.core.tracker_store import TrackerStore
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.gateway import Gateway, Incoming, shared_gateway
from bot.settings import Settings, get_settings
from contract import channels

logger = logging.getLogger(__name__)
CHANNEL = channels.SOCKETIO
_SESSION_ID = re.compile(r"[\x21-\x7e]{1,128}")
# The same answer whether or not the server holds a conversation for the session id asked for:
# otherwise anyone could learn which ids are in use (security audit, finding 6). Kept for the
# clients that read it; the widget greets once per page instead.
SESSION_STATE = {"resumed": False}

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def session_id_from(data: Any) -> str | None:
    """The client's session id when it is a sane token (printable ASCII, at most 128), else None."""
    value = data.get("session_id") if isinstance(data, dict) else None
    if isinstance(value, str) and _SESSION_ID.fullmatch(value):
        return value
    return None


def origin_checker(settings: Settings) -> Callable[[str | None, dict], bool]:
    """engine.io's `cors_allowed_origins` callable: exactly the configured origins.

    Never judged against the Host or X-Forwarded-Host headers: any client that is not a browser
    sets those to whatever it likes (and a proxy may pass them on), so they prove nothing. Allowed:
    ALLOWED_ORIGINS, the origin of PUBLIC_URL, and the server's own loopback origins on the port
    the connection really arrived on (the TCP socket's, not a header), where the demo page is served.
    """
    configured = {o.rstrip("/") for o in configured_origins(settings)}

    def check(origin: str | None, environ: dict | None = None) -> bool:
        if not origin:
            return False
        allowed = configured | loopback_origins(_local_port(environ or {}))
        return str(origin).rstrip("/") in allowed

    return check


def configured_origins(settings: Settings) -> set[str]:
    """ALLOWED_ORIGINS, PUBLIC_URL's origin, and the loopback origins of the configured port."""
    origins = set(settings.allowed_origins)
    public = urlsplit(settings.public_url) if settings.public_url else None
    if public is not None and public.scheme in ("http", "https") and public.netloc:
        origins.add(f"{public.scheme}://{public.netloc}")
    return origins | loopback_origins(settings.port)


def loopback_origins(port: int | None) -> set[str]:
    return {f"http://{host}:{port}" for host in ("127.0.0.1", "localhost")} if port else set()


def _local_port(environ: dict) -> int | None:
    """The server port the connection arrived on, from the socket itself."""
    info = getattr(environ.get("sanic.request"), "conn_info", None)
    port = getattr(info, "server_port", None)
    return port if isinstance(port, int) and port > 0 else None


def socket_messages(reply: dict[str, Any]) -> list[dict[str, Any]]:
    """One gateway reply in the shape Rasa's SocketIOOutput emits it."""
    if reply.get("custom") is not None:
        return [reply["custom"]] if isinstance(reply["custom"], dict) else [{"custom": reply["custom"]}]
    messages: list[dict[str, Any]] = []
    text = reply.get("text") or ""
    if text:
        messages = [{"text": part} for part in text.strip().split("\n\n") if part.strip()] or [{"text": text}]
    buttons = reply.get("buttons") or []
    if buttons:
        messages = messages or [{"text": ""}]
        messages[-1]["quick_replies"] = [
            {"content_type": "text", "title": b.get("title", ""), "payload": b.get("payload", "")} for b in buttons
        ]
    if reply.get("image"):
        messages.append({"attachment": {"type": "image", "payload": {"src": reply["image"]}}})
    if reply.get("attachment"):
        messages.append({"attachment": reply["attachment"]})
    return messages


class _AppBlueprint(SocketBlueprint):
    """Rasa's socket blueprint, remembering the app so handlers can reach the tracker store."""

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        self.ctx.app = app
        super().register(app, options)


class PrivateSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel with every message going through the gateway."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def get_output_channel(self) -> OutputChannel | None:
        """None: nothing may be pushed to a browser outside an exchange the person started
        (and the room names Rasa would use are HMACs that no socket has joined)."""
        return None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        settings = get_settings()
        gateway = shared_gateway()
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=origin_checker(settings),
            cors_credentials=False,
            max_http_buffer_size=settings.max_body_bytes,
            cookie=None,
        )
        self.sio = sio
        blueprint = _AppBlueprint(sio, self.socketio_path, "private_socketio_webhook", __name__)
        sessions: dict[str, str] = {}  # socket id -> raw session id, while connected

        def store() -> TrackerStore | None:
            app = getattr(blueprint.ctx, "app", None)
            agent = getattr(getattr(app, "ctx", None), "agent", None)
            return getattr(agent, "tracker_store", None)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict, auth: Any = None) -> bool:
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str, reason: Any = None) -> None:
            sessions.pop(sid, None)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            session = session_id_from(data) or uuid.uuid4().hex
            sessions[sid] = session
            await sio.emit("session_confirm", session, to=sid, namespace=self.namespace)
            await sio.emit("session_state", SESSION_STATE, to=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None) -> dict[str, Any]:
            session = sessions.get(sid) or session_id_from(data) or sid
            sessions.setdefault(sid, session)
            text = data.get("message", "") if isinstance(data, dict) else data
            incoming = Incoming(CHANNEL, session, text, _client_address(sio, sid, self.namespace))
            outcome = await gateway.handle(incoming, on_new_message, store())
            count = 0
            for reply in outcome.replies:
                for message in socket_messages(reply):
                    await sio.emit(self.bot_message_evt, message, to=sid, namespace=self.namespace)
                    count += 1
            return {"replies": count, "deleted": outcome.deleted}

        @sio.on("exit", namespace=self.namespace)
        async def quick_exit(sid: str, data: Any = None) -> dict[str, Any]:
            session = sessions.pop(sid, None) or session_id_from(data)
            if session:
                await gateway.forget(CHANNEL, session, store())
            return {"deleted": bool(session)}

        return blueprint


def _client_address(sio: AsyncServer, sid: str, namespace: str | None) -> str:
    """The client's address, for the per-address rate limit (never logged)."""
    try:
        request = sio.get_environ(sid, namespace=namespace or "/").get("sanic.request")
    except (KeyError, AttributeError):
        return ""
    return (getattr(request, "remote_addr", "") or getattr(request, "ip", "") or "") if request else ""


async def forget_session(raw_session: str, store: TrackerStore | None, gateway: Gateway | None = None) -> None:
    """Delete a widget conversation (used by the /widget/forget beacon as well as `exit`)."""
    await (gateway or shared_gateway()).forget(CHANNEL, raw_session, store)
