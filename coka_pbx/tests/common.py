import json
import shutil
import time
from unittest.mock import patch

from odoo.tests.common import TransactionCase, new_test_user

from ..models.coka_pbx_extension import CokaPbxExtension
from ..tools import signature

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def require_chromium():
    """Fail (Odoo would skip the test) when no Chromium is installed: the browser tests are
    part of the suite and the README names Debian's ``chromium`` as a prerequisite."""
    if not any(shutil.which(name) for name in CHROMIUM_NAMES):
        raise AssertionError(
            "Chromium is required by the browser tests: install Debian's `chromium`."
        )


class CokaPbxCase(TransactionCase):
    """Shared data built by the tests themselves (never demo data)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # These tests exercise the PBX core alone: with coka_pbx_billing installed too,
        # routability also requires a seat in an active package, tested in that module.
        cls.startClassPatcher(
            patch.object(
                type(cls.env["coka.pbx.extension"]),
                "_coka_routable_sql",
                CokaPbxExtension._coka_routable_sql,
            )
        )
        cls.company = cls.env.company
        cls.agent_1 = new_test_user(cls.env, login="pbx_agent_1", groups="coka_pbx.group_agent")
        cls.agent_2 = new_test_user(cls.env, login="pbx_agent_2", groups="coka_pbx.group_agent")
        cls.manager = new_test_user(cls.env, login="pbx_manager", groups="coka_pbx.group_manager")
        cls.provider = cls.env["coka.pbx.provider"].create(
            {"name": "Test PBX", "code": "test-pbx", "webhook_secret": "s3cret"}
        )
        # The company's default hotline (made when the module was installed) gets its number.
        cls.hotline = cls.company._coka_default_hotline()
        cls.hotline.write({"number": "028 7300 9999", "provider_id": cls.provider.id})
        cls.ext_1, cls.ext_2 = cls.env["coka.pbx.extension"].create(
            [
                {"number": "201", "user_id": cls.agent_1.id, "hotline_id": cls.hotline.id},
                {"number": "202", "user_id": cls.agent_2.id, "hotline_id": cls.hotline.id},
            ]
        )

    @classmethod
    def _create_call(cls, user, number="0912345678", **vals):
        extension = user.coka_extension_ids[:1]
        return cls.env["coka.pbx.call"].create(
            {
                "provider_id": cls.provider.id,
                "provider_call_id": vals.pop("provider_call_id", f"call-{user.login}-{number}"),
                "hotline_id": cls.hotline.id,
                "direction": "inbound",
                "from_number": number,
                "customer_number": number,
                "extension_id": extension.id,
                "user_id": user.id,
                "status": "answered",
                **vals,
            }
        )

    def _route(self, caller="0912000999", status=200):
        """The signed routing answer (PBX-7) for a call from ``caller`` to the test hotline."""
        raw = json.dumps({"call_id": "r-1", "hotline": "028 7300 9999", "from": caller}).encode()
        stamp = str(int(time.time()))
        headers = {
            "X-Coka-Timestamp": stamp,
            "X-Coka-Signature": signature.sign("s3cret", stamp, raw),
        }
        answer_status, answer = (
            self.env["coka.pbx.provider"].sudo()._coka_receive("test-pbx", "route", headers, raw)
        )
        self.assertEqual(answer_status, status, answer)
        return answer
