"""Exports of a plan: printable PDF, Excel, GPX, KML, GeoJSON, iCalendar and a single-file HTML map.

Every ``export_*(plan, path, *, lang="zh", catalog=None, ...)`` takes a Plan or a plan dict, writes
atomically (a temporary file in the same folder, then ``os.replace``; nothing is left behind on
failure), returns a list of warnings and raises ``planner.errors.ExportError`` with a clear message.
The format libraries are imported inside the functions, so importing this package is cheap.
"""

from __future__ import annotations

from planner.export.geojson import export_geojson
from planner.export.gpx import export_gpx
from planner.export.html import export_html
from planner.export.ics import export_ics
from planner.export.kml import export_kml
from planner.export.pdf import export_pdf
from planner.export.tour_order import export_tour_order
from planner.export.xlsx import export_xlsx

#: Format name -> (exporter, usual file extension).
FORMATS = {
    "pdf": (export_pdf, ".pdf"),
    "xlsx": (export_xlsx, ".xlsx"),
    "gpx": (export_gpx, ".gpx"),
    "kml": (export_kml, ".kml"),
    "geojson": (export_geojson, ".geojson"),
    "ics": (export_ics, ".ics"),
    "html": (export_html, ".html"),
}

__all__ = [
    "FORMATS",
    "export_geojson",
    "export_gpx",
    "export_html",
    "export_ics",
    "export_kml",
    "export_pdf",
    "export_tour_order",
    "export_xlsx",
]
