"""Pure tests of the QA score rules (SPEC REP-5) in coka_pbx/tools/qa.py (no database)."""

import json

import pytest

from odoo.addons.coka_pbx.tools import cdr, qa


def _rule(kind, weight=1.0, **values):
    return {"id": values.pop("id", 1), "name": kind, "kind": kind, "weight": weight, **values}


def _call(**values):
    facts = {
        "talk_seconds": 120,
        "ring_seconds": 10,
        "hold_seconds": 0,
        "too_long": False,
        "note": "",
        "transcript": "",
    }
    facts.update(values)
    return facts


@pytest.mark.parametrize(
    ("rule", "call", "fraction"),
    [
        (_rule("too_short", seconds=30), _call(talk_seconds=29), 0.0),
        (_rule("too_short", seconds=30), _call(talk_seconds=30), 1.0),
        (_rule("too_long", seconds=600), _call(talk_seconds=601), 0.0),
        (_rule("too_long", seconds=600), _call(talk_seconds=600), 1.0),
        # Limit 0: the hotline's own too-long flag decides.
        (_rule("too_long"), _call(too_long=True), 0.0),
        (_rule("too_long"), _call(too_long=False), 1.0),
        (_rule("ring_time", seconds=15), _call(ring_seconds=16), 0.0),
        (_rule("ring_time", seconds=15), _call(ring_seconds=15), 1.0),
        (_rule("hold_time", seconds=60), _call(hold_seconds=61), 0.0),
        (_rule("hold_time", seconds=60), _call(hold_seconds=None), 1.0),
        (_rule("note", min_chars=10), _call(note="  short  "), 0.0),
        (_rule("note", min_chars=10), _call(note="Báo giá gửi mai"), 1.0),
        (_rule("note", min_chars=0), _call(note="   "), 0.0),
        # Talk 60 s of 60 + 20 ring + 20 hold = 60%; a target of 80% gives 3/4 of the points.
        (
            _rule("talk_ratio", ratio=80),
            _call(talk_seconds=60, ring_seconds=20, hold_seconds=20),
            0.75,
        ),
        (_rule("talk_ratio", ratio=50), _call(talk_seconds=60, ring_seconds=20), 1.0),
        (_rule("talk_ratio", ratio=80), _call(talk_seconds=0, ring_seconds=0), 0.0),
    ],
)
def test_rule_fraction(rule, call, fraction):
    assert qa.rule_fraction(rule, call)[0] == pytest.approx(fraction)


def test_required_phrases_count_each_found_phrase_in_note_or_transcript():
    rule = _rule("required_phrases", keywords="Xin chào\ncảm ơn, hẹn gặp lại")
    call = _call(note="Khách hỏi giá. CẢM ƠN anh", transcript="Xin   chào anh, em là Lan")
    fraction, found, wanted = qa.rule_fraction(rule, call)
    assert fraction == pytest.approx(2 / 3)
    assert found == ["xin chào", "cảm ơn"]
    assert wanted == ["xin chào", "cảm ơn", "hẹn gặp lại"]


def test_forbidden_words_match_whole_words_only():
    rule = _rule("forbidden_words", keywords="ngu, không biết")
    assert qa.rule_fraction(rule, _call(transcript="Nguyên nói chuyện tốt"))[0] == 1.0
    fraction, found, _wanted = qa.rule_fraction(rule, _call(transcript="Em KHÔNG BIẾT ạ"))
    assert (fraction, found) == (0.0, ["không biết"])


def test_keywords_compare_composed_and_decomposed_vietnamese():
    decomposed = "ca\u0309m o\u031bn"  # "cảm ơn" typed with combining marks
    rule = _rule("required_phrases", keywords="cảm ơn")
    assert qa.rule_fraction(rule, _call(note=decomposed))[0] == 1.0


def test_score_is_the_weighted_mean_with_each_rules_points():
    rules = [
        _rule("note", weight=3, id=1, min_chars=1),
        _rule("too_short", weight=1, id=2, seconds=300),
    ]
    value, breakdown = qa.score(rules, _call(note="ok", talk_seconds=100))
    assert value == 75.0
    assert [(line["rule_id"], line["points"], line["max_points"]) for line in breakdown] == [
        (1, 75.0, 75.0),
        (2, 0.0, 25.0),
    ]
    assert breakdown[1]["measured"] == 100
    assert breakdown[1]["target"] == 300
    assert breakdown[1]["unit"] == "s"


def test_a_rule_weight_changes_the_score():
    call = _call(note="ok", talk_seconds=100)
    light = [_rule("note", weight=1, id=1), _rule("too_short", weight=1, id=2, seconds=300)]
    heavy = [_rule("note", weight=1, id=1), _rule("too_short", weight=3, id=2, seconds=300)]
    assert qa.score(light, call)[0] == 50.0
    assert qa.score(heavy, call)[0] == 25.0


def test_rules_without_weight_are_ignored_and_no_rule_gives_no_score():
    assert qa.score([], _call()) == (None, [])
    assert qa.score([_rule("note", weight=0)], _call()) == (None, [])
    value, breakdown = qa.score([_rule("note", weight=0), _rule("too_short", seconds=1)], _call())
    assert (value, len(breakdown)) == (100.0, 1)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown QA rule kind"):
        qa.rule_fraction(_rule("mood"), _call())


def test_every_kind_of_the_model_is_scored():
    for kind in qa.KINDS:
        fraction = qa.rule_fraction(_rule(kind, keywords="x"), _call())[0]
        assert 0.0 <= fraction <= 1.0


def _parsed(**values):
    body = {
        "event": "call.ended",
        "event_id": "e-1",
        "call_id": "c-1",
        "direction": "inbound",
        "timestamp": "2026-11-20T08:05:00Z",
        "status": "answered",
        "talk_seconds": 200,
        **values,
    }
    return cdr.parse_event(json.dumps(body).encode())


def test_the_webhook_reads_the_transcript_and_the_hold_time_when_sent():
    event = _parsed(transcript="  Xin chào anh  ", hold_seconds=40)
    assert (event["transcript"], event["hold_seconds"]) == ("Xin chào anh", 40)
    values = cdr.fold_event({"status": "in_progress"}, event)
    assert (values["transcript"], values["hold_seconds"]) == ("Xin chào anh", 40)
    bare = _parsed()
    assert (bare["transcript"], bare["hold_seconds"]) == (None, None)
    assert "transcript" not in cdr.fold_event({"status": "in_progress"}, bare)


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"transcript": 12}, "'transcript' must be a string"),
        ({"transcript": "a\x00b"}, "'transcript' must be a string"),
        ({"hold_seconds": -1}, "'hold_seconds' must be a whole number"),
        ({"transcript": "\ud800"}, "'transcript' is not valid UTF-8 text"),
    ],
)
def test_bad_transcript_or_hold_time_is_refused(values, error):
    with pytest.raises(cdr.EventError, match=error):
        _parsed(**values)
