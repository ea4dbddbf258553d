"""MSG-3: Zalo spends the refresh token at each renewal. The renewal is committed on its own
cursor, so the new refresh token is kept even when the sending transaction rolls back, and
the next renewal works (real cursors on the test database, fake Zalo on a local socket)."""

import uuid

import odoo
from odoo import SUPERUSER_ID, api

from odoo.addons.coka_messaging.tests.fake_providers import FakeZalo


def _registry():
    return odoo.modules.registry.Registry(odoo.tools.config["db_name"])


def test_rotated_refresh_token_survives_a_rollback_of_the_sender():
    fake = FakeZalo(refresh_token="first").start()
    tag = uuid.uuid4().hex[:8]
    try:
        with _registry().cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            provider = env["coka.message.provider"].create(
                {
                    "name": f"Zalo tokens {tag}",
                    "provider_type": "zalo_zns",
                    "api_url": fake.url,
                    "zalo_oauth_url": fake.url,
                    "zalo_app_id": "app",
                    "zalo_secret_key": "zsecret",
                    "zalo_refresh_token": "first",
                    "active": False,  # no other test's company uses it
                }
            )
            provider_id = provider.id
        with _registry().cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            client = env["coka.message.provider"].browse(provider_id)._coka_client()
            assert client.send("+84912345678", "", f"tok-{tag}", "tpl", {"a": "1"})
            cr.rollback()  # the sending transaction is lost (a crash, an error)
        with _registry().cursor() as cr:
            cr.execute(
                "SELECT zalo_refresh_token, zalo_access_token FROM coka_message_provider "
                "WHERE id = %s",
                [provider_id],
            )
            refresh, access = cr.fetchone()
        assert refresh == fake.refresh_token != "first"
        assert access in fake.valid_tokens
        fake.valid_tokens.clear()  # Zalo expires the access token: a second renewal works
        with _registry().cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            client = env["coka.message.provider"].browse(provider_id)._coka_client()
            assert client.send("+84912345678", "", f"tok2-{tag}", "tpl", {})
        assert fake.refreshes == 2
    finally:
        fake.stop()
