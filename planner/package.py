"""Package files (``*.qiantu.json``): a request, its plan and notes, as the app saves them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import PlannerError, RequestError
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
    # Tour details for the documents (see check_tour): agency, tour code, operator, guide, driver,
    # leader, emergency phone, hotels and meals per day.
    tour: dict = field(default_factory=dict)


TOUR_KEYS = ("agency", "tour_code", "operator", "guide", "driver", "leader", "emergency_phone", "hotels", "meals",
             "trains", "notes")
_PERSON_KEYS = {"operator": ("name", "phone"), "guide": ("name", "phone"), "driver": ("name", "phone", "plate"),
                "leader": ("name", "phone")}
_PHONE = re.compile(r"\+?[0-9][0-9 ()\-]*")
# A Chinese licence plate: province character, a letter (not I or O), then 5 (or 6 for new-energy
# vehicles) letters and digits; a separator "·" or a space after the second character is allowed.
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·・ ]?[A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警]"
)


def check_phone(value: str, field: str) -> str:
    """A phone number: digits with an optional leading +, spaces, dashes, brackets; 5-15 digits."""
    text = str(value).strip()
    if not text:
        return ""
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE.fullmatch(text):
        raise RequestError(f"'{text}' is not a phone number (digits, +, spaces, dashes only)", field=field)
    if not 5 <= digits <= 15:
        raise RequestError(f"'{text}' is not a phone number ({digits} digits; 5 to 15 expected)", field=field)
    return text


# China Railway train numbers: a class letter (G, D, C, Z, T, K, Y, L, S) and 1-4 digits, or 4 digits.
_TRAIN = re.compile(r"[GDCZTKYLS][0-9]{1,4}|[0-9]{4}")


def check_train(value: str, field: str) -> str:
    """A train number such as G2961 or K1234 (empty: not known yet)."""
    text = str(value).strip().upper()
    if text and not _TRAIN.fullmatch(text):
        raise RequestError(f"'{text}' is not a train number (e.g. G2961)", field=field)
    return text


def check_plate(value: str, field: str = "tour.driver.plate") -> str:
    """A Chinese licence plate such as 贵A·12345 or 贵AD12345 (new-energy)."""
    text = str(value).strip().upper()
    if text and not _PLATE.fullmatch(text):
        raise RequestError(f"'{text}' is not a Chinese licence plate (e.g. 贵A·12345)", field=field)
    return text


def _text(value: Any, field: str, limit: int = 200) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RequestError("is not text", field=field)
    if len(value) > limit:
        raise RequestError(f"is longer than {limit} characters", field=field)
    return value


def _day_list(items: Any, name: str, keys: tuple[str, ...]) -> list[dict]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise RequestError("is not a list", field=f"tour.{name}")
    out = []
    for k, item in enumerate(items):
        where = f"tour.{name}[{k}]"
        if not isinstance(item, dict):
            raise RequestError("is not an object", field=where)
        day = item.get("day")
        if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 366:
            raise RequestError(f"{day!r} is not a day number (1 or more)", field=f"{where}.day")
        rec: dict = {"day": day}
        for key in keys:
            if key not in item:
                continue
            rec[key] = check_phone(item[key], f"{where}.{key}") if key == "phone" else _text(item[key], f"{where}.{key}")
        extra = [x for x in item if x != "day" and x not in keys]
        if extra:
            raise RequestError("is not a known field", field=f"{where}.{extra[0]}")
        out.append(rec)
    return out


def check_tour(tour: Any) -> dict:
    """Check a package's ``tour`` object: known keys, text fields, phone numbers, the plate.

    Raises RequestError naming ``tour.<field>`` (e.g. ``tour.guide.phone``).
    """
    if tour is None:
        return {}
    if not isinstance(tour, dict):
        raise RequestError("is not an object", field="tour")
    out: dict = {}
    for key, value in tour.items():
        if key not in TOUR_KEYS:
            raise RequestError(f"is not a tour field ({', '.join(TOUR_KEYS)})", field=f"tour.{key}")
        if key in _PERSON_KEYS:
            if value is None:
                continue
            if not isinstance(value, dict):
                raise RequestError("is not an object {name, phone}", field=f"tour.{key}")
            person: dict = {}
            for sub, v in value.items():
                f = f"tour.{key}.{sub}"
                if sub not in _PERSON_KEYS[key]:
                    raise RequestError(f"is not a known field ({', '.join(_PERSON_KEYS[key])})", field=f)
                person[sub] = check_phone(v, f) if sub == "phone" else check_plate(v, f) if sub == "plate" else _text(v, f)
            out[key] = person
        elif key == "emergency_phone":
            out[key] = check_phone(value, "tour.emergency_phone")
        elif key == "hotels":
            out[key] = _day_list(value, "hotels", ("name", "phone", "address"))
        elif key == "meals":
            out[key] = _day_list(value, "meals", ("breakfast", "lunch", "dinner"))
        elif key == "trains":
            out[key] = _day_list(value, "trains", ("number", "depart", "arrive"))
            for k, x in enumerate(out[key]):
                check_train(x.get("number", ""), f"tour.trains[{k}].number")
        else:
            out[key] = _text(value, f"tour.{key}", 2000 if key == "notes" else 200)
    return out


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
    extra = [k for k in d if k not in ("schema", "title", "request", "plan", "notes", "costing", "tour")]
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
    from planner.costing.package import check_costing

    try:
        costing = check_costing(d.get("costing"))
        tour = check_tour(d.get("tour"))
    except PlannerError as exc:
        raise RequestError(exc.message, file=file, field=exc.field) from None
    return Package(request=req, plan=plan, title=title, notes=notes, costing=costing, tour=tour)


def package_to_dict(pkg: Package) -> dict:
    return {
        "schema": SCHEMA_TAG,
        "title": pkg.title,
        "request": request_to_dict(pkg.request),
        "plan": plan_to_dict(pkg.plan) if pkg.plan is not None else None,
        "notes": pkg.notes,
        **({"costing": pkg.costing} if pkg.costing else {}),
        **({"tour": pkg.tour} if pkg.tour else {}),
    }


def load_package(path: str | Path, catalog=None) -> Package:
    """Open a ``*.qiantu.json`` package, or a bare trip request file (the plan is then None)."""
    return package_from_dict(read_json(path, RequestError), file=str(path), catalog=catalog)


def save_package(pkg: Package, path: str | Path) -> None:
    """Write a package atomically (temporary file in the same folder, then ``os.replace``)."""
    write_json_atomic(package_to_dict(pkg), path)
