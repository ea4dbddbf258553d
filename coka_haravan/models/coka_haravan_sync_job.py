import time

from odoo import api, fields, models
from odoo.modules import module as odoo_module

from .res_partner import CONFIG, DONE, FAILED, SKIPPED

# Contacts synced per batch; each batch is committed on its own (outside tests).
BATCH_SIZE = 20
# A cron run stops after this many seconds and triggers the cron again for the rest.
RUN_SECONDS = 240


class CokaHaravanSyncJob(models.Model):
    """A selection of contacts synced to Haravan in the background (SPEC HRV-2): the cron
    syncs them in batches, the 429s waited for by the client, and tells the user who asked
    at the end. Each contact keeps its own outcome."""

    _name = "coka.haravan.sync.job"
    _description = "Haravan Sync"
    _order = "id desc"

    user_id = fields.Many2one(
        "res.users", string="Requested By", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    partner_ids = fields.Many2many(
        "res.partner",
        "coka_haravan_sync_job_partner_rel",
        "job_id",
        "partner_id",
        string="Contacts",
        readonly=True,
    )
    pending_partner_ids = fields.Many2many(
        "res.partner",
        "coka_haravan_sync_job_pending_rel",
        "job_id",
        "partner_id",
        string="Still to Sync",
        readonly=True,
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Stopped"),
        ],
        default="queued",
        required=True,
        readonly=True,
        index=True,
    )
    synced_count = fields.Integer(string="Synced", readonly=True)
    failed_count = fields.Integer(string="Failed", readonly=True)
    skipped_count = fields.Integer(string="Already Synced", readonly=True)
    message = fields.Text(readonly=True)
    date_done = fields.Datetime(string="Finished On", readonly=True)

    @api.depends("partner_ids", "create_date")
    def _compute_display_name(self):
        for job in self:
            job.display_name = self.env._(
                "Haravan sync of %(count)s contacts", count=len(job.partner_ids)
            )

    @api.model
    def _coka_enqueue(self, partners):
        """Queue the sync of ``partners`` for the current user and wake the cron.

        :return: the notification that says so
        """
        job = self.sudo().create(
            {
                "user_id": self.env.user.id,
                "company_id": self.env.company.id,
                "partner_ids": [fields.Command.set(partners.ids)],
                "pending_partner_ids": [fields.Command.set(partners.ids)],
            }
        )
        self.env.ref("coka_haravan.ir_cron_coka_haravan_sync").sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Haravan"),
                "message": self.env._(
                    "%(count)s contacts are being synced to Haravan in the background: you "
                    "will be notified at the end.",
                    count=len(job.partner_ids),
                ),
                "type": "info",
                "sticky": False,
            },
        }

    @api.model
    def _cron_sync(self, batch_size=BATCH_SIZE, run_seconds=RUN_SECONDS, sleep=None):
        """Run the queued syncs, ``batch_size`` contacts at a time, for ``run_seconds`` at
        most (then the cron is triggered again for the rest)."""
        deadline = time.monotonic() + run_seconds
        for job in self.search([("state", "in", ("queued", "running"))], order="id"):
            if not job._coka_run(batch_size, deadline, sleep):
                self.env.ref("coka_haravan.ir_cron_coka_haravan_sync")._trigger()
                return

    def _coka_commit(self):
        # One batch of contacts is one transaction: the outcomes written are kept whatever
        # happens to the next batch, so the same customer is never created twice.
        if not odoo_module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _coka_run(self, batch_size, deadline, sleep=None):
        """Sync the pending contacts of the job as its user. :return: whether it ended"""
        self.ensure_one()
        self.state = "running"
        while self.pending_partner_ids:
            if time.monotonic() > deadline:
                self._coka_commit()
                return False
            batch = self.pending_partner_ids[:batch_size]
            partners = batch.with_user(self.user_id).with_company(self.company_id)
            partners = partners.with_context(lang=self.user_id.lang)
            results = partners._coka_haravan_sync(sleep=sleep)
            counts = {DONE: 0, FAILED: 0, SKIPPED: 0}
            config = None
            for outcome, message in results.values():
                if outcome == CONFIG:
                    config = config or message
                else:
                    counts[outcome] += 1
            reached = [pid for pid, (outcome, _m) in results.items() if outcome != CONFIG]
            self.write(
                {
                    "pending_partner_ids": [fields.Command.unlink(pid) for pid in reached],
                    "synced_count": self.synced_count + counts[DONE],
                    "failed_count": self.failed_count + counts[FAILED],
                    "skipped_count": self.skipped_count + counts[SKIPPED],
                }
            )
            if config:
                self._coka_finish("failed", config)
                return True
            self._coka_commit()
        self._coka_finish("done")
        return True

    def _coka_finish(self, state, error=None):
        """End the job and tell its user (a notification in the browser, the job's
        message in Call Center › Configuration › Haravan Syncs)."""
        env = self.with_context(lang=self.user_id.lang).env
        summary = env._(
            "Haravan sync finished: %(synced)s synced, %(failed)s failed, %(skipped)s "
            "already synced.",
            synced=self.synced_count,
            failed=self.failed_count,
            skipped=self.skipped_count,
        )
        if error:
            summary = env._(
                "Haravan sync stopped: %(error)s %(left)s contacts were not synced.",
                error=error,
                left=len(self.pending_partner_ids),
            )
        self.write({"state": state, "message": summary, "date_done": fields.Datetime.now()})
        kind = "success" if state == "done" and not self.failed_count else "warning"
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": "danger" if error else kind,
                "title": env._("Haravan"),
                "message": summary,
                "sticky": True,
            },
        )
        self._coka_commit()
