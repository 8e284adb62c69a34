"""The details pane: everything the catalog knows about the selected spot, with its sources."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QTextBrowser

from planner.catalog import Spot
from planner.mapping import WEEKDAYS_EN, WEEKDAYS_ZH, spot_category
from ui.catalog_panel import KIND_LABELS, THEME_LABELS, label, prefecture_label
from ui.i18n import tr


def spot_details_html(spot: Spot, lang: str = "zh") -> str:
    """The pane's HTML for ``spot``; all catalog text is escaped."""
    en = lang == "en"
    e = html.escape
    other = "zh" if en else "en"
    rows: list[tuple[str, str]] = [
        (tr("Kind"), label(KIND_LABELS, spot.kind, lang)),
        (tr("Themes"), ", ".join(label(THEME_LABELS, t, lang) for t in spot.themes)),
        (tr("Prefecture"), prefecture_label(spot.prefecture, lang)),
        (tr("Position"), f"{spot.lat:.5f}, {spot.lon:.5f} (WGS-84)"),
    ]
    if spot.level:
        rows.append((tr("Level"), spot.level))
    if spot.kind == "attraction":
        rows.append((tr("Hours"), spot.hours_text() or (tr("not stated"))))
        if spot.closed_weekdays:
            names = WEEKDAYS_EN if en else WEEKDAYS_ZH
            rows.append((tr("Closed"), ", ".join(names[d - 1] for d in spot.closed_weekdays)))
        if spot.ticket_cny is not None:
            rows.append((tr("Ticket"), tr("free") if not spot.ticket_cny else f"¥{spot.ticket_cny:g}"))
        rows.append((tr("Visit"), tr("{0} min").format(spot.visit_minutes)))
    if spot.overnight:
        rows.append((tr("Overnight"), tr("hotels")))
    if spot.season_note:
        rows.append((tr("Season"), spot.season_note))
    table = "".join(f"<tr><th align='left'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    sources = "".join(
        f"<li><a href='{e(u.strip())}'>{e(u.strip())}</a></li>" if u.strip().startswith("http") else f"<li>{e(u.strip())}</li>"
        for u in spot.source.split(";")
        if u.strip()
    )
    color = spot_category(spot).color
    note = f"<p><i>{e(spot.note)}</i></p>" if spot.note else ""
    return (
        f"<h3 style='margin-bottom:0'><span style='color:{color}'>●</span> {e(spot.name(lang))}</h3>"
        f"<div style='color:#666'>{e(spot.name(other))} · <code>{e(spot.id)}</code></div>"
        f"<p>{e(spot.summary(lang))}</p><table cellspacing='4'>{table}</table>"
        f"{note}<p><b>{e(tr('Sources'))}</b></p><ul>{sources}</ul>"
    )


class DetailsPane(QTextBrowser):
    """Shows the selected spot."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("detailsPane")
        self.setOpenExternalLinks(True)
        self.spot: Spot | None = None
        self.lang = "zh"
        self.show_spot(None)

    def show_spot(self, spot: Spot | None, lang: str | None = None) -> None:
        if lang:
            self.lang = lang
        self.spot = spot
        if spot is None:
            self.setHtml(
                "<p style='color:#666'>"
                + (tr("Select a place in the list or on the map."))
                + "</p>"
            )
        else:
            self.setHtml(spot_details_html(spot, self.lang))
