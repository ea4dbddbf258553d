from odoo import api, fields, models
from odoo.tools import ormcache


class CokaPbxQaRule(models.Model):
    """A rule of the QA score of answered calls (SPEC REP-5), edited by Managers.

    The score is the weighted mean of the rules (``tools.qa``), computed when a call ends
    and when its note is saved: a changed rule scores the calls ended afterwards, and the
    scores already given stay as they were.
    """

    _name = "coka.pbx.qa.rule"
    _description = "QA Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    kind = fields.Selection(
        [
            ("talk_ratio", "Talk-time Ratio"),
            ("too_short", "Too Short"),
            ("too_long", "Too Long"),
            ("ring_time", "Ring Time"),
            ("hold_time", "Hold Time"),
            ("note", "Wrap-up Note Written"),
            ("required_phrases", "Required Phrases"),
            ("forbidden_words", "Forbidden Words"),
        ],
        required=True,
        default="note",
    )
    weight = fields.Float(
        default=1.0, help="The rule's share of the score: its weight over all active weights."
    )
    seconds = fields.Integer(
        string="Limit (seconds)",
        help="Too Short: the least talk time; Too Long: the most talk time (0: the hotline's "
        "own too-long limit); Ring Time, Hold Time: the most the customer waits.",
    )
    ratio = fields.Float(
        string="Target Ratio (%)",
        default=80.0,
        help="Talk-time Ratio: the share of talk time in the call (ring, hold and talk) that "
        "earns all the points; less earns a part of them.",
    )
    min_chars = fields.Integer(
        string="Minimum Length",
        default=10,
        help="Wrap-up Note Written: the least number of characters of the note.",
    )
    keywords = fields.Text(
        help="Required Phrases, Forbidden Words: one per line or separated by commas; "
        "searched, case-insensitive, in the note and in the provider's transcript.",
    )

    _sql_constraints = [
        ("weight_positive", "CHECK(weight >= 0)", "A QA rule's weight cannot be negative."),
        ("seconds_positive", "CHECK(seconds >= 0)", "A QA rule's limit cannot be negative."),
        (
            "ratio_range",
            "CHECK(ratio >= 0 AND ratio <= 100)",
            "A QA rule's target ratio is a percentage between 0 and 100.",
        ),
        (
            "min_chars_positive",
            "CHECK(min_chars >= 0)",
            "A QA rule's minimum length cannot be negative.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self.env.registry.clear_cache()  # _coka_rules_data
        return rules

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()  # _coka_rules_data
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()  # _coka_rules_data
        return result

    @api.model
    def _coka_rules_data(self, company):
        """The active rules of ``company`` as ``tools.qa`` reads them; their names (kept in
        the calls' breakdowns) in the company's language. Cached per worker until a rule
        changes: the webhook scores every answered call that ends (PERF-2).

        :return: list of dicts
        """
        lang = company.partner_id.lang or self.env.lang
        return [dict(rule) for rule in self._coka_rules_cached(company.id, lang)]

    @ormcache("company_id", "lang")
    def _coka_rules_cached(self, company_id, lang):
        rules = (
            self.sudo()
            .with_context(lang=lang)
            .search_fetch(
                [("company_id", "=", company_id)],
                ["name", "kind", "weight", "seconds", "ratio", "min_chars", "keywords"],
            )
        )
        return tuple(
            {
                "id": rule.id,
                "name": rule.name,
                "kind": rule.kind,
                "weight": rule.weight,
                "seconds": rule.seconds,
                "ratio": rule.ratio,
                "min_chars": rule.min_chars,
                "keywords": rule.keywords,
            }
            for rule in rules
        )
