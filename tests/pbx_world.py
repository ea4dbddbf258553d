"""The data the end-to-end PBX tests share, created over JSON-RPC as the administrator."""

import secrets

from .pbx_simulator import PbxSimulator

HOTLINE = "028 7300 5555"
HOTLINE_E164 = "+842873005555"
AGENTS = [("e2e_agent_1", "301"), ("e2e_agent_2", "302"), ("e2e_agent_3", "303")]


class PbxWorld:
    """Provider ``sim`` pointing at a running simulator, one hotline, three agents."""

    def __init__(self, server):
        self.server = server
        self.admin = server.session()
        self.secret = secrets.token_hex(16)
        self.api_key = secrets.token_hex(8)
        self.simulator = None
        self.agents = {}  # login -> {"uid", "extension_id", "number", "password"}
        self.hotline_id = None
        self.provider_id = None

    def xmlid(self, module, name):
        rows = self.admin.execute(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )
        return rows[0]["res_id"]

    def run_queue(self):
        """Run the job that writes the queued calls now, as an administrator's *Run
        Manually* does (the e2e server runs no cron)."""
        cron_id = self.xmlid("coka_pbx", "ir_cron_coka_apply_queued_events")
        self.admin.execute("ir.cron", "method_direct_trigger", [cron_id])

    def setup(self):
        self.admin.authenticate("admin", "admin")
        self.simulator = PbxSimulator(self.server.url, "sim", self.secret, api_key=self.api_key)
        self.simulator.start()
        self.provider_id = self.admin.execute(
            "coka.pbx.provider",
            "create",
            {
                "name": "Simulator",
                "code": "sim",
                "api_url": self.simulator.url,
                "api_key": self.api_key,
                "webhook_secret": self.secret,
            },
        )
        self.hotline_id = self.admin.execute(
            "coka.pbx.hotline",
            "create",
            {"number": HOTLINE, "provider_id": self.provider_id, "ring_strategy": "sequential"},
        )
        group_agent = self.xmlid("coka_pbx", "group_agent")
        users = []
        for login, number in AGENTS:
            password = secrets.token_hex(8)
            uid = self.admin.execute(
                "res.users",
                "create",
                {
                    "name": f"Agent {number}",
                    "login": login,
                    "password": password,
                    "groups_id": [(6, 0, [group_agent])],
                },
            )
            users.append((login, number, uid, password))
        # Only members of an active PBX package ring and call (SPEC BIL-4): the members get
        # their extensions from the package, numbered here like the PBX expects.
        extensions = self.buy_package([uid for _login, _number, uid, _password in users])
        for sequence, (login, number, uid, password) in enumerate(users, start=1):
            extension_id = extensions[uid]
            self.admin.execute(
                "coka.pbx.extension",
                "write",
                [extension_id],
                {"number": number, "hotline_id": self.hotline_id},
            )
            self.admin.execute(
                "coka.pbx.ring.member",
                "create",
                {
                    "hotline_id": self.hotline_id,
                    "extension_id": extension_id,
                    "sequence": sequence,
                },
            )
            self.agents[login] = {
                "uid": uid,
                "extension_id": extension_id,
                "number": number,
                "password": password,
            }

    def buy_package(self, user_ids, months=1):
        """Activate the company's PBX package with ``user_ids`` as members, the way an
        administrator who is also a Coin Operator would: top up, activate, add members.

        :return: dict user id -> id of the member's extension
        """
        operator = self.xmlid("coka_pbx_billing", "group_coin_operator")
        self.admin.execute("res.users", "write", [self.admin.uid], {"groups_id": [(4, operator)]})
        package_id = self.admin.execute("coka.pbx.subscription", "action_open_package")["res_id"]
        activate_id = self.admin.execute(
            "coka.pbx.package.activate",
            "create",
            {"subscription_id": package_id, "seats": len(user_ids), "months": months},
        )
        cost = self.admin.execute("coka.pbx.package.activate", "read", [activate_id], ["cost"])
        topup_id = self.admin.execute(
            "coka.coin.topup", "create", {"amount": cost[0]["cost"], "payment_ref": "E2E"}
        )
        self.admin.execute("coka.coin.topup", "action_confirm", [topup_id])
        self.admin.execute("coka.pbx.package.activate", "action_confirm", [activate_id])
        add_id = self.admin.execute(
            "coka.pbx.member.add",
            "create",
            {"subscription_id": package_id, "user_ids": [(6, 0, user_ids)]},
        )
        self.admin.execute("coka.pbx.member.add", "action_confirm", [add_id])
        rows = self.admin.execute(
            "coka.pbx.extension",
            "search_read",
            [("user_id", "in", user_ids)],
            fields=["user_id"],
        )
        return {row["user_id"][0]: row["id"] for row in rows}

    def agent_session(self, login):
        session = self.server.session()
        session.authenticate(login, self.agents[login]["password"])
        return session

    def set_status(self, login, status):
        self.admin.execute(
            "res.users", "write", [self.agents[login]["uid"]], {"coka_agent_status": status}
        )
