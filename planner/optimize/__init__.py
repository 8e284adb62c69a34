"""Route optimisation: the visiting-order core (``solve_tour``) and trip planning (``plan_trip``)."""

from planner.optimize.tour import TourInputError, TourResult, solve_tour, solve_tour_result, tour_length


def plan_trip(request, catalog=None, network=None, **kwargs):
    """Plan a trip request (see :func:`planner.optimize.trip.plan_trip`); imported lazily."""
    from planner.optimize.trip import plan_trip as _plan_trip

    return _plan_trip(request, catalog, network, **kwargs)


__all__ = ["TourInputError", "TourResult", "plan_trip", "solve_tour", "solve_tour_result", "tour_length"]
