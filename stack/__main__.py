"""`make run`: start both servers, say where to talk to them, stop both on Ctrl-C."""

from __future__ import annotations

import os
import signal
import sys
import time

from stack import Stack


def main() -> int:
    stack = Stack(
        rasa_port=int(os.environ.get("RASA_PORT", 5005)), action_port=int(os.environ.get("ACTION_SERVER_PORT", 5055))
    )
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        stack.start()
    except (RuntimeError, TimeoutError) as error:
        print(f"Could not start: {error}. See {stack.log_dir}/rasa.log and actions.log.", file=sys.stderr)
        stack.stop()
        return 1
    url = stack.url
    print(
        f"""
Safe to Ask is running.
  REST channel:   {url}/webhooks/rest/webhook
                  curl -s {url}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
                       -d '{{"sender": "demo", "message": "will the police tell the home office?"}}'
  Web widget:     {url}/widget/demo
  Staff console:  {url}/staff/   (token: STAFF_TOKEN in .env)
  Action server:  http://127.0.0.1:{stack.action_port}
  Logs:           {stack.log_dir}/
Press Ctrl-C to stop.
""",
        flush=True,
    )
    while not stopping:
        for name, process in stack.processes.items():
            if process.poll() is not None:
                print(f"The {name} server stopped (exit code {process.returncode}); stopping.", file=sys.stderr)
                stopping = True
        time.sleep(0.5)
    print("Stopping...", flush=True)
    stack.stop()
    print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
