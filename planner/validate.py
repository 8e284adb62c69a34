"""`qiantu check FILE`: recognise a request, plan, package or catalog table and validate it."""

from __future__ import annotations

from pathlib import Path

from planner.errors import PlannerError, RequestError


def check_file(path: str | Path, catalog=None) -> str:
    """Validate ``path`` and return a one-line OK summary.

    Recognises a trip request, a plan or a package by its ``schema`` tag, and a catalog
    CSV table by its extension. Raises a PlannerError naming the file and the field otherwise.
    """
    from planner.request import read_json

    p = Path(path)
    if not p.exists():
        raise PlannerError("file not found", file=str(path))
    if p.suffix.lower() == ".csv":
        from planner.catalog import read_spot_table

        spots = read_spot_table(p)
        return f"{path}: OK, catalog table with {len(spots)} places"
    doc = read_json(p, RequestError)
    tag = doc.get("schema") if isinstance(doc, dict) else None
    if not isinstance(tag, str):
        raise RequestError("no 'schema' tag: not a QianTu request, plan or package", file=str(path), field="schema")
    if tag.startswith("qiantu/request@"):
        from planner.request import request_from_dict

        req = request_from_dict(doc, file=str(path), catalog=catalog)
        must = sum(1 for s in req.stops if s.must)
        return f"{path}: OK, trip request: {len(req.stops)} stops ({must} must), {req.days} day(s)"
    if tag.startswith("qiantu/plan@"):
        from planner.plan import plan_from_dict

        plan = plan_from_dict(doc, file=str(path))
        return (
            f"{path}: OK, plan ({plan.status}): {len(plan.days)} day(s), {len(plan.order)} visits, "
            f"{len(plan.dropped)} dropped"
        )
    if tag.startswith("qiantu/package@"):
        from planner.package import package_from_dict

        pkg = package_from_dict(doc, file=str(path), catalog=catalog)
        has = "with a plan" if pkg.plan is not None else "no plan yet"
        return f"{path}: OK, package '{pkg.title}': {len(pkg.request.stops)} stops, {has}"
    raise RequestError(f"unknown schema '{tag}'", file=str(path), field="schema")
