"""Fixtures over XML-RPC as admin, idempotent: provider, agents with extensions and their
PBX package, the bench hotline and its ring group."""

import xmlrpc.client

from common import (
    AGENTS,
    BENCH_DB,
    HOTLINE,
    HOTLINE_E164,
    HOTLINE_STICKY,
    PROVIDER_CODE,
    WEBHOOK_SECRET,
    env,
)


class Admin:
    """XML-RPC as the administrator (admin / admin in a database without demo data)."""

    def __init__(self, url, login="admin", password="admin"):
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(BENCH_DB, login, password, {})
        if not self.uid:
            env.fail(f"XML-RPC login {login} refused by {url}")
        self.password = password
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            BENCH_DB, self.uid, self.password, model, method, list(args), kwargs
        )

    def xmlid(self, module, name):
        rows = self("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)])
        return rows[0]["res_id"]

    def find_or_create(self, model, domain, values, context=None):
        ids = self(model, "search", domain, limit=1, context=context or {})
        if ids:
            self(model, "write", ids, values)
            return ids[0]
        return self(model, "create", values)


def ensure_package(admin, user_ids, months=12):
    """Only members of an active PBX package are routed (SPEC BIL-4, BIL-7): activate or
    renew the company's package, buy the missing seats and add ``user_ids`` as members,
    paying with top-ups the admin (a Coin Operator) confirms himself (idempotent)."""
    operator = admin.xmlid("coka_pbx_billing", "group_coin_operator")
    admin("res.users", "write", [admin.uid], {"groups_id": [(4, operator)]})
    package_id = admin("coka.pbx.subscription", "action_open_package")["res_id"]

    def pay(wizard, values):
        wizard_id = admin(wizard, "create", dict(values, subscription_id=package_id))
        cost = admin(wizard, "read", [wizard_id], ["cost"])[0]["cost"]
        if cost:
            topup = admin("coka.coin.topup", "create", {"amount": cost, "payment_ref": "BENCH"})
            admin("coka.coin.topup", "action_confirm", [topup])
        admin(wizard, "action_confirm", [wizard_id])

    package = admin("coka.pbx.subscription", "read", [package_id], ["state", "member_ids"])[0]
    missing = [uid for uid in user_ids if uid not in package["member_ids"]]
    seats = len(package["member_ids"]) + len(missing)
    if package["state"] == "draft":
        pay("coka.pbx.package.activate", {"seats": seats, "months": months})
    elif package["state"] == "expired":
        pay("coka.pbx.package.renew", {"seats": seats, "months": months})
    free = admin("coka.pbx.subscription", "read", [package_id], ["free_seats"])[0]["free_seats"]
    if free < len(missing):
        pay("coka.pbx.seat.add", {"count": len(missing) - free})
    if missing:
        wizard_id = admin(
            "coka.pbx.member.add",
            "create",
            {"subscription_id": package_id, "user_ids": [(6, 0, missing)]},
        )
        admin("coka.pbx.member.add", "action_confirm", [wizard_id])


def ensure_fixtures(url, strategy="round_robin"):
    """Provider ``bench``, five agents ON with extensions 901..905, and the hotline
    028 7300 9999 whose ring group holds them, sticky mode "first" (idempotent).

    :return: dict with the ids and numbers the benchmarks use
    """
    admin = Admin(url)
    company_id = admin("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    provider_id = admin.find_or_create(
        "coka.pbx.provider",
        [("code", "=", PROVIDER_CODE)],
        {
            "name": "Bench PBX",
            "code": PROVIDER_CODE,
            "api_url": "http://127.0.0.1:9",
            "webhook_secret": WEBHOOK_SECRET,
            "active": True,
        },
        context={"active_test": False},
    )
    group_agent = admin.xmlid("coka_pbx", "group_agent")
    user_ids, extension_ids = [], []
    for login, number in AGENTS:
        user_id = admin.find_or_create(
            "res.users",
            [("login", "=", login)],
            {
                "name": f"Bench Agent {number}",
                "login": login,
                "groups_id": [(4, group_agent)],
                "coka_agent_status": "on",
                "active": True,
            },
            context={"active_test": False},
        )
        extension_id = admin.find_or_create(
            "coka.pbx.extension",
            [("number", "=", number), ("company_id", "=", company_id)],
            {"number": number, "user_id": user_id, "active": True},
            context={"active_test": False},
        )
        user_ids.append(user_id)
        extension_ids.append(extension_id)
    ensure_package(admin, user_ids)
    members = [(5, 0, 0)] + [
        (0, 0, {"extension_id": extension_id, "sequence": sequence})
        for sequence, extension_id in enumerate(extension_ids, start=1)
    ]
    hotline_values = {
        "number": HOTLINE,
        "provider_id": provider_id,
        "ring_strategy": strategy,
        "ring_member_ids": members,
        "active": True,
        **HOTLINE_STICKY,
    }
    hotline_id = admin.find_or_create(
        "coka.pbx.hotline",
        [("number_e164", "=", HOTLINE_E164), ("company_id", "=", company_id)],
        hotline_values,
        context={"active_test": False},
    )
    admin("coka.pbx.extension", "write", extension_ids, {"hotline_id": hotline_id})
    return {
        "company_id": company_id,
        "provider_id": provider_id,
        "hotline_id": hotline_id,
        "user_ids": user_ids,
        "extension_ids": extension_ids,
        "extensions": [number for _login, number in AGENTS],
        "strategy": strategy,
    }
