"""Package files (``*.qiantu.json``): a request, its plan and notes, as the app saves them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import RequestError
from planner.plan import Plan, plan_from_dict, plan_to_dict, write_json_atomic
from planner.request import (
    SCHEMA_TAG as REQUEST_TAG,
)
from planner.request import (
    TripRequest,
    read_json,
    request_from_dict,
    request_to_dict,
)

SCHEMA_TAG = "qiantu/package@1"

# Older package schema tags -> a function turning such a dict into the current one. None exist
# yet; when qiantu/package@2 comes, @1 files get a migration here and are never rejected.
MIGRATIONS: dict[str, Any] = {}


@dataclass
class Package:
    """What the app keeps for one trip: the request, the plan (or None) and free notes."""

    request: TripRequest
    plan: Plan | None = None
    title: str = ""
    notes: str = ""
    # Per-package costing choices (optional): adults, children, seniors, hotel_class, vehicle,
    # rooms, and "overrides" {rate key: value} as planner.costing.Rates.with_override takes them.
    costing: dict = field(default_factory=dict)


def package_from_dict(d: Any, file: str | None = None, catalog=None) -> Package:
    """A Package from a package dict or a bare trip request dict (plan None)."""
    if not isinstance(d, dict):
        raise RequestError("not a QianTu file: expected a JSON object (a trip request or a package)", file=file, field="schema")
    tag = d.get("schema")
    if tag == REQUEST_TAG:
        req = request_from_dict(d, file=file, catalog=catalog)
        return Package(request=req, plan=None, title=req.title, notes="")
    while isinstance(tag, str) and tag in MIGRATIONS:
        d = MIGRATIONS[tag](d)
        tag = d.get("schema")
    if tag != SCHEMA_TAG:
        if isinstance(tag, str) and tag.startswith("qiantu/package@"):
            raise RequestError(
                f"'{tag}' was written by another version of QianTu; this one reads {SCHEMA_TAG}",
                file=file,
                field="schema",
            )
        raise RequestError(
            f"is {json.dumps(tag, ensure_ascii=False)}; expected a package ({SCHEMA_TAG}) or a trip request ({REQUEST_TAG})",
            file=file,
            field="schema",
        )
    for key in ("request",):
        if key not in d:
            raise RequestError("is missing", file=file, field=key)
    extra = [k for k in d if k not in ("schema", "title", "request", "plan", "notes", "costing")]
    if extra:
        raise RequestError("is not a known field", file=file, field=extra[0])
    try:
        req = request_from_dict(d["request"], file=file, catalog=catalog)
    except RequestError as exc:
        raise RequestError(exc.message, file=file, field="request." + (exc.field or "")) from None
    plan = None
    if d.get("plan") is not None:
        try:
            plan = plan_from_dict(d["plan"], file=file)
        except RequestError as exc:
            raise RequestError(exc.message, file=file, field="plan." + (exc.field or "")) from None
    title = d.get("title", req.title)
    notes = d.get("notes", "")
    if not isinstance(title, str):
        raise RequestError("is not text", file=file, field="title")
    if not isinstance(notes, str):
        raise RequestError("is not text", file=file, field="notes")
    costing = d.get("costing") or {}
    if not isinstance(costing, dict):
        raise RequestError("is not an object", file=file, field="costing")
    overrides = costing.get("overrides", {})
    if not isinstance(overrides, dict):
        raise RequestError("is not an object {rate key: value}", file=file, field="costing.overrides")
    return Package(request=req, plan=plan, title=title, notes=notes, costing=dict(costing))


def package_to_dict(pkg: Package) -> dict:
    return {
        "schema": SCHEMA_TAG,
        "title": pkg.title,
        "request": request_to_dict(pkg.request),
        "plan": plan_to_dict(pkg.plan) if pkg.plan is not None else None,
        "notes": pkg.notes,
        **({"costing": pkg.costing} if pkg.costing else {}),
    }


def load_package(path: str | Path, catalog=None) -> Package:
    """Open a ``*.qiantu.json`` package, or a bare trip request file (the plan is then None)."""
    return package_from_dict(read_json(path, RequestError), file=str(path), catalog=catalog)


def save_package(pkg: Package, path: str | Path) -> None:
    """Write a package atomically (temporary file in the same folder, then ``os.replace``)."""
    write_json_atomic(package_to_dict(pkg), path)
