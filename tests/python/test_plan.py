"""riskscale.plan, content formats and education priority from Python."""
import datetime as dt
import io
import json

import icalendar
import pandas as pd
import pytest

import riskscale

HSHR = dict(account_id="ACC-1", sensitive_data=0.9, org_disruption=0.2, physical_safety=0.0,
            legal_exposure=0.7, active_days=18, users=500)
LSLR = dict(account_id="ACC-2", sensitive_data=0.1, org_disruption=0.0, physical_safety=0.0,
            legal_exposure=0.0, active_days=2, users=8)


def test_plan_of_a_high_scale_high_risk_account():
    p = riskscale.plan(HSHR, {"complex_product": 0.8, "diverse_users": 0.7}, "2026-12-20")
    assert p.archetype == "high_scale_high_risk"
    assert p.complexity == "complex"
    assert p.length_days == 84  # README table: high_scale_high_risk, complex
    assert p.start == dt.date(2026, 12, 20) and p.end == dt.date(2027, 3, 13)  # crosses the year end
    assert p.role_tracks and len(p.welcome_messages) == 2
    assert [s["cadence"] for s in p.stages] == ["semi_weekly", "weekly", "weekly"]
    assert p.training_formats == [r.id for r in riskscale.assess(HSHR).recommendations]
    trained = {t["format"] for t in p.touchpoints if t["kind"] == "training"}
    assert set(p.training_formats) <= trained
    assert "quiz_knowledge_check" in trained  # a certification is recommended
    assert "slide_deck" in trained            # live training is recommended
    assert p.busiest_week <= 3
    assert "84 days" in repr(p)


def test_to_frame_is_one_touchpoint_a_row_with_dates_and_categories():
    p = riskscale.plan(LSLR, None, dt.date(2027, 1, 25))
    frame = p.to_frame()
    assert len(frame) == len(p.touchpoints)
    assert list(frame.columns) == ["account_id", "day", "date", "stage", "channel", "kind", "title", "format",
                                   "audience", "detail"]
    assert frame["date"].dtype.kind == "M"
    assert (frame["date"] - pd.Timestamp("2027-01-25")).dt.days.tolist() == frame["day"].tolist()
    assert list(frame["kind"].cat.categories) == ["welcome", "training", "milestone", "check_in", "support"]
    assert (frame["account_id"] == "ACC-2").all()


def test_csv_export_reads_back_with_pandas():
    p = riskscale.plan(HSHR, {"complex_product": 0.2}, "2026-02-23")
    frame = pd.read_csv(io.StringIO(p.to_csv()), keep_default_na=False)
    assert list(frame.columns) == ["account_id", "day", "date", "stage", "channel", "kind", "title", "format",
                                   "audience", "detail", "archetype"]
    assert len(frame) == len(p.touchpoints)
    assert frame["date"].tolist() == [t["date"] for t in p.touchpoints]
    assert frame["detail"].tolist() == [t["detail"] for t in p.touchpoints]  # commas and quotes survive


def test_ics_export_parses_with_icalendar():
    p = riskscale.plan(HSHR, {"complex_product": 0.8}, "2028-02-27")  # a leap year
    calendar = icalendar.Calendar.from_ical(p.to_ics("20261127T120000Z"))
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    expected = [t for t in p.touchpoints
                if t["channel"] in ("live_virtual", "onsite", "lab", "call") or t["kind"] == "milestone"]
    assert len(events) == len(expected) > 0
    assert [e.decoded("DTSTART") for e in events] == [dt.date.fromisoformat(t["date"]) for t in expected]
    assert all(e.decoded("DTEND") - e.decoded("DTSTART") == dt.timedelta(days=1) for e in events)
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert str(events[0]["SUMMARY"]).startswith("ACC-1: ")
    # Every date agrees with Python's calendar across the leap day.
    assert all(t["date"] == (dt.date(2028, 2, 27) + dt.timedelta(days=t["day"])).isoformat() for t in p.touchpoints)
    several = icalendar.Calendar.from_ical(riskscale.plans_to_ics([p, riskscale.plan(LSLR, None, "2026-01-05")]))
    assert len([c for c in several.walk() if c.name == "VEVENT"]) > len(events)


def test_json_export_is_the_whole_plan():
    p = riskscale.plan(LSLR, {"product_suite": 1.0}, "2026-06-01")
    doc = json.loads(p.to_json())
    assert doc["account_id"] == "ACC-2"
    assert len(doc["touchpoints"]) == len(p.touchpoints)
    assert doc["training_materials"]["training_formats"] == p.training_formats
    assert doc["support_resources"] and doc["milestones"]


def test_html_repr_is_a_timeline_table():
    p = riskscale.plan(HSHR, None, "2026-03-02")
    text = p._repr_html_()
    assert text.count("<tr>") == len(p.touchpoints) + 1
    assert "Milestones" in text


def test_an_assessment_or_a_dataframe_row_gives_the_same_plan():
    from_fields = riskscale.plan(HSHR, None, "2026-03-02")
    from_assessment = riskscale.plan(riskscale.assess(HSHR), None, "2026-03-02")
    row = pd.DataFrame([HSHR]).iloc[0]
    from_row = riskscale.plan(row, pd.Series({"complex_product": 0.5}), pd.Timestamp("2026-03-02"))
    assert from_fields.to_json() == from_assessment.to_json() == from_row.to_json()
    indexed = pd.DataFrame([HSHR]).set_index("account_id").loc["ACC-1"]  # the id is the row's name
    assert riskscale.plan(indexed, None, "2026-03-02").account_id == "ACC-1"


def test_options_override_the_policy():
    roomy = riskscale.plan(HSHR, None, "2026-03-02", max_touches_per_week=6, role_tracks=True)
    assert roomy.max_touches_per_week == 6 and roomy.role_tracks
    strict = riskscale.Policy(plans={"max_touches_per_week": 2})
    assert riskscale.plan(HSHR, None, "2026-03-02", policy=strict).busiest_week <= 2
    with pytest.raises(ValueError, match="another policy"):
        riskscale.plan(riskscale.assess(HSHR), None, "2026-03-02", policy=strict)


@pytest.mark.parametrize("traits, message", [
    ({"complex_product": 1.5}, r"complex_product.*1\.5 is out of range; accepted: a number in \[0, 1\]"),
    ({"complexity": 0.5}, r"complexity.*unknown product trait; accepted: complex_product"),
    ({"complex_product": "high"}, r"'high' is not a number"),
    ([0.5], r"expected a mapping"),
])
def test_bad_traits_are_refused(traits, message):
    with pytest.raises(ValueError, match=message):
        riskscale.plan(HSHR, traits, "2026-03-02")


@pytest.mark.parametrize("start, message", [
    ("2026-02-29", "month 2 of 2026 has 28 days"),
    ("2026/03/01", "accepted: YYYY-MM-DD"),
    ("tomorrow", "accepted: YYYY-MM-DD"),
])
def test_bad_dates_are_refused(start, message):
    with pytest.raises(riskscale.RiskscaleError, match=message):
        riskscale.plan(HSHR, None, start)


def test_content_and_education_priority():
    content = riskscale.recommend_content(HSHR, {t: 0.0 for t in riskscale.TRAITS})
    assert [c.id for c in content][:2] == ["slide_deck", "quiz_knowledge_check"]
    assert content[1].reason == "Knowledge certification is recommended"
    e = riskscale.education_priority({"complex_product": 0.9, "behavior_change": 0.8, "diverse_users": 0,
                                      "frequent_updates": 0, "product_suite": 0, "support_heavy": 0})
    assert e.score == pytest.approx(0.47, abs=1e-12)
    assert e.drivers == ["complex_product", "behavior_change"]


def test_plan_policy_sections_round_trip_and_validate():
    policy = riskscale.Policy(content={"min_score": 0.2}, plans={"max_touches_per_week": 2})
    assert riskscale.Policy.from_json(policy.to_json()) == policy
    assert policy.plans["max_touches_per_week"] == 2
    assert policy.content["min_score"] == 0.2
    with pytest.raises(riskscale.PolicyError, match=r"\$\.plans\.cadence\.high_scale_low_risk\.launch"):
        riskscale.Policy(plans={"cadence": {"high_scale_low_risk": {"launch": "hourly"}}})


def test_plans_of_a_portfolio_match_one_plan_at_a_time():
    frame = pd.DataFrame([HSHR, LSLR]).set_index("account_id", drop=False)
    frame["complex_product"] = [0.9, float("nan")]  # the row's trait; NaN keeps the argument's
    long = riskscale.plans(frame, {"complex_product": 0.1}, "2026-12-28")
    assert list(long.columns) == ["account_id", "day", "date", "stage", "channel", "kind", "title", "format",
                                  "audience", "detail", "archetype"]
    one = riskscale.plan(HSHR, {"complex_product": 0.9}, "2026-12-28").to_frame()
    two = riskscale.plan(LSLR, {"complex_product": 0.1}, "2026-12-28").to_frame()
    assert long["account_id"].tolist() == one["account_id"].tolist() + two["account_id"].tolist()
    for column in ("day", "title", "format", "detail"):
        assert long[column].tolist() == one[column].tolist() + two[column].tolist(), column
    assert (long["date"] == pd.concat([one["date"], two["date"]], ignore_index=True)).all()
    assert long["kind"].dtype == "category" and long["archetype"].dtype == "category"
    assert long.loc[long["account_id"] == "ACC-2", "date"].max() == pd.Timestamp("2027-01-01")  # 5 days, simple


def test_plans_name_the_row_that_cannot_be_planned():
    frame = pd.DataFrame([HSHR, dict(LSLR, active_days=40)], index=["first", "second"])
    with pytest.raises(ValueError, match=r"row 'second'.*active_days"):
        riskscale.plans(frame, None, "2026-12-28")
    frame = pd.DataFrame([HSHR], index=["x"]).assign(diverse_users=[1.5])
    with pytest.raises(ValueError, match=r"row 'x'.*diverse_users"):
        riskscale.plans(frame, None, "2026-12-28")
    empty = riskscale.plans(pd.DataFrame(columns=list(HSHR)), None, "2026-12-28")
    assert len(empty) == 0 and "archetype" in empty.columns
