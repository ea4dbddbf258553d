"""A headless Chromium driven over the Chrome DevTools Protocol: the end-to-end tests of
the web client (tests/test_e2e_popup.py) and the README's screenshots (setup/screenshots.py).
Uses ``websocket-client`` (requirements-dev.txt, imported when a browser starts) and Debian's
``chromium``.

Each Browser is its own Chromium process with its own profile (own cookies): two of them are
two agents at two desks.
"""

import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from base64 import b64decode

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


class ChromiumMissing(RuntimeError):
    """No Chromium to run the browser tests with."""


def find_chromium():
    """Path of the Chromium binary: ``COKA_CHROMIUM`` when set, else Debian's ``chromium``
    on the ``PATH``; raise :class:`ChromiumMissing` without one."""
    chosen = os.environ.get("COKA_CHROMIUM")
    candidates = [chosen] if chosen else [shutil.which(name) for name in CHROMIUM_NAMES]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise ChromiumMissing(
        "Chromium is required for the browser tests and was not found: install Debian's "
        "package `chromium` (apt-get install chromium) or set COKA_CHROMIUM to its path."
    )


class BrowserError(RuntimeError):
    """A DevTools command or a page script failed."""


class Browser:
    """One headless Chromium with one page (tab)."""

    def __init__(self, width=1366, height=768):
        self.width, self.height = width, height
        self.process = None
        self.profile = None
        self.ws = None
        self._ids = itertools.count(1)

    def start(self, timeout=30):
        binary = find_chromium()
        self.profile = tempfile.mkdtemp(prefix="coka-chromium-")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                f"--window-size={self.width},{self.height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + timeout
        while not os.path.exists(port_file) or not open(port_file).read().strip():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise BrowserError("Chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
            pages = [t for t in json.loads(answer.read()) if t["type"] == "page"]
        import websocket  # noqa: PLC0415  (setup/test.py imports this file before installing it)

        # No Origin header: Chromium refuses DevTools connections from an origin it was not
        # told to allow (--remote-allow-origins), and takes those without one.
        self.ws = websocket.create_connection(
            pages[0]["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=self.width,
            height=self.height,
            deviceScaleFactor=1,
            mobile=False,
        )
        return self

    def stop(self):
        if self.ws is not None:
            self.ws.close()
            self.ws = None
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.profile:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def send(self, method, **params):
        """One DevTools command; returns its result (events meanwhile are dropped)."""
        command_id = next(self._ids)
        self.ws.send(json.dumps({"id": command_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == command_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression, await_promise=True):
        """Value of a JavaScript expression in the page."""
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=await_promise,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"page script failed: {text}")
        return result["result"].get("value")

    def navigate(self, url, timeout=60):
        self.send("Page.navigate", url=url)
        self.wait_for(
            "document.readyState === 'complete' && location.href !== 'about:blank'", timeout
        )

    def wait_for(self, expression, timeout=30, interval=0.05):
        """Poll a JavaScript expression until truthy; returns its value or raises after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(expression)
            except BrowserError:
                value = None  # e.g. while the page navigates
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"not true within {timeout}s: {expression}")
            time.sleep(interval)

    def login(self, base_url, login, password, timeout=60):
        """Log in through Odoo's login form, wait for the web client and its bus websocket."""
        self.navigate(f"{base_url}/web/login")
        self.evaluate(
            "(() => {"
            f"document.querySelector('input[name=login]').value = {json.dumps(login)};"
            f"document.querySelector('input[name=password]').value = {json.dumps(password)};"
            "document.querySelector('form.oe_login_form').submit(); })()"
        )
        self.wait_for("!!document.querySelector('.o_web_client .o_main_navbar')", timeout)
        self.wait_for(BUS_CONNECTED, timeout)

    def click(self, selector):
        """Click the first element matching ``selector``."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def has(self, selector, timeout=10):
        """Whether an element matching ``selector`` appears within ``timeout`` seconds."""
        try:
            return bool(self.wait_for(f"!!document.querySelector({json.dumps(selector)})", timeout))
        except TimeoutError:
            return False

    def screenshot(self, path):
        """Write the page as a PNG to ``path`` (a ``pathlib.Path``)."""
        path.write_bytes(b64decode(self.send("Page.captureScreenshot", format="png")["data"]))

    def text_of(self, selector):
        """innerText of every element matching ``selector``."""
        return self.evaluate(
            f"[...document.querySelectorAll({json.dumps(selector)})].map(e => e.innerText)"
        )


# The web client's bus (odoo.__WOWL_DEBUG__ is set by Odoo's own env in every mode): its
# shared worker is connected to /websocket (WORKER_STATE.CONNECTED of @bus/workers).
BUS_CONNECTED = "odoo.__WOWL_DEBUG__?.root?.env?.services?.bus_service?.workerState === 'CONNECTED'"
