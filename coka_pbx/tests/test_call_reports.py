import json
import time
from datetime import timedelta
from unittest.mock import ANY, patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..tools import signature
from ..tools.pbx_client import GenericPbxClient
from .common import CokaPbxCase, require_chromium
from .test_webhook import event_body


class CallReportsCase(CokaPbxCase):
    """Calls reported over the signed webhook, QA rules of the test's own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The rules installed with the module are archived: each test sets its own.
        cls.env["coka.pbx.qa.rule"].search([]).action_archive()
        cls.hotline.too_long_minutes = 2

    def _send(self, body):
        raw = json.dumps(body).encode()
        stamp = str(int(time.time()))
        headers = {
            "X-Coka-Timestamp": stamp,
            "X-Coka-Signature": signature.sign("s3cret", stamp, raw),
        }
        status, answer = (
            self.env["coka.pbx.provider"].sudo()._coka_receive("test-pbx", "webhook", headers, raw)
        )
        self.assertEqual(status, 200, answer)
        return answer

    def _answered_call(self, call_id, talk=60, ring=5, run_after_call=True, **ended):
        """Ring, answer by extension 201, end: the call as the PBX reports it; then, unless
        ``run_after_call`` is false, the after-call job runs (QA score, too-long review)."""
        self._send(event_body("call.ringing", call_id, at="2026-11-20T08:00:00Z"))
        self._send(event_body("call.answered", call_id, at="2026-11-20T08:00:05Z", extension="201"))
        end = event_body(
            "call.ended",
            call_id,
            at="2026-11-20T09:00:00Z",
            extension="201",
            status="answered",
            ring_seconds=ring,
            talk_seconds=talk,
            **ended,
        )
        self._send(end)
        if run_after_call:
            self.env["coka.pbx.call"]._cron_coka_after_call()
        return self.env["coka.pbx.call"].search([("provider_call_id", "=", call_id)]), end


@tagged("post_install", "-at_install")
class TestQaScore(CallReportsCase):
    """REP-5: the QA score of answered calls, with its breakdown."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Rule = cls.env["coka.pbx.qa.rule"]
        cls.rule_note = Rule.create({"name": "Note", "kind": "note", "min_chars": 5, "weight": 1})
        cls.rule_short = Rule.create(
            {"name": "Not too short", "kind": "too_short", "seconds": 30, "weight": 1}
        )
        cls.rule_phrases = Rule.create(
            {
                "name": "Greeting",
                "kind": "required_phrases",
                "keywords": "xin chào, cảm ơn",
                "weight": 2,
            }
        )

    def test_each_answered_call_gets_a_score_with_its_breakdown(self):
        call, _end = self._answered_call("qa-1", talk=60, transcript="Xin chào anh, em là Lan")
        # Not too short (1 of 4 weights), one phrase of two (2 of 4, half): no note yet.
        self.assertEqual(call.qa_score, 50.0)
        self.assertEqual(call.transcript, "Xin chào anh, em là Lan")
        by_rule = {line["rule_id"]: line for line in call.qa_breakdown}
        self.assertEqual(
            set(by_rule), {self.rule_note.id, self.rule_short.id, self.rule_phrases.id}
        )
        self.assertEqual(
            (by_rule[self.rule_note.id]["points"], by_rule[self.rule_note.id]["max_points"]),
            (0.0, 25.0),
        )
        self.assertEqual(by_rule[self.rule_short.id]["points"], 25.0)
        self.assertEqual(by_rule[self.rule_phrases.id]["points"], 25.0)
        self.assertEqual(by_rule[self.rule_phrases.id]["measured"], ["xin chào"])

    def test_the_saved_note_is_scored(self):
        call, _end = self._answered_call("qa-note", talk=60)
        self.assertEqual(call.qa_score, 25.0)
        call.with_user(self.agent_1)._coka_save_note("Khách cảm ơn, gửi báo giá")
        # The note is written (25) and says one of the two phrases (25).
        self.assertEqual(call.qa_score, 75.0)

    def test_a_transcript_sent_after_the_end_is_scored(self):
        call, _end = self._answered_call("qa-late", talk=60)
        self.assertEqual(call.qa_score, 25.0)
        self._send(
            event_body(
                "recording.ready",
                "qa-late",
                at="2026-11-20T09:00:10Z",
                recording_url="https://pbx.example/rec/late",
                transcript="Xin chào anh. Dạ, cảm ơn anh!",
            )
        )
        self.assertEqual(call.transcript, "Xin chào anh. Dạ, cảm ơn anh!")
        self.assertEqual(call.qa_score, 75.0)

    def test_hold_time_from_the_pbx(self):
        self.env["coka.pbx.qa.rule"].create(
            {"name": "Hold", "kind": "hold_time", "seconds": 30, "weight": 4}
        )
        call, _end = self._answered_call("qa-hold", talk=60, hold_seconds=45)
        self.assertEqual(call.hold_seconds, 45)
        hold = next(line for line in call.qa_breakdown if line["kind"] == "hold_time")
        self.assertEqual((hold["measured"], hold["target"], hold["points"]), (45, 30, 0.0))
        self.assertEqual(call.qa_score, 12.5)

    def test_calls_not_answered_get_no_score(self):
        self._send(event_body("call.ringing", "qa-missed"))
        self._send(
            event_body("call.ended", "qa-missed", at="2026-11-20T08:00:30Z", status="missed")
        )
        call = self.env["coka.pbx.call"].search([("provider_call_id", "=", "qa-missed")])
        self.assertEqual(call.status, "missed")
        self.assertFalse(call.qa_breakdown)
        self.env.flush_all()
        self.env.cr.execute("SELECT qa_score FROM coka_pbx_call WHERE id = %s", [call.id])
        self.assertIsNone(self.env.cr.fetchone()[0])

    def test_a_rules_weight_changes_the_score_of_calls_ended_afterwards(self):
        before, _end = self._answered_call("qa-before", talk=10)
        # No note, no greeting, and too short (10 s < 30 s).
        self.assertEqual(before.qa_score, 0.0)
        self.rule_note.write({"weight": 0})
        self.rule_short.with_user(self.manager).write({"kind": "too_short", "seconds": 5})
        after, _end = self._answered_call("qa-after", talk=10)
        self.assertEqual(after.qa_score, 33.3)
        self.rule_short.with_user(self.manager).weight = 6
        later, _end = self._answered_call("qa-later", talk=10)
        self.assertEqual(later.qa_score, 75.0)
        # Scores already given are not rewritten.
        self.assertEqual((before.qa_score, after.qa_score), (0.0, 33.3))

    def test_each_company_scores_with_its_own_rules(self):
        other = self.env["res.company"].create({"name": "Chi nhánh Hà Nội"})
        foreign = self.env["coka.pbx.qa.rule"].create(
            {
                "name": "Other",
                "kind": "too_short",
                "seconds": 9999,
                "weight": 50,
                "company_id": other.id,
            }
        )
        call, _end = self._answered_call("qa-company", talk=60)
        self.assertEqual(call.qa_score, 25.0)
        self.assertNotIn(foreign.id, [line["rule_id"] for line in call.qa_breakdown])
        # A manager of this company only does not see the other company's rules.
        rules = self.env["coka.pbx.qa.rule"].with_user(self.manager).search([])
        self.assertNotIn(foreign, rules)
        self.assertIn(self.rule_note, rules)

    def test_agents_cannot_edit_rules_nor_scores(self):
        call, _end = self._answered_call("qa-agent", talk=60)
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            self.rule_note.with_user(self.agent_1).weight = 10
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            call.with_user(self.agent_1).qa_score = 100

    def test_average_score_per_agent(self):
        self._answered_call("qa-avg-1", talk=60)  # 25
        call, _end = self._answered_call("qa-avg-2", talk=60, transcript="xin chào, cảm ơn")  # 75
        groups = self.env["coka.pbx.call"].read_group(
            [
                (
                    "id",
                    "in",
                    (
                        call
                        | self.env["coka.pbx.call"].search([("provider_call_id", "=", "qa-avg-1")])
                    ).ids,
                )
            ],
            ["qa_score:avg"],
            ["user_id"],
        )
        self.assertEqual(
            [(g["user_id"][0], g["qa_score"]) for g in groups], [(self.agent_1.id, 50.0)]
        )


@tagged("post_install", "-at_install")
class TestTooLongReview(CallReportsCase):
    """REP-3: one review activity per too-long call, for the reviewer of Settings."""

    def _activities(self, call):
        return self.env["mail.activity"].search(
            [("res_model", "=", "coka.pbx.call"), ("res_id", "=", call.id)]
        )

    def test_the_reviewer_gets_one_activity_even_when_the_end_is_delivered_twice(self):
        self.company.coka_review_user_id = self.manager
        call, end = self._answered_call("long-1", talk=150)
        self.assertTrue(call.too_long)
        answer = self._send(end)
        self.assertTrue(answer["duplicate"])
        # Another end event of the same call (a new event id) schedules nothing more either.
        self._send({**end, "event_id": "long-1-ended-again", "timestamp": "2026-11-20T09:00:01Z"})
        self.env["coka.pbx.call"]._cron_coka_after_call()
        activity = self._activities(call)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("coka_pbx.mail_activity_type_coka_too_long_review"),
        )
        self.assertIn("2:30", activity.note)

    def test_without_a_reviewer_nothing_is_scheduled(self):
        self.company.coka_review_user_id = False
        call, _end = self._answered_call("long-none", talk=150)
        self.assertTrue(call.too_long)
        self.assertFalse(self._activities(call))
        self.assertFalse(call.too_long_review_scheduled)

    def test_no_activity_for_a_call_within_the_limit(self):
        self.company.coka_review_user_id = self.manager
        call, _end = self._answered_call("long-ok", talk=120)
        self.assertFalse(call.too_long)
        self.assertFalse(self._activities(call))

    def test_settings_choose_the_reviewer(self):
        settings = self.env["res.config.settings"].create({"coka_review_user_id": self.manager.id})
        settings.execute()
        self.assertEqual(self.company.coka_review_user_id, self.manager)


@tagged("post_install", "-at_install")
class TestTooLongReviewOverHttp(HttpCase):
    """The end of a too-long call delivered twice over the signed webhook route."""

    def test_one_activity_when_delivered_twice(self):
        provider = self.env["coka.pbx.provider"].create(
            {"name": "HTTP PBX", "code": "http-long", "webhook_secret": "s3cret"}
        )
        hotline = self.env.company._coka_default_hotline()
        hotline.write(
            {"number": "028 7300 9999", "provider_id": provider.id, "too_long_minutes": 1}
        )
        reviewer = self.env["res.users"].create(
            {
                "name": "Reviewer",
                "login": "long_reviewer",
                "groups_id": [(4, self.env.ref("coka_pbx.group_manager").id)],
            }
        )
        self.env.company.coka_review_user_id = reviewer
        self.env.flush_all()
        end = event_body("call.ended", "c-long", status="answered", talk_seconds=75, ring_seconds=3)
        for _attempt in range(2):
            raw = json.dumps(end).encode()
            stamp = str(int(time.time()))
            response = self.url_open(
                "/coka_pbx/webhook/http-long",
                data=raw,
                headers={
                    "Content-Type": "application/json",
                    "X-Coka-Timestamp": stamp,
                    "X-Coka-Signature": signature.sign("s3cret", stamp, raw),
                },
            )
            self.assertEqual(response.status_code, 200, response.text)
        # The first delivery was queued; the job writes the call, the second was a repeat.
        Call = self.env["coka.pbx.call"]
        self.assertEqual(Call._cron_coka_apply_queued_events(), 1)
        call = Call.search([("provider_call_id", "=", "c-long")])
        self.assertTrue(call.too_long)
        self.assertEqual(call._cron_coka_after_call(), 1)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "coka.pbx.call"), ("res_id", "=", call.id)]
        )
        self.assertEqual(activities.user_id, reviewer)
        self.assertEqual(len(activities), 1)


@tagged("post_install", "-at_install")
class TestRecordingDownload(CokaPbxCase, HttpCase):
    """REP-4: play and download the recording; the download sets the flag."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider.api_url = "https://pbx.example"
        cls.call_1 = cls._create_call(
            cls.agent_1, number="0912000201", recording_url="https://pbx.example/rec/1"
        )
        cls.call_2 = cls._create_call(cls.agent_2, number="0912000202")
        cls.call_2.recording_attachment_id = cls.env["ir.attachment"].create(
            {
                "name": "rec-2.mp3",
                "raw": b"ID3 recording two",
                "mimetype": "audio/mpeg",
                "res_model": "coka.pbx.call",
                "res_id": cls.call_2.id,
            }
        )

    def _url(self, call, download=False):
        return f"/coka_pbx/call/{call.id}/recording" + ("?download=1" if download else "")

    def test_download_fetches_from_the_provider_and_sets_the_flag_with_the_user(self):
        self.authenticate("pbx_agent_1", "pbx_agent_1")
        with patch.object(
            GenericPbxClient, "_request", autospec=True, return_value=b"ID3 recording one"
        ) as fetch:
            response = self.url_open(self._url(self.call_1, download=True))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ID3 recording one")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        fetch.assert_called_once_with(
            ANY, "GET", f"/calls/{self.call_1.provider_call_id}/recording", raw=True
        )
        self.assertTrue(self.call_1.recording_downloaded)
        self.assertEqual(self.call_1.recording_downloaded_by_id, self.agent_1)
        self.assertTrue(self.call_1.recording_downloaded_date)
        self.assertTrue(self.call_1.recording_attachment_id)

    def test_playing_streams_ranges_without_marking_downloaded(self):
        self.authenticate("pbx_agent_2", "pbx_agent_2")
        response = self.url_open(self._url(self.call_2), headers={"Range": "bytes=4-12"})
        self.assertEqual(response.status_code, 206)
        self.assertEqual(response.content, b"recording")
        self.assertEqual(response.headers["Content-Type"], "audio/mpeg")
        self.assertFalse(self.call_2.recording_downloaded)

    def test_an_agent_cannot_download_another_agents_recording(self):
        self.authenticate("pbx_agent_1", "pbx_agent_1")
        with mute_logger("odoo.http"):
            response = self.url_open(self._url(self.call_2, download=True))
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(b"recording two", response.content)
        self.assertFalse(self.call_2.recording_downloaded)

    def test_a_manager_downloads_any_recording(self):
        self.authenticate("pbx_manager", "pbx_manager")
        response = self.url_open(self._url(self.call_2, download=True))
        self.assertEqual(response.content, b"ID3 recording two")
        self.assertEqual(self.call_2.recording_downloaded_by_id, self.manager)

    def test_the_download_button_goes_through_the_route(self):
        action = self.call_1.with_user(self.agent_1).action_coka_download_recording()
        self.assertEqual(action["url"], f"/coka_pbx/call/{self.call_1.id}/recording?download=1")
        # Opening the action alone marks nothing: the download itself does.
        self.assertFalse(self.call_1.recording_downloaded)

    def test_a_removed_recording_answers_404(self):
        self.call_2.write({"recording_removed": True, "recording_attachment_id": False})
        self.authenticate("pbx_manager", "pbx_manager")
        with mute_logger("odoo.http"):
            response = self.url_open(self._url(self.call_2))
        self.assertEqual(response.status_code, 404)
        self.assertIn(b"retention", response.content)

    def test_no_recording_answers_404(self):
        self.authenticate("pbx_manager", "pbx_manager")
        call = self._create_call(self.agent_1, number="0912000203")
        with mute_logger("odoo.http"):
            response = self.url_open(self._url(call, download=True))
        self.assertEqual(response.status_code, 404)
        self.assertFalse(call.recording_downloaded)


@tagged("post_install", "-at_install")
class TestRecordingRetention(CokaPbxCase):
    """REP-4: recordings older than the retention are deleted; the calls stay."""

    def _call_with_recording(self, number, days_ago):
        call = self._create_call(
            self.agent_1,
            number=number,
            start_date=fields.Datetime.now() - timedelta(days=days_ago),
        )
        call.recording_attachment_id = self.env["ir.attachment"].create(
            {"name": f"{number}.mp3", "raw": b"ID3", "res_model": call._name, "res_id": call.id}
        )
        return call

    def test_old_recordings_are_removed_and_the_calls_kept(self):
        old = self._call_with_recording("0912000301", days_ago=40)
        recent = self._call_with_recording("0912000302", days_ago=10)
        attachment = old.recording_attachment_id
        self.env["ir.config_parameter"].set_param("coka_pbx.recording_retention_days", 30)
        self.assertEqual(self.env["coka.pbx.call"]._cron_coka_purge_recordings(), 1)
        self.assertTrue(old.exists())
        self.assertTrue(old.recording_removed)
        self.assertFalse(old.recording_attachment_id)
        self.assertFalse(attachment.exists())
        self.assertFalse(recent.recording_removed)
        self.assertTrue(recent.recording_attachment_id)
        # A removed recording is not fetched again from the PBX.
        old.sudo().recording_url = "https://pbx.example/rec/old"
        domain = old._coka_recording_fetch_domain(fields.Datetime.now())
        self.assertNotIn(old, self.env["coka.pbx.call"].search(domain))

    def test_one_batch_per_run(self):
        calls = [self._call_with_recording(f"091200031{index}", days_ago=40) for index in range(3)]
        self.env["ir.config_parameter"].set_param("coka_pbx.recording_retention_days", 30)
        Call = self.env["coka.pbx.call"]
        self.assertEqual(Call._cron_coka_purge_recordings(batch=2), 2)
        self.assertEqual([call.recording_removed for call in calls], [True, True, False])
        self.assertEqual(Call._cron_coka_purge_recordings(batch=2), 1)
        self.assertTrue(calls[2].recording_removed)

    def test_zero_keeps_recordings_forever(self):
        old = self._call_with_recording("0912000303", days_ago=4000)
        self.env["ir.config_parameter"].set_param("coka_pbx.recording_retention_days", 0)
        self.assertEqual(self.env["coka.pbx.call"]._cron_coka_purge_recordings(), 0)
        self.assertTrue(old.recording_attachment_id)
        self.assertFalse(old.recording_removed)


@tagged("post_install", "-at_install")
class TestCallLogTour(CokaPbxCase, HttpCase):
    """The call log, the recording player and the QA breakdown in headless Chromium."""

    def test_call_log_player_and_breakdown(self):
        require_chromium()
        self.env["coka.pbx.qa.rule"].search([]).action_archive()
        self.env["coka.pbx.qa.rule"].create({"name": "Tour note rule", "kind": "note"})
        call = self._create_call(
            self.agent_1,
            number="+84912000777",
            end_date=fields.Datetime.now(),
            talk_seconds=90,
            note="Khách đặt lịch demo",
        )
        call.recording_attachment_id = self.env["ir.attachment"].create(
            {"name": "tour.mp3", "raw": b"ID3", "res_model": call._name, "res_id": call.id}
        )
        call._coka_score_qa()
        self.assertEqual(call.qa_score, 100.0)
        self.start_tour(
            "/odoo/action-coka_pbx.coka_pbx_call_action",
            "coka_pbx_call_report_tour",
            login="pbx_manager",
        )
