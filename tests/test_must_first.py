"""Must stops first: a request whose every must stop fits gets a plan holding them all.

Request 20 of benchmarks/bench_trips.py (40 stops, 10 days, 12 must stops) used to come back
"infeasible" at 2 s and 5 s: the greedy construction placed three far-apart must stops on
consecutive days and nothing else could follow them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_network import FakeNetwork

from planner.catalog import load_catalog
from planner.optimize.trip import plan_trip
from planner.optimize.trip_model import TripModel
from planner.optimize.trip_search import Search, make_solution
from planner.plan_check import validate_plan
from planner.request import request_from_dict

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def request20():
    # Frozen: bench_trips draws its requests from the catalog, which grows; this is the request
    # that failed (made by benchmarks/bench_trips.py from the first round's catalog).
    import json

    catalog = load_catalog()
    d = json.loads((ROOT / "tests" / "data" / "request20_must12.json").read_text(encoding="utf-8"))
    return request_from_dict(d, catalog=catalog), catalog, FakeNetwork(catalog)


def test_must_first_construction_places_every_must_stop(request20):
    req, catalog, network = request20
    m = TripModel(req, catalog, network)
    assert sum(m.must) == 12
    search = Search(m, seed=0)
    empty = make_solution(m, [()] * m.D)
    sol = search.construct(search.construct_must(empty))
    assert sol.obj[0] == 0  # no must stop missing
    assert all(m.must[s] <= (s in sol.visited()) for s in range(m.n))


def test_plan_trip_keeps_every_must_stop_of_request_20(request20):
    req, catalog, network = request20
    plan = plan_trip(req, catalog, network, time_limit_s=2, seed=0)
    assert plan.status != "infeasible"
    assert not [d.id for d in plan.dropped if d.must]
    must_ids = {st.id for st in req.stops if st.must}
    assert must_ids <= set(plan.order)
    assert validate_plan(plan, req, network, catalog) == []  # an independent check of the plan


def test_infeasible_only_with_a_proof(request20):
    from planner.optimize.trip_search import NOT_FOUND_REASON, must_stops_verdict

    req, catalog, network = request20
    m = TripModel(req, catalog, network)
    empty = make_solution(m, [()] * m.D)
    # every must stop fits on its own: leaving them out proves nothing
    assert must_stops_verdict(m, empty, proven=False) == ("incomplete", NOT_FOUND_REASON)
    assert must_stops_verdict(m, empty, proven=True)[0] == "infeasible"
    full = Search(m).construct(Search(m).construct_must(empty))
    assert must_stops_verdict(m, full, proven=False) is None
    # Caohai (Weining, ~5 h from Guiyang) cannot be reached and seen in a 09:00-11:00 day
    far = request_from_dict(
        {"schema": "qiantu/request@1", "start": "guiyang", "days": 1, "day_start": "09:00", "day_end": "11:00",
         "stops": [{"id": "caohai-lake", "must": True}, {"id": "qianlingshan-park", "must": True}]},
        catalog=catalog,
    )
    mf = TripModel(far, catalog, network)
    status, why = must_stops_verdict(mf, make_solution(mf, [()] * mf.D), proven=False)
    assert status == "infeasible" and "草海" in why


def test_plan_trip_says_incomplete_not_infeasible_when_the_search_runs_out(request20, monkeypatch):
    """A search that ends without every must stop, and with no proof, is "incomplete" with a
    warning that more time may help; the plan still passes the independent check."""
    import planner.optimize.trip as trip_mod
    from planner.optimize.trip_search import make_solution as make

    req, catalog, network = request20

    def starved_search(m, **kw):  # a search that finds only a plan without must stops
        return make(m, [()] * m.D), 0

    monkeypatch.setattr(trip_mod, "ils", starved_search)
    plan = plan_trip(req, catalog, network, time_limit_s=1, seed=0)
    assert plan.status == "incomplete"
    assert any("not proven impossible" in w for w in plan.warnings)
    assert plan.solver.get("infeasible_proof") is None
    assert validate_plan(plan, req, network, catalog) == []
