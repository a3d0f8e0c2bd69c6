"""An engine host that stops after the first progress message of a load while a flag file exists.

A test that kills the host "while it loads" at that message then knows the load cannot have
finished meanwhile: a small model loads in a fraction of a second, and on a busy machine the host
could otherwise send its last progress and ``loaded`` before the client reads the first progress
(the kill then hits a host that has already loaded the model, and no load fails).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench.engine import client as client_module

STALLING_HOST = """
import os, sys, time
from workbench.engine import host

flag = sys.argv[1]
send = host.Host.send

def stalling_send(self, message):
    send(self, message)
    if message.get("type") == "progress" and os.path.exists(flag):
        time.sleep(600)  # until the test kills it

host.Host.send = stalling_send
raise SystemExit(host.main())
"""


def stall_loads(monkeypatch: pytest.MonkeyPatch, flag: Path) -> None:
    """Hosts started from now on stall after a load's first progress while ``flag`` exists."""
    flag.write_text("stall")
    monkeypatch.setattr(client_module, "host_command", lambda: [sys.executable, "-c", STALLING_HOST, str(flag)])
