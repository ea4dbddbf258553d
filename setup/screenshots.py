"""Screenshots of the agent's workspace for the root README (issue 10, item 8).

Usage (Odoo's Python, on a database with the suite and its demo data, e.g. README command 1's):

    COKA_SCREENSHOT_DB=coka $ODOO_PYTHON setup/screenshots.py

Starts Odoo on free ports, logs in as the demo agent ``hoa`` in Vietnamese then English,
and with headless Chromium at 1366x768 (Chrome DevTools Protocol over ``websocket-client``)
captures into ``docs/screenshots/``: the systray, the dial pad, then, with the demo's PBX
simulator ringing extension 101 from a demo contact's number (as ``setup/ring.sh`` does), the
incoming-call popup (``.o_coka_incoming_call``) and the call panel (``.o_coka_call_panel``).
Then the Call Center's leads (issue 11): the list and the form of the demo lead on the Do Not
Contact list (``.o_coka_dnc_alert``). ``COKA_SCREENSHOT_SET=leads`` (or ``workspace``) takes
only that set. A view that does not appear within a few seconds stops the script with its
name. The agent's language is put back; each language leaves one answered call in the
database (workspace set).
"""

import os
import subprocess
import time

import requests

import coka_env as env
from browser import Browser, ChromiumMissing
from pbx_sim import DEMO, load_simulator

DB_NAME = os.environ.get("COKA_SCREENSHOT_DB", "coka")
EXTENSION = "101"
LOGIN = PASSWORD = "hoa"
WIDTH, HEIGHT = 1366, 768
OUT = env.ROOT / "docs" / "screenshots"
SETS = os.environ.get("COKA_SCREENSHOT_SET", "all")
LEADS_ACTION = "action-coka_crm_leads.crm_lead_action_call_center"
DNC_NUMBER = "0913 579 246"


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
    # The PBX of the demo, as setup/ring.sh drives it: signed webhooks for extension 101.
    module = load_simulator()
    pbx = module.DemoControl(
        module.PbxSimulator(odoo.url, DEMO["provider"], DEMO["secret"]), DEMO["hotline"]
    )
    status, answer = pbx.ring(EXTENSION, number)
    if status != 200:
        env.fail(f"call.ringing: {answer}")
    call = pbx.simulator.calls[answer["call_id"]]
    if not browser.has(".o_coka_incoming_call", timeout=5):
        env.fail("the incoming-call popup .o_coka_incoming_call did not appear")
    shoot(browser, f"incoming_call_{suffix}.png")
    pbx.answer(call)
    if not browser.has(".o_coka_call_panel", timeout=5):
        env.fail("the call panel .o_coka_call_panel did not appear")
    shoot(browser, f"call_panel_{suffix}.png")
    pbx.end(call)


def capture_leads(browser, odoo, lang):
    suffix = "vi" if lang == "vi_VN" else "en"
    odoo.orm("res.users", "write", [odoo.uid], {"lang": lang})
    browser.navigate(f"{odoo.url}/odoo/{LEADS_ACTION}")
    if not browser.has(".o_list_view .o_data_row", timeout=30):
        env.fail("the Call Center's leads list did not appear")
    shoot(browser, f"leads_list_{suffix}.png")
    # The demo lead on the Do Not Contact list (coka_crm_leads.demo_lead_dnc), by its number.
    leads = odoo.orm("crm.lead", "search", [("coka_phone_search", "=", DNC_NUMBER)])
    if not leads:
        env.fail(f"no demo lead with the Do Not Contact number {DNC_NUMBER}")
    browser.navigate(f"{odoo.url}/odoo/{LEADS_ACTION}/{leads[0]}")
    if not browser.has(".o_form_view .o_coka_dnc_alert", timeout=30):
        env.fail("the Do Not Contact banner .o_coka_dnc_alert did not appear")
    shoot(browser, f"lead_form_{suffix}.png")


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
                if SETS in ("all", "workspace"):
                    capture(browser, odoo, language, contacts[0]["mobile"])
                if SETS in ("all", "leads"):
                    capture_leads(browser, odoo, language)
        finally:
            odoo.orm("res.users", "write", [odoo.uid], {"lang": lang})
    finally:
        if browser:
            browser.stop()
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
