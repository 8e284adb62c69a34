"""Route optimisation: the visiting-order core (``solve_tour``) and, later, trip planning."""

from planner.optimize.tour import TourInputError, TourResult, solve_tour, solve_tour_result, tour_length

__all__ = ["TourInputError", "TourResult", "solve_tour", "solve_tour_result", "tour_length"]
