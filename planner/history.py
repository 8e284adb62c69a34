"""The Long March in Guizhou: dated events at red sites, and the historical order of red stops."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path

from planner import paths
from planner.errors import DataError

EVENT_COLUMNS = (
    "id",
    "date_start",
    "date_end",
    "name_zh",
    "name_en",
    "site_id",
    "account_zh",
    "account_en",
    "source",
)
EVENT_REQUIRED = ("id", "date_start", "date_end", "name_zh", "name_en", "site_id", "source")
RED_THEME = "red"
from planner.domain import ID_RE as _ID_RE  # noqa: E402  (one id pattern for every table)

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_cache: dict[tuple, list] = {}


@dataclass(frozen=True)
class Event:
    """One dated Long March event, told at a red site of the catalog."""

    id: str
    date_start: str
    date_end: str
    name_zh: str
    name_en: str
    site_id: str
    account_zh: str = ""
    account_en: str = ""
    source: str = ""
    row: int = 0

    def name(self, lang: str = "zh") -> str:
        """The name in ``lang`` (``zh`` or ``en``)."""
        return self.name_en if lang == "en" else self.name_zh

    def account(self, lang: str = "zh") -> str:
        """The short account in ``lang``."""
        return self.account_en if lang == "en" else self.account_zh

    def dates_text(self) -> str:
        """``1935-01-15 – 01-17``, or one date."""
        if self.date_end == self.date_start:
            return self.date_start
        if self.date_end[:4] == self.date_start[:4]:
            return f"{self.date_start} – {self.date_end[5:]}"
        return f"{self.date_start} – {self.date_end}"


def events_file() -> Path:
    """The bundled events table (``data/scenic_spots/long_march_events.csv``)."""
    from planner.catalog import EVENTS_FILE

    return paths.scenic_spots_dir() / EVENTS_FILE


def load_events(path: Path | str | None = None, *, catalog=None) -> list[Event]:
    """Read and validate the Long March events table, sorted by date.

    Parameters
    ----------
    path : path, optional
        The CSV file; the bundled ``long_march_events.csv`` when None.
    catalog : Catalog, optional
        Every ``site_id`` must be a spot of it (the bundled catalog when None).

    Returns
    -------
    list of Event
        Sorted by ``date_start``, then ``date_end``, then file order.

    Raises
    ------
    DataError
        Naming the file, the row (the header is line 1) and the field of the first problem.
    """
    p = Path(path) if path is not None else events_file()
    fname = str(p)
    if not p.is_file():
        raise DataError("file not found", file=fname)
    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    key = (str(p.resolve()), p.stat().st_mtime_ns, p.stat().st_size, id(catalog), len(catalog))
    cached = _cache.get(key)
    if cached is not None:
        return list(cached)
    from planner import io as _io

    events: list[Event] = []
    seen: dict[str, int] = {}
    for i, r in _io.read_table(p, EVENT_COLUMNS, DataError):
        ev = _event_from_row(r, fname, i, catalog)
        if ev.id in seen:
            raise DataError(f"duplicate id '{ev.id}' (also on line {seen[ev.id]})", file=fname, row=i, field="id")
        seen[ev.id] = i
        events.append(ev)
    events.sort(key=lambda e: (e.date_start, e.date_end, e.row))
    if len(_cache) > 8:
        _cache.clear()
    _cache[key] = list(events)
    return events


def _event_from_row(r: dict[str, str], fname: str, row: int, catalog) -> Event:
    def err(fld: str, msg: str) -> DataError:
        return DataError(msg, file=fname, row=row, field=fld)

    for col in EVENT_REQUIRED:
        if not r[col]:
            raise err(col, "is empty")
    if not _ID_RE.match(r["id"]):
        raise err("id", f"'{r['id']}' is not a lowercase-hyphen slug")
    dates = {}
    for col in ("date_start", "date_end"):
        text = r[col]
        try:
            if not _DATE_RE.match(text):
                raise ValueError(text)
            dates[col] = _dt.date.fromisoformat(text)
        except ValueError:
            raise err(col, f"'{text}' is not a date YYYY-MM-DD") from None
    if dates["date_end"] < dates["date_start"]:
        raise err("date_end", f"{r['date_end']} is before date_start {r['date_start']}")
    sid = r["site_id"]
    if sid not in catalog:
        sugg = catalog.suggest(sid) if hasattr(catalog, "suggest") else []
        hint = f" (did you mean: {', '.join(sugg)}?)" if sugg else ""
        raise err("site_id", f"'{sid}' is not a place in the catalog{hint}")
    return Event(
        id=r["id"],
        date_start=r["date_start"],
        date_end=r["date_end"],
        name_zh=r["name_zh"],
        name_en=r["name_en"],
        site_id=sid,
        account_zh=r["account_zh"],
        account_en=r["account_en"],
        source=r["source"],
        row=row,
    )


_default: dict[tuple, list[Event]] = {}


def _default_events() -> list[Event]:
    """The bundled events, validated against the bundled catalog once per file version."""
    from planner.catalog import catalog_files

    p = events_file()
    key = tuple((str(f), f.stat().st_mtime_ns) for f in [p, *catalog_files()] if f.exists())
    got = _default.get(key)
    if got is None:
        _default.clear()
        got = _default[key] = load_events(p)
    return list(got)


def is_red(spot) -> bool:
    """True for a red-tourism site (theme ``red``)."""
    return RED_THEME in spot.themes


def events_by_site(events: list[Event]) -> dict[str, list[Event]]:
    """The events told at each site, by date."""
    out: dict[str, list[Event]] = {}
    for ev in sorted(events, key=lambda e: (e.date_start, e.date_end, e.row)):
        out.setdefault(ev.site_id, []).append(ev)
    return out


def site_order(catalog, events: list[Event] | None = None) -> dict[str, tuple]:
    """The historical sort key of each red site that has at least one event.

    The key is ``(dates, id)``: ``dates`` the start dates of the site's events in order, so
    sites sort by their earliest event, ties broken by the next event's date, then by id.
    Red sites without an event have no key (see :func:`red_sites_without_events`).

    Parameters
    ----------
    catalog : Catalog
    events : list of Event, optional
        Default: the bundled events table.
    """
    events = _default_events() if events is None else events
    by_site = events_by_site(events)
    out: dict[str, tuple] = {}
    for spot in catalog:
        if not is_red(spot):
            continue
        evs = by_site.get(spot.id)
        if evs:
            out[spot.id] = (tuple(e.date_start for e in evs), spot.id)
    return out


def red_sites_without_events(catalog, events: list[Event] | None = None) -> list[str]:
    """Ids of the catalog's red sites that no event links to (memorials, museums), in catalog order."""
    events = _default_events() if events is None else events
    linked = {e.site_id for e in events}
    return [s.id for s in catalog if is_red(s) and s.id not in linked]


def stop_events(stop_ids, catalog, events: list[Event] | None = None, chosen: dict | None = None) -> dict[str, Event]:
    """The event each dated red stop stands for: the one ``chosen`` names, else the site's first.

    Parameters
    ----------
    stop_ids : iterable of str
    catalog : Catalog
    events : list of Event, optional
        Default: the bundled events table.
    chosen : dict, optional
        ``{stop id: event id}`` from the request's stops (``"event"``); an id that is not an
        event of that site is ignored here (the request is checked when it is read).
    """
    events = _default_events() if events is None else events
    by_site = events_by_site(events)
    chosen = chosen or {}
    out: dict[str, Event] = {}
    for sid in dict.fromkeys(stop_ids):
        if sid not in catalog or not is_red(catalog.get(sid)):
            continue
        evs = by_site.get(sid)
        if not evs:
            continue
        pick = next((e for e in evs if e.id == chosen.get(sid)), evs[0])
        out[sid] = pick
    return out


def _keys(stop_ids, catalog, events, chosen) -> list[tuple[tuple, str]]:
    evs = stop_events(stop_ids, catalog, events, chosen)
    return sorted(((e.date_start, e.date_end, sid), sid) for sid, e in evs.items())


def history_precedence(
    stop_ids, catalog, events: list[Event] | None = None, chosen: dict | None = None
) -> list[tuple[str, str]]:
    """Pairs ``(a, b)``: red stop ``a`` comes before red stop ``b`` in Long March order.

    Each dated red stop is ordered by the event it stands for (:func:`stop_events`: the one
    the request names, by default the site's first). Every pair of such stops whose events
    start on different dates is listed (not only neighbours), so the pairs also serve to
    count inversions. Stops that are not red, or red without an event, get no pair: they go
    wherever they fit best.
    """
    dated = _keys(stop_ids, catalog, events, chosen)
    pairs = []
    for i, (ka, a) in enumerate(dated):
        for kb, b in dated[i + 1 :]:
            if ka[0] != kb[0]:  # the same start date: history does not order them
                pairs.append((a, b))
    return pairs


def historical_sequence(stop_ids, catalog, events: list[Event] | None = None, chosen: dict | None = None) -> list[str]:
    """The dated red stops among ``stop_ids`` in Long March order (by the events they stand for)."""
    return [s for _, s in _keys(stop_ids, catalog, events, chosen)]


def pairs_out_of_order(order, pairs) -> list[tuple[str, str]]:
    """The pairs ``(a, b)`` of ``pairs`` that ``order`` visits as b before a (both visited)."""
    pos = {sid: i for i, sid in enumerate(order)}
    return [(a, b) for a, b in pairs if a in pos and b in pos and pos[a] > pos[b]]


def first_event(site_id: str, events: list[Event] | None = None) -> Event | None:
    """The earliest event at ``site_id``, or None."""
    events = _default_events() if events is None else events
    evs = events_by_site(events).get(site_id)
    return evs[0] if evs else None


def note_history(plan, stop_ids, pairs, catalog, events: list[Event] | None = None, chosen: dict | None = None) -> None:
    """Record in ``plan.solver["history"]`` how the plan keeps the Long March order.

    ``{"kept": bool, "order": [visited dated red stops, in plan order], "pairs": number of
    pairs enforced, "out_of_order": [[a, b], ...], "undated": [red stops without an event],
    "events": {stop id: the event id it was ordered by}}``; undated red stops also get a line
    in ``plan.warnings`` (they were placed freely).
    """
    order = site_order(catalog, events)
    by = stop_events(stop_ids, catalog, events, chosen)
    visited_red = [sid for sid in plan.order if sid in order]
    broken = pairs_out_of_order(plan.order, pairs)
    undated = [sid for sid in stop_ids if sid in catalog and is_red(catalog.get(sid)) and sid not in order]
    plan.solver["history"] = {
        "kept": not broken,
        "order": visited_red,
        "pairs": len(pairs),
        "out_of_order": [list(p) for p in broken],
        "undated": undated,
        "events": {sid: by[sid].id for sid in stop_ids if sid in by},
    }
    if undated:
        plan.warnings.append(
            "follow_history: no dated Long March event at " + ", ".join(undated) + "; placed where they fit best"
        )
    if broken:  # the optimizer enforces the pairs, so this means a bug, not a choice
        plan.warnings.append(
            "follow_history: the Long March order is broken: " + "; ".join(f"{b} before {a}" for a, b in broken)
        )


__all__ = [
    "Event",
    "events_by_site",
    "first_event",
    "historical_sequence",
    "history_precedence",
    "is_red",
    "load_events",
    "note_history",
    "pairs_out_of_order",
    "red_sites_without_events",
    "site_order",
    "stop_events",
]
