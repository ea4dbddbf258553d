"""Make the demo's PBX simulator ring an agent, then answer / end the call (issue 10.6).

    setup/ring.sh 101 0912345678     ring extension 101 from 0912345678 (signed call.ringing)
    setup/ring.sh answer [CALL_ID]   the agent picks up (call.answered)
    setup/ring.sh end [CALL_ID]      hang up (call.ended)
    setup/ring.sh calls              the simulator's calls

Without CALL_ID: the latest call not ended (also a call originated from Odoo: click-to-call).
Talks to the simulator started by setup/run.sh (COKA_PBX_SIM_URL, default 127.0.0.1:8899).
"""

import json
import os
import sys
import urllib.error
import urllib.request

SIM_URL = os.environ.get("COKA_PBX_SIM_URL", "http://127.0.0.1:8899").rstrip("/")


def control(action, body=None):
    """(status, answer) of one control request to the simulator."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{SIM_URL}/sim/{action}",
        data=data,
        headers={"Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def say(text, stream=sys.stdout):
    stream.write(f"{text}\n")


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        say(__doc__.strip())
        return 0 if argv else 2
    if argv[0] == "calls":
        request = ("calls", None)
    elif argv[0] in ("answer", "end"):
        request = (argv[0], {"call_id": argv[1]} if len(argv) > 1 else {})
    elif len(argv) == 2:
        request = ("ring", {"extension": argv[0], "from": argv[1]})
    else:
        say(__doc__.strip(), sys.stderr)
        return 2
    try:
        status, answer = control(*request)
    except (urllib.error.URLError, ConnectionError) as error:
        message = f"[coka] no PBX simulator at {SIM_URL} ({error}): start setup/run.sh"
        say(message, sys.stderr)
        return 1
    say(json.dumps(answer, indent=2, ensure_ascii=False))
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
