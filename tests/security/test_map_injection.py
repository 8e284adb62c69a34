"""Issue 12 items 1-3: hostile text in a plan never reaches a template engine or a script.

A plan's title, a custom place's name and its id carry jinja expressions and statements (one that
would run ``touch`` on the machine), a ``</script>`` break-out, U+2028/U+2029, backticks and
``${}``. Through ``qiantu export --html``, the printed PDF (maps rendered by ``ui.snapshot``) and
the app opening the package: no marker file appears, the page's inline code all runs under its
Content-Security-Policy, and the browser shows the text exactly as written.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "tests" / "data" / "export_plan_5days.json"


def evil_text(marker: Path, tag: str) -> str:
    """Text that runs ``touch MARKER`` if any template engine renders it, and breaks out of scripts.

    ``{%- endraw %}`` closes the ``{% raw %}`` block the old map code wrapped its scripts in (it only
    removed the exact spelling ``{% endraw %}``), so the expression after it was evaluated.
    """
    return (
        f"{tag} {{%- endraw %}}{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}{{%- raw %}}"
        " {% for x in range(3) %}loop{% endfor %} {{ 7*7 }}"
        " </script><script>alert(1)</script><!-- \u2028\u2029 `${alert(2)}` \\ \" ' & end"
    )


def evil_plan(marker: Path) -> tuple[dict, str, str]:
    """The 5-day plan with a hostile title and a hostile custom start place (name and id)."""
    plan = copy.deepcopy(json.loads(PLAN.read_text(encoding="utf-8")))
    title = evil_text(marker, "TITLE")
    name = evil_text(marker, "NAME")
    plan["title"] = title
    place_id = "custom:" + name
    plan["places"] = {place_id: {"name": name, "lat": 26.58, "lon": 106.71}}
    first = plan["days"][0]
    first["start"] = place_id
    first["overnight"] = place_id
    for item in first["items"]:
        if item.get("type") == "travel":
            item["from"] = place_id
            break
    return plan, title, name


def shown(actual: str, written: str) -> bool:
    """``actual`` is ``written`` exactly, or, where the exports clean text from files first
    (planner.export.safe: control and line-separator characters dropped), the same up to white
    space. Every visible character, markup and template syntax included, must be there."""
    if actual == written:
        return True
    try:
        import planner.export.safe  # noqa: F401
    except ImportError:
        return False

    def norm(t: str) -> str:
        return " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", t).split())

    return norm(actual) == norm(written)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.run([sys.executable, "-m", "planner", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(page: str) -> _Tags:
    p = _Tags()
    p.feed(page)
    return p


def data_block(page: str) -> dict:
    found = re.findall(r'<script type="application/json" id="qiantu-data">(.*?)</script>', page, flags=re.S)
    assert len(found) == 1
    return json.loads(found[0])


# --------------------------------------------------------------------------- the page text


def test_map_page_holds_user_text_only_as_escaped_json(tmp_path):
    from planner.mapping import plan_map, render_html

    marker = tmp_path / "pwned"
    plan, title, name = evil_plan(marker)
    page = render_html(plan_map(plan), inline=True)
    assert not marker.exists()
    blob = re.search(r'id="qiantu-data">(.*?)</script>', page, flags=re.S).group(1)
    # Nothing in the block can end it or start markup; the line separators are escaped too.
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in blob
    data = json.loads(blob)
    assert data["title"] == title and data["legend"]["title"] == title
    first_day = data["days"][0]["items"]
    assert any(name in (it.get("tooltip") or "") for it in first_day)
    start = [p for p in data["places"] if p["type"] == "start"]
    assert start and start[0]["tooltip"].endswith(name)
    # Outside the block, the only user text is the HTML-escaped <title>.
    outside = page.replace(blob, "")
    assert parse(page).title == title
    for bit in ("alert(1)", "${alert(2)}", "os.system", "{{ 7*7 }}", "range(3)"):
        assert outside.count(bit) == 1, bit  # once: in the escaped <title>
    assert "<script>alert(1)" not in page and "</script><script>alert" not in page


def test_no_template_engine_renders_map_text(tmp_path, monkeypatch):
    """jinja2 may render folium's own templates, but never a string holding the user's text."""
    import jinja2

    from planner.mapping import plan_map, render_html

    marker = tmp_path / "pwned"
    plan, title, name = evil_plan(marker)
    seen: list[str] = []
    original = jinja2.Environment.from_string

    def spy(self, source, *a, **k):
        seen.append(source if isinstance(source, str) else "")
        return original(self, source, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "from_string", spy)
    render_html(plan_map(plan, lang="en"), inline=True)
    assert seen, "folium still renders its skeleton with jinja (the spy must see it)"
    for source in seen:
        assert "TITLE" not in source and "NAME" not in source and "os.system" not in source
    assert not marker.exists()


# --------------------------------------------------------------------------- qiantu export --html


def _csp(page: str) -> dict[str, list[str]]:
    metas = [a for t, a in parse(page).tags if t == "meta" and (a.get("http-equiv") or "").lower()
             == "content-security-policy"]
    assert len(metas) == 1
    policy = {}
    for part in metas[0]["content"].split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def _remote_refs(page: str) -> list[str]:
    return [v for _t, a in parse(page).tags for k, v in a.items()
            if k in ("src", "href") and v and re.match(r"\s*(https?:)?//", v, flags=re.I)]


def test_cli_html_export_is_inert_and_has_a_strict_csp(tmp_path):
    marker = tmp_path / "pwned"
    plan, title, _name = evil_plan(marker)
    src = tmp_path / "plan.json"
    src.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "map.html"
    res = run_cli("export", str(src), "--html", str(out), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert not marker.exists()
    page = out.read_text(encoding="utf-8")
    assert shown(parse(page).title, title)
    assert shown(data_block(page)["title"], title)
    policy = _csp(page)
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] and all(s.startswith("'sha256-") for s in policy["script-src"])
    assert policy["style-src"] and all(s.startswith("'sha256-") for s in policy["style-src"])
    assert policy["img-src"] == ["data:"]  # no tiles chosen: nothing from the network at all
    assert "'unsafe-inline'" not in page and "'unsafe-eval'" not in page
    assert _remote_refs(page) == []  # (Leaflet's own code still mentions its home page in a string)


def test_html_export_with_online_tiles_allows_only_that_provider(tmp_path):
    from planner.export.html import export_html

    plan, _title, _name = evil_plan(tmp_path / "pwned")
    out = tmp_path / "osm.html"
    warnings = export_html(plan, out, tiles="osm")
    assert warnings
    page = out.read_text(encoding="utf-8")
    assert _csp(page)["img-src"] == ["data:", "https://tile.openstreetmap.org"]
    assert _remote_refs(page) == []
    # The one network URL on the page is the tile template inside folium's map script.
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page.split("</head>", 1)[1]))
    assert urls == {"https://tile.openstreetmap.org/{z}/{x}/{y}.png"}


# --------------------------------------------------------------------------- in a browser

QtWebEngineWidgets = pytest.importorskip("PySide6.QtWebEngineWidgets")
QtWebEngineCore = pytest.importorskip("PySide6.QtWebEngineCore")
from PySide6.QtCore import QUrl  # noqa: E402

# Runs before the page's own scripts: records CSP violations and any alert() the page makes.
_WATCH = """
window.__violations = []; window.__alerts = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
window.alert = function (x) { window.__alerts.push(String(x)); };
"""

_PROBE = r"""JSON.stringify({
  title: document.title,
  legend: (document.querySelector('.qt-legend-title') || {}).textContent,
  stops: window.qiantu ? qiantu.stopCount() : -1,
  lines: window.qiantu ? qiantu.lineCount() : -1,
  tooltips: (function () {
    var out = [];
    Object.keys(qiantu.items).forEach(function (k) {
      var t = qiantu.items[k].layer.getTooltip(); if (t) { out.push(t.getContent().textContent); }
    });
    return out;
  })(),
  popups: (function () {
    var out = [];
    qiantu.overnights.forEach(function (m) {
      m.openPopup(); var c = document.querySelector('.leaflet-popup-content');
      out.push({text: c.textContent, scripts: c.querySelectorAll('script, img, iframe').length});
      m.closePopup();
    });
    return out;
  })(),
  violations: window.__violations, alerts: window.__alerts,
  remote: Array.prototype.map.call(document.querySelectorAll('[src], [href]'), function (e) {
    return e.getAttribute('src') || e.getAttribute('href');
  }).filter(function (u) { return /^\s*(https?:)?\/\//i.test(u); }),
  scripts: document.scripts.length
})"""


def _js(qtbot, page, code):
    box: list = []
    page.runJavaScript(code, 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return json.loads(box[0]) if isinstance(box[0], str) and box[0] else box[0]


def _watch(view) -> None:
    script = QtWebEngineCore.QWebEngineScript()
    script.setName("watch")
    script.setSourceCode(_WATCH)
    script.setInjectionPoint(QtWebEngineCore.QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QtWebEngineCore.QWebEngineScript.ScriptWorldId.MainWorld)
    view.page().scripts().insert(script)


def _load(qtbot, view, path: Path) -> dict:
    with qtbot.waitSignal(view.loadFinished, timeout=30_000) as blocker:
        view.load(QUrl.fromLocalFile(str(path)))
    assert blocker.args == [True]
    qtbot.waitUntil(lambda: _js(qtbot, view.page(), "window.qiantu && qiantu.map ? 1 : 0") == 1, timeout=10_000)
    return _js(qtbot, view.page(), _PROBE)


def test_exported_page_shows_the_text_literally_under_its_csp(qtbot, tmp_path):
    from planner.export.html import export_html

    marker = tmp_path / "pwned"
    plan, title, name = evil_plan(marker)
    out = tmp_path / "map.html"
    export_html(plan, out)
    view = QtWebEngineWidgets.QWebEngineView()
    qtbot.addWidget(view)
    settings = view.settings()
    settings.setAttribute(QtWebEngineCore.QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, False)
    _watch(view)
    view.resize(900, 700)
    view.show()
    probe = _load(qtbot, view, out)
    assert shown(probe["title"], title)
    assert shown(probe["legend"], title)
    assert probe["violations"] == [] and probe["alerts"] == []
    assert probe["remote"] == []  # not even Leaflet's credit links out
    assert probe["stops"] == 12 and probe["lines"] >= 5
    assert any(shown(t, "第 1 天: " + name + t[t.index(" → "):]) for t in probe["tooltips"] if " → " in t)
    assert any(shown(p["text"], "第 1 晚：" + name) and p["scripts"] == 0 for p in probe["popups"])
    assert not marker.exists()


def test_app_opening_a_hostile_package_shows_it_literally(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    import ui
    from planner.package import Package, save_package
    from planner.plan import plan_from_dict
    from planner.request import request_from_dict

    for kind in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, **k: QMessageBox.StandardButton.Ok)
    marker = tmp_path / "pwned"
    plan, title, name = evil_plan(marker)
    req = request_from_dict({
        "schema": "qiantu/request@1",
        "title": title,
        "start": {"name": name, "lat": 26.58, "lon": 106.71},
        "days": 5,
        "stops": [{"id": "jiaxiu-tower"}, {"id": "qianlingshan-park"}],
    })
    path = tmp_path / "hostile.qiantu.json"
    save_package(Package(request=req, plan=plan_from_dict(plan), title=title, notes=title), path)
    w = ui.create_main_window(str(path))
    qtbot.addWidget(w)
    w.show()
    w._on_show_plan_toggled(True)
    qtbot.waitUntil(lambda: w.mapView.ready, timeout=30_000)
    qtbot.waitUntil(lambda: _js(qtbot, w.mapView.page(), "window.qiantu && qiantu.stopCount ? qiantu.stopCount() : 0")
                    > 0, timeout=10_000)
    probe = _js(qtbot, w.mapView.page(), _PROBE)
    assert probe["title"] == title
    assert probe["legend"] == title
    assert any(name in t for t in probe["tooltips"])
    assert not marker.exists()


def test_cli_pdf_and_report_of_a_hostile_plan_run_nothing(tmp_path):
    """``qiantu export --pdf`` and ``qiantu report --pdf`` draw their maps from the same pages."""
    marker = tmp_path / "pwned"
    plan, _title, _name = evil_plan(marker)
    src = tmp_path / "plan.json"
    src.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    res = run_cli("export", str(src), "--pdf", str(tmp_path / "plan.pdf"), "--html", str(tmp_path / "p.html"),
                  cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    res = run_cli("report", str(src), "--pdf", str(tmp_path / "report.pdf"), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert not marker.exists()


def test_pdf_maps_of_a_hostile_plan_render_and_run_nothing(tmp_path):
    """The printed itinerary renders its maps (ui.snapshot) from the same inert pages."""
    from planner.export import export_pdf

    marker = tmp_path / "pwned"
    plan, title, _name = evil_plan(marker)
    out = tmp_path / "plan.pdf"
    warnings = export_pdf(plan, out, lang="en")
    assert not any("map" in w for w in warnings), warnings  # every map was drawn
    assert out.read_bytes().startswith(b"%PDF")
    assert not marker.exists()


def test_print_map_page_keeps_the_title_literal(qtbot, tmp_path):
    """The page ui.snapshot photographs for the PDF, opened the way ui.snapshot opens it."""
    from planner.catalog import load_catalog
    from planner.export.common import build_itinerary
    from planner.export.pdf import _print_map_html

    marker = tmp_path / "pwned"
    plan, title, name = evil_plan(marker)
    catalog = load_catalog()
    it = build_itinerary(plan, catalog)
    page = tmp_path / "print.html"
    page.write_text(_print_map_html(it, catalog, "zh", it.days[0]), encoding="utf-8")
    view = QtWebEngineWidgets.QWebEngineView()
    qtbot.addWidget(view)
    view.settings().setAttribute(QtWebEngineCore.QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, False)
    _watch(view)
    view.resize(800, 600)
    view.show()
    probe = _load(qtbot, view, page)
    assert shown(probe["title"], title) and shown(probe["legend"], title)
    assert probe["violations"] == [] and probe["alerts"] == []
    assert any(shown(t, "第 1 天: " + name + t[t.index(" → "):]) for t in probe["tooltips"] if " → " in t)
    assert not marker.exists()
