"""Screenshots of the agent's workspace for the root README (issue 10, item 8).

Usage (Odoo's Python, on a database with the suite and its demo data, e.g. README command 1's):

    COKA_SCREENSHOT_DB=coka $ODOO_PYTHON setup/screenshots.py

Starts Odoo on free ports, logs in as the demo agent ``hoa`` in Vietnamese then English,
and with headless Chromium at 1366x768 (Chrome DevTools Protocol over ``websocket-client``)
captures into ``docs/screenshots/``: the systray, the dial pad, then, driven by signed PBX
webhooks for extension 101 from a demo contact's number, the incoming-call popup
(``.o_coka_incoming_call``) and the call panel (``.o_coka_call_panel``). A view that does
not appear within a few seconds is reported and skipped. The agent's language is put back.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

import requests

import coka_env as env
from browser import Browser, ChromiumMissing

sys.path.insert(0, str(env.ROOT / "coka_pbx" / "tools"))
from signature import sign  # noqa: E402  (the module's own signer, standard library only)

DB_NAME = os.environ.get("COKA_SCREENSHOT_DB", "coka")
SECRET = os.environ.get("COKA_DEMO_WEBHOOK_SECRET", "demo-webhook-secret")
PROVIDER_CODE, HOTLINE, EXTENSION = "demo", "028 7300 1234", "101"
LOGIN = PASSWORD = "hoa"
WIDTH, HEIGHT = 1366, 768
OUT = env.ROOT / "docs" / "screenshots"


class Odoo:
    """The JSON-RPC session of the agent."""

    def __init__(self, url):
        self.url = url
        self.http = requests.Session()
        answer = self.call("/web/session/authenticate", db=DB_NAME, login=LOGIN, password=PASSWORD)
        self.uid = answer["uid"]

    def call(self, route, **params):
        body = {"jsonrpc": "2.0", "method": "call", "params": params}
        answer = self.http.post(self.url + route, json=body, timeout=30).json()
        if answer.get("error"):
            env.fail(f"{route}: {answer['error']['data']['message']}")
        return answer["result"]

    def orm(self, model, method, *args, **kwargs):
        return self.call(
            "/web/dataset/call_kw", model=model, method=method, args=list(args), kwargs=kwargs
        )

    def webhook(self, event, call_id, number, **extra):
        body = {
            "event": event,
            "event_id": uuid.uuid4().hex,
            "call_id": call_id,
            "direction": "inbound",
            "hotline": HOTLINE,
            "from": number,
            "to": HOTLINE,
            "extension": EXTENSION,
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            **extra,
        }
        raw = json.dumps(body).encode()
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Coka-Timestamp": stamp,
            "X-Coka-Signature": sign(SECRET, stamp, raw),
        }
        url = f"{self.url}/coka_pbx/webhook/{PROVIDER_CODE}"
        response = requests.post(url, data=raw, headers=headers, timeout=30)
        if response.status_code != 200:
            env.fail(f"webhook {event}: HTTP {response.status_code} {response.text}")


def start_odoo():
    config = env.write_config(
        env.LOCAL / "screenshots" / "odoo.conf",
        env.LOCAL / "data",
        db_name=DB_NAME,
        dbfilter=f"^{DB_NAME}$",
        max_cron_threads=0,
    )
    port = env.free_port()
    log = env.LOCAL / "screenshots" / "odoo.log"
    process = subprocess.Popen(
        env.odoo_command(
            config,
            "-d",
            DB_NAME,
            f"--http-port={port}",
            f"--gevent-port={env.free_port()}",
            f"--logfile={log}",
        )
    )
    url = f"http://127.0.0.1:{port}"
    last_error = None
    for _attempt in range(300):
        if process.poll() is not None:
            env.fail(f"Odoo stopped at start (see {log}).")
        try:
            if requests.get(f"{url}/web/health", timeout=2).ok:
                return process, url
        except requests.RequestException as error:
            last_error = error
        time.sleep(0.5)
    process.terminate()
    env.fail(f"Odoo did not answer within 150 s ({last_error}).")


def shoot(browser, name):
    time.sleep(0.6)  # animations of dropdowns and notifications
    browser.screenshot(OUT / name)
    env.say(f"wrote {(OUT / name).relative_to(env.ROOT)}")


def capture(browser, odoo, lang, number):
    suffix = "vi" if lang == "vi_VN" else "en"
    odoo.orm("res.users", "write", [odoo.uid], {"lang": lang})
    browser.navigate(f"{odoo.url}/odoo")
    if not browser.has(".o_coka_agent_status", timeout=30):
        env.fail("the systray item .o_coka_agent_status did not appear: is hoa an agent?")
    shoot(browser, f"systray_{suffix}.png")
    browser.click(".o_coka_dialpad_toggle")
    browser.has(".o_coka_dialpad")
    shoot(browser, f"dialpad_{suffix}.png")
    browser.click(".o_coka_dialpad_toggle")
    call_id = f"shot-{uuid.uuid4().hex[:8]}"
    odoo.webhook("call.ringing", call_id, number)
    if browser.has(".o_coka_incoming_call", timeout=5):
        shoot(browser, f"incoming_call_{suffix}.png")
    else:
        env.say("no incoming-call popup (.o_coka_incoming_call): skipped")
    odoo.webhook("call.answered", call_id, number)
    if browser.has(".o_coka_call_panel", timeout=5):
        shoot(browser, f"call_panel_{suffix}.png")
    else:
        env.say("no call panel (.o_coka_call_panel): skipped")
    odoo.webhook("call.ended", call_id, number, status="answered", talk_seconds=42)


def main():
    env.ensure_postgres()
    if not env.database_exists(DB_NAME):
        env.fail(f"database {DB_NAME} does not exist: run setup/run.sh first (README command 1).")
    OUT.mkdir(parents=True, exist_ok=True)
    process, url = start_odoo()
    browser = None
    try:
        odoo = Odoo(url)
        contacts = odoo.orm(
            "res.partner", "search_read", [("mobile", "!=", False)], ["mobile"], limit=1
        )
        if not contacts:
            env.fail("no demo contact with a mobile number")
        lang = odoo.orm("res.users", "read", [odoo.uid], ["lang"])[0]["lang"]
        try:
            browser = Browser(WIDTH, HEIGHT).start()
        except ChromiumMissing as error:
            env.fail(str(error))
        browser.send(
            "Network.setCookie",
            name="session_id",
            value=odoo.http.cookies["session_id"],
            url=url,
        )
        try:
            for language in ("vi_VN", "en_US"):
                capture(browser, odoo, language, contacts[0]["mobile"])
        finally:
            odoo.orm("res.users", "write", [odoo.uid], {"lang": lang})
    finally:
        if browser:
            browser.stop()
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
