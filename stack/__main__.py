"""`make run`: start both servers, say where to talk to them, stop both on Ctrl-C."""

from __future__ import annotations

import sys

from bot.settings import ensure_staff_token
from stack import Stack, serve_until_stopped
from stack.settings import launcher_settings

# Never the token itself: `make run`'s output may be kept in a terminal log or a CI log.
STAFF_TOKEN_HELP = "token: run `grep STAFF_TOKEN .env` in the project folder"
STAFF_TOKEN_NEW = "A staff console token was created in .env (STAFF_TOKEN); read it there, never share it by chat."


def banner(stack: Stack, token_created: bool) -> str:
    """What `make run` prints: where to talk to it, and how to read the staff token (never the
    token itself, nor the sender secret: this output may be kept in a terminal or CI log)."""
    url = stack.url
    text = f"""
Safe to Ask is running.
  REST channel:   {url}/webhooks/rest/webhook
                  curl -s {url}/webhooks/rest/webhook -H 'Content-Type: application/json' -d \\
                    '{{"sender": "'$(openssl rand -hex 16)'", "message": "will the police tell the home office?"}}'
  Web widget:     {url}/widget/demo
  Staff console:  {url}/staff/   ({STAFF_TOKEN_HELP})
  Action server:  http://127.0.0.1:{stack.action_port}
  Logs:           {stack.log_dir}/
Press Ctrl-C to stop.
"""
    return text + (STAFF_TOKEN_NEW + "\n" if token_created else "")


def main() -> int:
    created = ensure_staff_token()
    settings = launcher_settings()
    stack = Stack(rasa_port=settings.rasa_port, action_port=settings.action_port)
    print(f"Logs: {stack.log_dir}/rasa.log and actions.log.", flush=True)
    return serve_until_stopped(stack.start, lambda: stack.processes, stack.stop, lambda: banner(stack, created))


if __name__ == "__main__":
    sys.exit(main())
