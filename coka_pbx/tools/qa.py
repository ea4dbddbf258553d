"""Rule-based QA score of an answered call (SPEC REP-5). Plain functions, no ORM.

Each rule gives a fraction between 0 (failed) and 1 (passed); the score is the weighted mean
of the fractions on a 0-100 scale, and the breakdown says what each rule contributed.
"""

import re
import unicodedata

KINDS = (
    "talk_ratio",
    "too_short",
    "too_long",
    "ring_time",
    "hold_time",
    "note",
    "required_phrases",
    "forbidden_words",
)

# The unit of what each kind measures (the keyword kinds measure lists of phrases).
UNITS = {
    "talk_ratio": "%",
    "too_short": "s",
    "too_long": "s",
    "ring_time": "s",
    "hold_time": "s",
    "note": "chars",
}


def normalize(text):
    """Text compared by the keyword rules: NFC, case-folded, single spaces."""
    text = unicodedata.normalize("NFC", text or "").casefold()
    return re.sub(r"\s+", " ", text).strip()


def phrases(keywords):
    """The phrases of a rule's keywords: one per line or separated by commas."""
    return [normalize(part) for part in re.split(r"[,\n;]", keywords or "") if normalize(part)]


def _contains(text, phrase):
    # Whole words: "no" is not found in "nothing"; \w covers Vietnamese letters.
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def rule_fraction(rule, call):
    """How well ``call`` meets ``rule``.

    :param dict rule: ``kind``, ``seconds`` (a limit in seconds), ``ratio`` (percent),
        ``min_chars``, ``keywords``
    :param dict call: ``talk_seconds``, ``ring_seconds``, ``hold_seconds``, ``too_long``
        (the hotline's flag), ``note``, ``transcript``
    :return: ``(fraction, measured, target)``: a float in [0, 1], what was measured and
        what the rule asks (numbers in the unit of :data:`UNITS`, or lists of phrases;
        ``target`` is ``None`` for the hotline's own too-long limit)
    """
    kind = rule["kind"]
    talk = call.get("talk_seconds") or 0
    ring = call.get("ring_seconds") or 0
    hold = call.get("hold_seconds") or 0
    limit = rule.get("seconds") or 0
    if kind == "talk_ratio":
        total = talk + ring + hold
        ratio = round(100.0 * talk / total, 1) if total else 0.0
        target = rule.get("ratio") or 0
        return (1.0 if target <= 0 else min(1.0, ratio / target)), ratio, target
    if kind == "too_short":
        return (1.0 if talk >= limit else 0.0), talk, limit
    if kind == "too_long":
        if limit:
            return (1.0 if talk <= limit else 0.0), talk, limit
        return (0.0 if call.get("too_long") else 1.0), talk, None
    if kind == "ring_time":
        return (1.0 if ring <= limit else 0.0), ring, limit
    if kind == "hold_time":
        return (1.0 if hold <= limit else 0.0), hold, limit
    if kind == "note":
        written = len((call.get("note") or "").strip())
        wanted = max(1, rule.get("min_chars") or 0)
        return (1.0 if written >= wanted else 0.0), written, wanted
    if kind not in ("required_phrases", "forbidden_words"):
        raise ValueError(f"unknown QA rule kind {kind!r}")
    text = normalize(f"{call.get('note') or ''}\n{call.get('transcript') or ''}")
    wanted = phrases(rule.get("keywords"))
    found = [phrase for phrase in wanted if _contains(text, phrase)]
    if kind == "required_phrases":
        return (len(found) / len(wanted) if wanted else 1.0), found, wanted
    return (0.0 if found else 1.0), found, wanted


def score(rules, call):
    """The QA score of ``call`` under ``rules`` and each rule's contribution.

    :param list rules: dicts of :func:`rule_fraction` with ``id``, ``name`` and ``weight``
        (rules of weight 0 or less are ignored)
    :param dict call: the facts of :func:`rule_fraction`
    :return: ``(score, breakdown)``: ``score`` in [0, 100] rounded to one decimal, or
        ``None`` without any rule; ``breakdown`` a list of dicts ``rule_id``, ``name``,
        ``kind``, ``weight``, ``fraction``, ``points`` (what the rule added to the score),
        ``max_points``, ``measured``, ``target`` and ``unit`` (:func:`rule_fraction`)
    """
    rules = [rule for rule in rules if (rule.get("weight") or 0) > 0]
    total = sum(rule["weight"] for rule in rules)
    if not total:
        return None, []
    breakdown = []
    for rule in rules:
        fraction, measured, target = rule_fraction(rule, call)
        max_points = 100.0 * rule["weight"] / total
        breakdown.append(
            {
                "rule_id": rule.get("id"),
                "name": rule.get("name") or rule["kind"],
                "kind": rule["kind"],
                "weight": rule["weight"],
                "fraction": round(fraction, 4),
                "points": round(max_points * fraction, 1),
                "max_points": round(max_points, 1),
                "measured": measured,
                "target": target,
                "unit": UNITS.get(rule["kind"], ""),
            }
        )
    value = sum(
        100.0 * rule["weight"] / total * line["fraction"]
        for rule, line in zip(rules, breakdown, strict=True)
    )
    return round(min(100.0, max(0.0, value)), 1), breakdown
