import threading
import uuid
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools import retry
from .common import CokaPbxCase
from .fake_server import LocalServerMixin


class FakeRecordings(BaseHTTPRequestHandler):
    """``GET /calls/<id>/recording`` of the generic API: the ids in ``server.good`` get audio
    bytes, every other one a 503. Each request is counted per path."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.server.hits.append(self.path)
        call_id = self.path.split("/")[2]
        if call_id in self.server.good:
            body, status, kind = b"ID3 fake audio", 200, "audio/mpeg"
        else:
            body, status, kind = b'{"error": "recording store down"}', 503, "application/json"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestRecordingFetch(LocalServerMixin, CokaPbxCase):
    """The recording job backs off, gives up after a bound and goes in id order (issue 9)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), FakeRecordings)
        cls.server.hits, cls.server.good = [], set()
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.provider.api_url = f"http://127.0.0.1:{cls.server.server_address[1]}"

    def setUp(self):
        super().setUp()
        self.server.hits.clear()
        self.server.good.clear()

    def _recorded_call(self, provider_call_id):
        return self._create_call(
            self.agent_1,
            provider_call_id=provider_call_id,
            recording_url=f"https://pbx.example/rec/{provider_call_id}.mp3",
        )

    def _run_cron(self, batch=50):
        with mute_logger("odoo.addons.coka_pbx.models.coka_pbx_call"):
            return self.env["coka.pbx.call"]._cron_coka_fetch_recordings(batch=batch)

    def test_a_recording_that_always_fails_stops_after_the_bound(self):
        call = self._recorded_call("rec-bad")
        delays = []
        for attempt in range(1, retry.RECORDING_FETCH_MAX_ATTEMPTS + 1):
            before = fields.Datetime.now()
            self.assertEqual(self._run_cron(), 1)
            self.assertEqual(len(self.server.hits), attempt)
            self.assertEqual(call.recording_fetch_attempts, attempt)
            self.assertIn("HTTP 503", call.recording_fetch_error)
            if attempt < retry.RECORDING_FETCH_MAX_ATTEMPTS:
                self.assertFalse(call.recording_fetch_failed)
                delays.append(call.recording_fetch_next_date - before)
                # Not due yet: the next run leaves it alone.
                self.assertEqual(self._run_cron(), 0)
                self.assertEqual(len(self.server.hits), attempt)
                # Time passes until the next attempt is due.
                call.recording_fetch_next_date = fields.Datetime.now() - timedelta(seconds=1)
        self.assertTrue(call.recording_fetch_failed)
        self.assertFalse(call.recording_fetch_next_date)
        self.assertEqual(delays, sorted(delays))
        self.assertGreater(delays[-1], delays[0] * 8)
        # Given up: never fetched again, and managers find it with the filter.
        for _run in range(3):
            self.assertEqual(self._run_cron(), 0)
        self.assertEqual(len(self.server.hits), retry.RECORDING_FETCH_MAX_ATTEMPTS)
        self.assertEqual(
            self.env["coka.pbx.call"]
            .with_user(self.manager)
            .search([("recording_fetch_failed", "=", True)]),
            call,
        )

    def test_calls_go_in_id_order_and_a_failure_does_not_stop_the_others(self):
        bad, good, later = (self._recorded_call(ref) for ref in ("rec-1", "rec-2", "rec-3"))
        self.server.good.update({"rec-2", "rec-3"})
        self.assertEqual(self._run_cron(batch=2), 2)
        self.assertEqual(self.server.hits, ["/calls/rec-1/recording", "/calls/rec-2/recording"])
        self.assertEqual(
            (bad.recording_fetch_attempts, bool(bad.recording_attachment_id)), (1, False)
        )
        self.assertEqual(good.recording_attachment_id.raw, b"ID3 fake audio")
        self.assertFalse(later.recording_attachment_id)
        # The failed call waits for its next attempt; the next run takes the later one.
        self.assertEqual(self._run_cron(batch=2), 1)
        self.assertTrue(later.recording_attachment_id)
        # Once the store is back, the failed call is fetched and its error cleared.
        self.server.good.add("rec-1")
        bad.recording_fetch_next_date = fields.Datetime.now() - timedelta(seconds=1)
        self.assertEqual(self._run_cron(), 1)
        self.assertTrue(bad.recording_attachment_id)
        self.assertFalse(bad.recording_fetch_error)

    def test_backoff_doubles_up_to_a_day(self):
        self.assertEqual(retry.next_delay(1), timedelta(minutes=5))
        self.assertEqual(retry.next_delay(2), timedelta(minutes=10))
        self.assertEqual(retry.next_delay(4), timedelta(minutes=40))
        self.assertEqual(retry.next_delay(30), timedelta(days=1))
        self.assertFalse(retry.gives_up(retry.RECORDING_FETCH_MAX_ATTEMPTS - 1))
        self.assertTrue(retry.gives_up(retry.RECORDING_FETCH_MAX_ATTEMPTS))


@tagged("post_install", "-at_install")
class TestEventVacuum(CokaPbxCase):
    """Webhook idempotency rows are kept for the window only (issue 9)."""

    def setUp(self):
        super().setUp()
        # The counts below are of this test's events: deliveries another run committed in the
        # database (the pytest suite's real cursors) go first, rolled back with the test.
        self.env["coka.pbx.event"].search([]).unlink()

    def _claim(self, ref):
        """Claim a delivery of an event ``ref`` for a call of its own."""
        event = {"event_id": ref, "event": "call.ringing"}
        call = self.env["coka.pbx.call"].create(
            {"provider_id": self.provider.id, "provider_call_id": f"call-{ref}-{uuid.uuid4().hex}"}
        )
        return self.env["coka.pbx.event"]._coka_claim(self.provider, event, call)

    def test_events_older_than_the_window_go_newer_ones_stay(self):
        Event = self.env["coka.pbx.event"]
        old, recent = self._claim("evt-old"), self._claim("evt-recent")
        recent.received_date = recent.received_date + timedelta(days=2)
        start = old.received_date
        with freeze_time(start + timedelta(days=29)):
            self.assertEqual(Event._gc_coka_events(), 0)
            # Inside the window a repeated delivery is still recognised.
            self.assertFalse(self._claim("evt-old"))
        with freeze_time(start + timedelta(days=31)):
            self.assertEqual(Event._gc_coka_events(), 1)
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
        self.assertFalse(self._claim("evt-recent"))
        # After the window, the old delivery is forgotten: it would be applied again.
        self.assertTrue(self._claim("evt-old"))

    def test_window_is_a_setting(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.coka_event_window_days, 30)
        settings.coka_event_window_days = 10
        settings.execute()
        self.assertEqual(self.env["coka.pbx.event"]._coka_window_days(), 10)
        old = self._claim("evt-11-days")
        with freeze_time(old.received_date + timedelta(days=11)):
            self.assertEqual(self.env["coka.pbx.event"]._gc_coka_events(), 1)
        self.env["ir.config_parameter"].set_param("coka_pbx.event_window_days", "nonsense")
        self.assertEqual(self.env["coka.pbx.event"]._coka_window_days(), 30)

    def test_deletes_in_batches_and_asks_for_another_run(self):
        Event = self.env["coka.pbx.event"]
        events = Event.browse([self._claim(f"evt-batch-{i}").id for i in range(5)])
        job = self.env.ref("base.autovacuum_job")
        Trigger = self.env["ir.cron.trigger"]
        triggers = Trigger.search_count([("cron_id", "=", job.id)])
        with freeze_time(datetime.now() + timedelta(days=40)):
            self.assertEqual(Event._gc_coka_events(batch=2), 2)
            self.assertEqual(Trigger.search_count([("cron_id", "=", job.id)]), triggers + 1)
            self.assertEqual(Event._gc_coka_events(batch=2), 2)
            self.assertEqual(Event._gc_coka_events(batch=2), 1)
            self.assertEqual(Trigger.search_count([("cron_id", "=", job.id)]), triggers + 2)
        self.assertFalse(events.exists())
