"""A tiny DevTools client: headless Chromium over `--remote-debugging-pipe`, no packages needed.

The browser reads commands (JSON, each ended by a NUL byte) on its file descriptor 3
and writes replies and events on 4. `Browser.open` loads a page with the network off and
returns what a test checks: the console, requests that left the machine, element sizes
from a script run in the page, a screenshot and a print to PDF.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--remote-debugging-pipe",
    # No network: every request that is not a file goes to a closed port.
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
]


class Browser:
    """One headless Chromium with a fresh profile; use as a context manager."""

    def __init__(self, executable: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="okrkpi-chromium-")
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def descriptors() -> None:  # in the child: the pipe ends where Chromium expects them
            # Out of the way first, so neither end is overwritten if it already is 3 or 4.
            reading = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10)
            writing = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
            os.dup2(reading, 3)  # dup2 makes them inheritable: they survive the exec
            os.dup2(writing, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=descriptors,  # noqa: PLW1509 - tests only; no threads touch the pipes yet
            close_fds=False,  # Python's own descriptors are not inheritable (PEP 446) anyway
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._next_id = 0
        self._replies: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        pending = b""
        while chunk := os.read(self._from_browser, 65536):
            pending += chunk
            *messages, pending = pending.split(b"\0")
            for raw in messages:
                message = json.loads(raw)
                with self._lock:
                    if "id" in message and message["id"] in self._replies:
                        self._replies[message["id"]].put(message)
                    else:
                        self.events.append(message)

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send a command; returns its result, or raises with the browser's error."""
        with self._lock:
            self._next_id += 1
            number = self._next_id
            reply: queue.Queue[dict[str, Any]] = queue.Queue()
            self._replies[number] = reply
        command: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session is not None:
            command["sessionId"] = session
        os.write(self._to_browser, json.dumps(command).encode() + b"\0")
        answer = reply.get(timeout=self.timeout)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def _wait_for(self, method: str, session: str) -> None:
        seen = threading.Event()

        def arrived() -> bool:
            with self._lock:
                return any(
                    e.get("method") == method and e.get("sessionId") == session for e in self.events
                )

        for _ in range(int(self.timeout * 20)):
            if arrived():
                return
            seen.wait(0.05)
        raise TimeoutError(method)

    def open(
        self, page: Path, *, width: int = 800, script: str = "null", media: str = "screen"
    ) -> dict[str, Any]:
        """Load `page` offline at `width` CSS pixels; returns what the page showed.

        `media="print"` shows it as printed (its print style sheet), for a screenshot.

        Keys: `console` (errors and warnings, exceptions included), `requests` (URLs
        other than the file itself and data: URLs), `measured` (the value of `script`,
        a JavaScript expression, evaluated in the page), `screenshot` (PNG bytes of the
        whole page) and `pdf` (the page printed, as PDF bytes).
        """
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session)
        self.send(
            "Network.emulateNetworkConditions",
            session,
            offline=True,
            latency=0,
            downloadThroughput=-1,
            uploadThroughput=-1,
        )
        self.send(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=width,
            height=1000,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.send("Emulation.setEmulatedMedia", session, media=media)
        self.send("Page.navigate", session, url=page.resolve().as_uri())
        self._wait_for("Page.loadEventFired", session)
        measured = self.send("Runtime.evaluate", session, expression=script, returnByValue=True)[
            "result"
        ].get("value")
        shot = self.send(
            "Page.captureScreenshot", session, format="png", captureBeyondViewport=True
        )
        pdf = self.send("Page.printToPDF", session, printBackground=True)
        with self._lock:
            events = [e for e in self.events if e.get("sessionId") == session]
        return {
            "console": _console(events),
            "requests": [
                e["params"]["request"]["url"]
                for e in events
                if e.get("method") == "Network.requestWillBeSent"
                and not e["params"]["request"]["url"].startswith(("file:", "data:"))
            ],
            "measured": measured,
            "screenshot": base64.b64decode(shot["data"]),
            "pdf": base64.b64decode(pdf["data"]),
        }

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError, queue.Empty):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        self._reader.join(timeout=5)
        os.close(self._from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _console(events: list[dict[str, Any]]) -> list[str]:
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append(json.dumps(params["exceptionDetails"]))
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "warning"):
            found.append(json.dumps(params["args"]))
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            found.append(params["entry"]["text"])
    return found
