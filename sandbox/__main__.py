"""``python -m sandbox <command>``: Django management with the sandbox's settings.

``python -m sandbox serve [--port 8001] [--host 127.0.0.1]`` execs gunicorn with ``sandbox/gunicorn.conf.py``
(one worker with threads, so in-memory tool state such as faults and counters is shared; ``SANDBOX_WORKERS``
raises that only for callers that use neither, see the config file).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _serve(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox serve")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SANDBOX_PORT", "8001")))
    parser.add_argument("--host", default=os.environ.get("SANDBOX_HOST", "127.0.0.1"))
    args = parser.parse_args(argv)
    conf = Path(__file__).with_name("gunicorn.conf.py")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-c", str(conf), "-b", f"{args.host}:{args.port}", "sandbox.wsgi:application"]
    # exec keeps the process id, so whoever started us can stop gunicorn directly.
    os.execv(command[0], command)  # noqa: S606


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sandbox.settings")
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        _serve(sys.argv[2:])
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["python -m sandbox", *sys.argv[1:]])


if __name__ == "__main__":
    main()
