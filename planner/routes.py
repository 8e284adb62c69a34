"""Preset routes: ready trip requests in ``data/routes/`` (one request file per route)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from planner import paths
from planner.errors import RequestError


@dataclass(frozen=True)
class Route:
    """One preset: its id (the file name without ``.json``), what it is, and where it comes from."""

    id: str
    title: str
    notes: str
    file: str
    days: int
    start: str
    end: str
    mode: str
    stops: int
    follow_history: bool

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "days": self.days,
            "start": self.start,
            "end": self.end,
            "mode": self.mode,
            "stops": self.stops,
            "follow_history": self.follow_history,
            "notes": self.notes,
            "file": self.file,
        }


def routes_dir() -> Path:
    """The bundled presets folder (``data/routes/``)."""
    return paths.data_dir() / "routes"


def _place_text(value) -> str:
    if isinstance(value, dict):
        return str(value.get("name", "?"))
    return str(value)


def list_routes(directory: Path | str | None = None) -> list[Route]:
    """Every preset route, by id.

    Parameters
    ----------
    directory : path, optional
        A folder of request files; the bundled ``data/routes/`` when None.

    Raises
    ------
    RequestError
        A preset that is not valid JSON or not a trip request (naming the file and field).
    """
    from planner.request import SCHEMA_TAG, read_json, schema_check

    d = Path(directory) if directory is not None else routes_dir()
    if not d.is_dir():
        return []
    out = []
    for f in sorted(d.glob("*.json")):
        doc = read_json(f, RequestError)
        if not isinstance(doc, dict) or doc.get("schema") != SCHEMA_TAG:
            raise RequestError(f"is not a trip request ({SCHEMA_TAG})", file=str(f), field="schema")
        schema_check(doc, "request", str(f))
        start = _place_text(doc["start"])
        out.append(
            Route(
                id=f.stem,
                title=doc.get("title", ""),
                notes=doc.get("notes", ""),
                file=str(f),
                days=int(doc["days"]),
                start=start,
                end=_place_text(doc.get("end", start)),
                mode=doc.get("mode", "drive"),
                stops=len(doc["stops"]),
                follow_history=bool(doc.get("follow_history", False)),
            )
        )
    return out


def route_file(route_id: str, directory: Path | str | None = None) -> Path:
    """The request file of preset ``route_id``; RequestError with close ids when unknown."""
    d = Path(directory) if directory is not None else routes_dir()
    f = d / f"{route_id}.json"
    if f.is_file():
        return f
    ids = [p.stem for p in sorted(d.glob("*.json"))] if d.is_dir() else []
    close = difflib.get_close_matches(route_id, ids, n=3, cutoff=0.4)
    hint = f" (did you mean: {', '.join(close)}?)" if close else (f" (presets: {', '.join(ids)})" if ids else "")
    raise RequestError(f"no preset route '{route_id}'{hint}", file=str(d))


def load_route(route_id: str, catalog=None, directory: Path | str | None = None):
    """The validated TripRequest of preset ``route_id``.

    Parameters
    ----------
    route_id : str
        The file name without ``.json`` (``zunyi-classic``).
    catalog : Catalog, optional
        For checking the spot ids; the bundled catalog when None.
    directory : path, optional
        Default: the bundled ``data/routes/``.
    """
    from planner.request import load_request

    return load_request(route_file(route_id, directory), catalog=catalog)


__all__ = ["Route", "list_routes", "load_route", "route_file", "routes_dir"]
