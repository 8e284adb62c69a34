"""The open trip: request, plan and notes as JSON dicts, edited only through undoable commands."""

from __future__ import annotations

import copy
import json
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from planner.request import NEW_TRIP
from planner.request import SCHEMA_TAG as REQUEST_TAG
from ui.i18n import tr


def stop_edit_text(key: str) -> str:
    """The name of an undoable edit of a stop's ``key`` (shown in Edit ▸ Undo …)."""
    return {"must": tr("Set must-see"), "priority": tr("Set priority"), "visit_minutes": tr("Set visit time"),
            "after": tr("Set order constraint"), "day": tr("Pin to day")}.get(key, tr("Edit stop"))

# A new trip: the request format's own defaults (planner.request), one set for the app and the files.
DEFAULT_REQUEST: dict[str, Any] = {"schema": REQUEST_TAG, **NEW_TRIP}


def clean_request(req: dict) -> dict:
    """The request as saved: without keys whose value is None (the defaults apply)."""
    return {k: v for k, v in req.items() if v is not None}


class TripDocument(QObject):
    """Holds the trip being edited. Views read ``request``/``plan`` and listen to ``changed``.

    Every change goes through :meth:`apply`, which pushes a snapshot command on ``undo_stack``,
    so undo/redo and the modified flag (``undo_stack.isClean()``) come for free.
    """

    changed = Signal()
    planChanged = Signal()
    pathChanged = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.request: dict = copy.deepcopy(DEFAULT_REQUEST)
        self.plan: dict | None = None
        self.plan_request: dict | None = None  # the request the plan was made for
        self.notes = ""
        self.costing: dict = {}
        self.tour: dict = {}  # the package's tour details (planner.package.check_tour)
        self.path: str | None = None
        self.undo_stack = QUndoStack(self)

    # -- state --------------------------------------------------------------------------------
    def state(self) -> tuple[dict, dict | None, dict | None, str, dict, dict]:
        return (
            copy.deepcopy(self.request),
            copy.deepcopy(self.plan),
            copy.deepcopy(self.plan_request),
            self.notes,
            copy.deepcopy(self.costing),
            copy.deepcopy(self.tour),
        )

    def _set_state(self, state) -> None:
        old_plan = self.plan
        self.request, self.plan, self.plan_request, self.notes, self.costing, self.tour = copy.deepcopy(state)
        self.changed.emit()
        if old_plan != self.plan:
            self.planChanged.emit()

    @property
    def plan_is_stale(self) -> bool:
        """True when the request was edited after the plan was made."""
        if self.plan is None or self.plan_request is None:
            return False
        return _comparable(self.request) != _comparable(self.plan_request)

    def stop_ids(self) -> list[str]:
        return [s["id"] for s in self.request.get("stops", [])]

    # -- editing ------------------------------------------------------------------------------
    def apply(self, text: str, request: dict | None = None, plan: Any = ..., plan_request: Any = ...,
              notes: str | None = None, merge_key: str | None = None, costing: dict | None = None,
              tour: dict | None = None) -> None:
        """Change the document as one undoable step named ``text``."""
        before = self.state()
        new_request = copy.deepcopy(request) if request is not None else before[0]
        new_plan = before[1] if plan is ... else copy.deepcopy(plan)
        new_plan_request = before[2] if plan_request is ... else copy.deepcopy(plan_request)
        new_costing = copy.deepcopy(costing) if costing is not None else before[4]
        new_tour = copy.deepcopy(tour) if tour is not None else before[5]
        after = (new_request, new_plan, new_plan_request, before[3] if notes is None else notes, new_costing, new_tour)
        if after == before:
            return
        self.undo_stack.push(_Snapshot(self, text, before, after, merge_key))

    def set_field(self, key: str, value: Any, text: str | None = None) -> None:
        req = copy.deepcopy(self.request)
        req[key] = value
        self.apply(text or tr("Edit the trip"), request=req, merge_key=f"field:{key}")

    def add_stops(self, ids: list[str]) -> list[str]:
        req = copy.deepcopy(self.request)
        have = {s["id"] for s in req["stops"]}
        added = [i for i in ids if i not in have]
        if not added:
            return []
        req["stops"].extend({"id": i} for i in added)
        self.apply(tr("Add stop") if len(added) == 1 else tr("Add {0} stops").format(len(added)), request=req)
        return added

    def remove_stops(self, ids: list[str]) -> None:
        req = copy.deepcopy(self.request)
        gone = set(ids)
        req["stops"] = [s for s in req["stops"] if s["id"] not in gone]
        for s in req["stops"]:
            if s.get("after"):
                s["after"] = [a for a in s["after"] if a not in gone] or None
                if s["after"] is None:
                    del s["after"]
        self.apply(tr("Remove stop") if len(ids) == 1 else tr("Remove {0} stops").format(len(ids)), request=req)

    def edit_stop(self, spot_id: str, key: str, value: Any) -> None:
        req = copy.deepcopy(self.request)
        for s in req["stops"]:
            if s["id"] == spot_id:
                if value is None or value == "" or value == []:
                    s.pop(key, None)
                else:
                    s[key] = value
        self.apply(stop_edit_text(key), request=req, merge_key=f"stop:{spot_id}:{key}")

    def reorder_stops(self, ids: list[str], text: str = "", plan: Any = ...) -> None:
        text = text or tr("Reorder stops")
        req = copy.deepcopy(self.request)
        by_id = {s["id"]: s for s in req["stops"]}
        rest = [s for s in req["stops"] if s["id"] not in ids]
        req["stops"] = [by_id[i] for i in ids if i in by_id] + rest
        if plan is ...:
            self.apply(text, request=req)
        else:
            self.apply(text, request=req, plan=plan, plan_request=req)

    def pin_stops(self, ids: list[str], day: int | None) -> None:
        """Pin stops to ``day`` (1-based; None unpins): the request's stop ``day``."""
        req = copy.deepcopy(self.request)
        want = set(ids)
        for s in req["stops"]:
            if s["id"] in want:
                if day is None:
                    s.pop("day", None)
                else:
                    s["day"] = int(day)
        self.apply(tr("Unpin") if day is None else tr("Pin to day {0}").format(day), request=req)

    def set_day_locked(self, day: int, locked: bool) -> None:
        """Lock (or unlock) plan day ``day`` (1-based) as one undoable command.

        Locking adds the day to the request's ``locked_days`` and pins each stop the plan visits
        that day to it, in the plan's order (as planner.request.lock_days does), so re-optimizing
        keeps the day; unlocking removes the day and those pins."""
        req = copy.deepcopy(self.request)
        days = set(req.get("locked_days") or [])
        plan_days = (self.plan or {}).get("days") or []
        visits = [it.get("id") for it in (plan_days[day - 1].get("items") or [])
                  if it.get("type") == "visit"] if 1 <= day <= len(plan_days) else []
        stops = req["stops"]
        if locked:
            days.add(int(day))
            by_id = {s["id"]: s for s in stops}
            ids = [i for i in visits if i in by_id]
            for s in stops:
                if s.get("day") == day and s["id"] not in ids:
                    s.pop("day", None)
            slots = [k for k, s in enumerate(stops) if s["id"] in ids]
            for k, sid in zip(slots, ids):
                stops[k] = {**by_id[sid], "day": int(day)}
        else:
            days.discard(int(day))
            for s in stops:
                if s.get("day") == day:
                    s.pop("day", None)
        if days:
            req["locked_days"] = sorted(days)
        else:
            req.pop("locked_days", None)
        self.apply((tr("Lock day {0}") if locked else tr("Unlock day {0}")).format(day), request=req)

    def locked_days(self) -> list[int]:
        return [int(d) for d in self.request.get("locked_days") or []]

    def set_costing(self, key: str, value: Any, text: str | None = None) -> None:
        """Set one costing choice (``hotel_class``, ``adults`` ...) or, with ``overrides.<rate key>``,
        one rate for this package only; None removes it."""
        costing = copy.deepcopy(self.costing)
        if key.startswith("overrides."):
            overrides = costing.setdefault("overrides", {})
            rate = key[len("overrides."):]
            if value is None:
                overrides.pop(rate, None)
            else:
                overrides[rate] = value
            if not overrides:
                costing.pop("overrides")
        elif value is None:
            costing.pop(key, None)
        else:
            costing[key] = value
        self.apply(text or tr("Edit the costs"), costing=costing, merge_key=f"costing:{key}")

    def set_tour(self, key: str, value: Any, text: str | None = None) -> None:
        """Set one tour detail (undoable): ``agency``, ``guide.phone``, ``hotels`` (the whole list) ...;
        an empty value removes it. Consecutive edits of one field merge into one undo step."""
        tour = copy.deepcopy(self.tour)
        head, _, sub = key.partition(".")
        if sub:
            person = dict(tour.get(head) or {})
            if value in (None, ""):
                person.pop(sub, None)
            else:
                person[sub] = value
            if person:
                tour[head] = person
            else:
                tour.pop(head, None)
        elif value in (None, "", []):
            tour.pop(head, None)
        else:
            tour[head] = value
        self.apply(text or tr("Edit the tour details"), tour=tour, merge_key=f"tour:{key}")

    def set_plan(self, plan: dict | None, text: str = "", request: dict | None = None) -> None:
        text = text or tr("Optimize")
        req = request if request is not None else self.request
        self.apply(text, request=req, plan=plan, plan_request=req if plan is not None else None)

    # -- files --------------------------------------------------------------------------------
    def load(self, request: dict, plan: dict | None, notes: str, path: str | None, costing: dict | None = None,
             tour: dict | None = None) -> None:
        """Replace everything (opening a file): not undoable, starts clean."""
        self.undo_stack.clear()
        self.costing = copy.deepcopy(costing or {})
        self.tour = copy.deepcopy(tour or {})
        self.request = {**copy.deepcopy(DEFAULT_REQUEST), **copy.deepcopy(request)}
        self.plan = copy.deepcopy(plan)
        self.plan_request = copy.deepcopy(self.request) if plan is not None else None
        self.notes = notes
        self.path = path
        self.undo_stack.setClean()
        self.changed.emit()
        self.planChanged.emit()
        self.pathChanged.emit(path or "")

    def mark_saved(self, path: str) -> None:
        self.path = path
        self.undo_stack.setClean()
        self.pathChanged.emit(path)


def _comparable(req: dict) -> str:
    keys = ("start", "end", "start_date", "days", "day_start", "day_end", "max_drive_minutes_per_day", "mode",
            "stops", "keep_order", "follow_history", "lunch_minutes", "budget_per_person_cny", "locked_days",
            "lunch_window")
    return json.dumps({k: req.get(k) for k in keys}, sort_keys=True, ensure_ascii=False)


class _Snapshot(QUndoCommand):
    """An edit as the document's state before and after; consecutive edits of one field merge."""

    _ID = 4711

    def __init__(self, doc: TripDocument, text: str, before, after, merge_key: str | None) -> None:
        super().__init__(text)
        self._doc = doc
        self._before = before
        self._after = after
        self._merge_key = merge_key

    def id(self) -> int:  # noqa: A003
        return self._ID if self._merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if not isinstance(other, _Snapshot) or other._merge_key != self._merge_key or self._merge_key is None:
            return False
        self._after = other._after
        return True

    def redo(self) -> None:
        self._doc._set_state(self._after)

    def undo(self) -> None:
        self._doc._set_state(self._before)
