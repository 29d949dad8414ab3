"""riskscale.Policy: SPEC §3–§5 defaults, §7 loading and refusals, immutability, pickling."""
import copy
import json
import multiprocessing
import pickle

import pandas as pd
import pytest

import riskscale
from conformance_rows import read_accounts

SPEC_CATALOG = [  # SPEC §5 table: (id, {archetype: affinity}) in catalogue order
    ("knowledge_certification", {"high_scale_high_risk": 1.0}),
    ("supervised_assessment", {"high_scale_high_risk": 0.9}),
    ("on_demand_library", {"high_scale_high_risk": 0.8, "high_scale_low_risk": 1.0}),
    ("virtual_ilt_advanced", {"high_scale_high_risk": 0.7}),
    ("virtual_ilt_one_to_many", {"high_scale_low_risk": 0.9}),
    ("in_product_walkthrough", {"high_scale_low_risk": 0.8}),
    ("microlearning_video", {"high_scale_low_risk": 0.7}),
    ("live_lab", {"low_scale_high_risk": 1.0}),
    ("onsite_training", {"low_scale_high_risk": 0.9}),
    ("practical_certification", {"low_scale_high_risk": 0.8}),
    ("role_based_on_demand", {"low_scale_low_risk": 1.0}),
    ("role_based_email_nurture", {"low_scale_low_risk": 0.9}),
]


def test_default_policy_holds_the_spec_defaults():
    document = riskscale.Policy().to_dict()
    assert document["version"] == 1
    assert document["frequency_full"] == 20
    assert document["reach_full"] == 1000
    assert document["scale_weights"] == {"frequency": 0.4, "reach": 0.6}
    assert document["risk_weights"] == {"sensitive_data": 0.8, "org_disruption": 0.5,
                                        "physical_safety": 1.0, "legal_exposure": 0.9}
    assert (document["risk_threshold"], document["scale_threshold"]) == (0.5, 0.5)
    assert document["borderline_band"] == 0.05
    assert document["temperature"] == 0.1
    assert document["min_score"] == 0.25
    assert document["top_k"] is None
    assert [(entry["id"], entry["affinity"]) for entry in document["catalog"]] == SPEC_CATALOG
    assert all(entry["name"] and entry["description"] for entry in document["catalog"])


def test_keyword_overrides_and_attribute_access():
    policy = riskscale.Policy(risk_threshold=0.6, top_k=3)
    assert policy.risk_threshold == 0.6
    assert policy.top_k == 3
    assert policy.scale_threshold == 0.5  # untouched keys keep their defaults
    assert policy != riskscale.Policy()
    assert riskscale.Policy(risk_threshold=0.5) == riskscale.Policy()
    assert policy.catalog_ids == [format_id for format_id, _ in SPEC_CATALOG]
    assert policy.input_fields == ["sensitive_data", "org_disruption", "physical_safety", "legal_exposure",
                                   "active_days", "users", "seats"]
    assert "risk_threshold=0.6" in repr(policy) and "top_k=3" in repr(policy)
    with pytest.raises(AttributeError, match="no attribute 'risk_treshold'"):
        policy.risk_treshold  # noqa: B018


def test_from_json_reads_a_path_a_pathlike_and_text(conformance):
    path = conformance / "policy_custom.json"
    from_path = riskscale.Policy.from_json(str(path))
    assert riskscale.Policy.from_json(path) == from_path
    assert riskscale.Policy.from_json(path.read_text()) == from_path
    assert from_path.risk_weights == {"sensitive_data": 0.6, "legal_exposure": 1.0, "export_control": 0.7}
    assert (from_path.risk_threshold, from_path.scale_threshold, from_path.top_k) == (0.4, 0.55, 3)
    assert from_path.input_fields == ["sensitive_data", "legal_exposure", "export_control", "active_days", "users",
                                      "seats"]
    # Keys the file leaves out keep their defaults: the catalogue is the SPEC one.
    assert from_path.catalog_ids == riskscale.Policy().catalog_ids
    assert riskscale.Policy.from_json('{"version": 1}') == riskscale.Policy()
    assert riskscale.Policy.from_dict({"version": 1, "top_k": 2}) == riskscale.Policy(top_k=2)


@pytest.mark.parametrize("name", ["default", "custom"])
def test_dump_and_reload_gives_the_same_policy_and_results(conformance, name):
    policy = riskscale.Policy.from_json(conformance / "policy_custom.json") if name == "custom" else riskscale.Policy()
    reloaded = riskscale.Policy.from_json(policy.to_json())
    assert reloaded == policy
    assert reloaded.to_dict() == policy.to_dict()
    assert json.loads(policy.to_json(0)) == policy.to_dict()
    accounts = read_accounts(conformance / ("accounts_custom.csv" if name == "custom" else "accounts.csv"))
    pd.testing.assert_frame_equal(riskscale.classify(accounts, reloaded), riskscale.classify(accounts, policy))


def test_replace_returns_a_new_policy_and_leaves_the_old_one():
    policy = riskscale.Policy(risk_threshold=0.6)
    changed = policy.replace(scale_threshold=0.7, top_k=1)
    assert (changed.risk_threshold, changed.scale_threshold, changed.top_k) == (0.6, 0.7, 1)
    assert (policy.scale_threshold, policy.top_k) == (0.5, None)
    with pytest.raises(riskscale.PolicyError, match=r"\$\.scale_threshold"):
        policy.replace(scale_threshold=1.0)


def test_policy_is_immutable():
    policy = riskscale.Policy()
    with pytest.raises(AttributeError, match="immutable"):
        policy.risk_threshold = 0.9
    with pytest.raises(AttributeError, match="immutable"):
        policy._impl = riskscale.Policy(risk_threshold=0.9)._impl
    with pytest.raises(AttributeError, match="immutable"):
        del policy._impl
    document = policy.to_dict()  # a copy: editing it changes nothing
    document["risk_threshold"] = 0.9
    document["risk_weights"]["sensitive_data"] = 0.0
    assert policy.risk_threshold == 0.5
    assert policy.risk_weights["sensitive_data"] == 0.8
    assert policy == riskscale.Policy()


@pytest.mark.parametrize("overrides, path, words", [
    ({"risk_threshold": 1.5}, "$.risk_threshold", "1.5"),
    ({"risk_threshold": 0}, "$.risk_threshold", "0"),
    ({"scale_threshold": "a"}, "$.scale_threshold", "string"),
    ({"temperature": 0}, "$.temperature", "0"),
    ({"borderline_band": -0.1}, "$.borderline_band", "-0.1"),
    ({"frequency_full": 0}, "$.frequency_full", "0"),
    ({"reach_full": -5}, "$.reach_full", "-5"),
    ({"top_k": -1}, "$.top_k", "-1"),
    ({"colour": "red"}, "$.colour", "unknown key"),
    ({"scale_weights": {"frequency": 0.5, "speed": 0.5}}, "$.scale_weights.speed", "unknown key"),
    ({"scale_weights": {"frequency": 0, "reach": 0}}, "$.scale_weights", "0"),
    ({"risk_weights": {"sensitive_data": 1.5}}, "$.risk_weights.sensitive_data", "1.5"),
    ({"risk_weights": {}}, "$.risk_weights", "no risk factor"),
    ({"catalog": [{"id": "a", "affinity": {"mid_scale": 1}}]}, "$.catalog[0].affinity.mid_scale", "unknown archetype"),
    ({"catalog": [{"id": "a", "affinity": {"high_scale_high_risk": 1.2}}]},
     "$.catalog[0].affinity.high_scale_high_risk", "1.2"),
    ({"catalog": [{"id": "a"}, {"id": "a"}]}, "$.catalog[1].id", "duplicate"),
    ({"risk_threshold": float("nan")}, "$.risk_threshold", "nan"),
    ({"risk_weights": {"export_control": float("inf")}}, "$.risk_weights.export_control", "inf"),
])
def test_invalid_policies_are_refused_naming_the_key_and_value(overrides, path, words):
    with pytest.raises(riskscale.PolicyError) as caught:
        riskscale.Policy(**overrides)
    message = str(caught.value)
    assert path in message and words in message, message
    assert isinstance(caught.value, ValueError)


def test_other_versions_are_refused_saying_which_this_build_reads():
    with pytest.raises(riskscale.PolicyError, match=r"\$\.version.*version 2.*reads version 1"):
        riskscale.Policy.from_json('{"version": 2}')


def test_unreadable_files_and_bad_json_are_refused(tmp_path):
    with pytest.raises(riskscale.RiskscaleError, match="missing.json"):
        riskscale.Policy.from_json(tmp_path / "missing.json")
    with pytest.raises(riskscale.PolicyError, match="not valid JSON"):
        riskscale.Policy.from_json('{"version": 1,')
    assert issubclass(riskscale.PolicyError, riskscale.RiskscaleError)
    assert issubclass(riskscale.RiskscaleError, ValueError)


def test_wrong_policy_type_is_a_type_error_naming_the_type():
    with pytest.raises(TypeError, match="riskscale.Policy or None, not dict"):
        riskscale.assess(sensitive_data=0, org_disruption=0, physical_safety=0, legal_exposure=0, active_days=1,
                         users=1, policy={"risk_threshold": 0.3})


@pytest.mark.parametrize("name", ["default", "custom"])
def test_pickle_and_deepcopy_round_trip(conformance, name):
    policy = riskscale.Policy.from_json(conformance / "policy_custom.json") if name == "custom" else riskscale.Policy()
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        restored = pickle.loads(pickle.dumps(policy, protocol=protocol))
        assert restored == policy and hash(restored) == hash(policy)
        assert restored.to_dict() == policy.to_dict()
    assert copy.deepcopy(policy) == policy
    assert copy.copy(policy) == policy


def test_policy_travels_to_a_spawned_worker_process(conformance):
    policy = riskscale.Policy.from_json(conformance / "policy_custom.json")
    accounts = read_accounts(conformance / "accounts_custom.csv")
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        remote = pool.apply(riskscale.classify, (accounts, policy))
        remote_policy = pool.apply(copy.copy, (policy,))
    assert remote_policy == policy
    pd.testing.assert_frame_equal(remote, riskscale.classify(accounts, policy))
