"""The one search core of :mod:`planner.optimize`.

* :mod:`.control` — the budget of a search (deadline, iterations, seed, cancel, progress);
* :mod:`.ils` — the iterated local search loop every solver runs;
* :mod:`.paths` — matrix checks, 2-opt and Or-opt moves correct on asymmetric matrices, the
  exact (Held–Karp) order of a few places;
* :mod:`.ring` — the same moves on a long closed tour with neighbour lists and don't-look bits;
* :mod:`.days` — days with hotels (orienteering with hotel selection), the multi-day search.

The solvers are adapters of this core: :func:`planner.optimize.tour.solve_tour` (one order of
every place), :func:`planner.optimize.optw.solve_optw` (one day, time windows),
:func:`planner.optimize.trip.plan_trip` (trips of the catalog, through
:mod:`planner.optimize.trip_search`) and the OPHS adapter :mod:`planner.optimize.ophs`.
"""

from planner.optimize.engine.control import Control
from planner.optimize.engine.days import DaysResult, solve_days
from planner.optimize.engine.ils import Outcome, iterate
from planner.optimize.engine.paths import (
    EngineInputError,
    check_matrix,
    held_karp_path,
    or_opt_path,
    path_length,
    polish_path,
    two_opt_path,
)

__all__ = [
    "Control",
    "DaysResult",
    "EngineInputError",
    "Outcome",
    "check_matrix",
    "held_karp_path",
    "iterate",
    "or_opt_path",
    "path_length",
    "polish_path",
    "solve_days",
    "two_opt_path",
]
