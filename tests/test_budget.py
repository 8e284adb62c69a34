"""A budget per person is a limit: optional stops give way, and the plan says what it cost."""

from __future__ import annotations

import json
from pathlib import Path

from planner.optimize.trip import plan_trip
from planner.request import request_from_dict

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "guizhou-classic-5-days.json"


def _request(budget):
    d = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    d["budget_per_person_cny"] = budget
    d["time_limit_s"] = 1
    return request_from_dict(d)


def test_generous_budget_changes_nothing():
    plan = plan_trip(_request(100000))
    assert plan.totals["cost_per_person_cny"] <= 100000
    assert not any("budget" in d.reason for d in plan.dropped)
    assert plan.solver["budget"]["stops_given_up"] == []


def test_tight_budget_gives_up_optional_stops_with_reasons():
    free = plan_trip(_request(None))
    price = free.totals["cost_per_person_cny"]
    plan = plan_trip(_request(price - 200))
    given_up = plan.solver["budget"]["stops_given_up"]
    assert given_up, "something had to give way"
    must = {"huangguoshu-waterfall", "xijiang-miao-village", "xiaoqikong"}
    assert not must & set(given_up)
    visited = {v.id for v in plan.visits()}
    assert must <= visited
    reasons = {d.id: d.reason for d in plan.dropped}
    for sid in given_up:
        assert sid not in visited and "budget" in reasons[sid]
    if plan.totals["cost_per_person_cny"] > price - 200:
        assert plan.status == "infeasible" and any("budget" in w for w in plan.warnings)
    else:
        assert plan.status in ("optimal", "feasible")
