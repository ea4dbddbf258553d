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
        for sequence, (login, number) in enumerate(AGENTS, start=1):
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
            extension_id = self.admin.execute(
                "coka.pbx.extension",
                "create",
                {"number": number, "user_id": uid, "hotline_id": self.hotline_id},
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

    def agent_session(self, login):
        session = self.server.session()
        session.authenticate(login, self.agents[login]["password"])
        return session

    def set_status(self, login, status):
        self.admin.execute(
            "res.users", "write", [self.agents[login]["uid"]], {"coka_agent_status": status}
        )
