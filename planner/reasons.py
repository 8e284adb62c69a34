"""Why a stop was left out: codes with parameters, and their texts in Chinese and English.

The optimizer writes a code and its parameters for every stop it leaves out (``Dropped.code``,
``Dropped.params``) and the changes that were checked to make it fit (``suggestions``, each a
code and parameters). Every reader (the plan's own ``reason``, the app, the documents, the
command line) renders them here; nothing parses a sentence back. Parameters are ids, numbers,
clock times and ISO dates, never text in a language. Place ids are turned into names by the
``name`` callable the caller passes (the catalog's Chinese or English name).

Codes (parameters):

``closed_on_date``   ``weekdays`` (ISO numbers), ``dates`` (the trip's dates, ISO)
``visit_too_long``   ``visit_minutes``, ``day_start``, ``day_end``
``drive_limit``      ``limit_minutes``, ``near`` (place id), ``away_minutes``
``not_reachable``    ``visit_minutes``, ``day_start``, ``day_end``, ``near``, ``away_minutes``
``no_time``          ``visit_minutes``, ``days``, ``day_minutes_short`` (or null), ``priority``, ``must``
``history_order``    ``visit_minutes``: fits in some order, not in the Long March order
``after_order``      ``visit_minutes``: fits in some order, not with the 'after' rules
``pin_infeasible``   ``day`` (1-based), ``date`` (or null), ``closed`` (bool)
``over_budget``      ``budget_cny``, ``price_with_cny``
``no_plan``          ``days``, ``day_start``, ``day_end``, ``from``, ``to`` (place ids), ``travel_minutes``
``unknown``          (a plan written before the codes: its ``reason`` text is kept)

Night notes (a day's ``night_note``: why the night's place is far from the next day's first
visit): ``night_no_nearer_hotel`` (``minutes_to_next``), ``night_nearer_does_not_fit``
(``minutes_to_next``, ``nearer``, ``nearer_minutes``, ``day``), ``night_more_travel``
(``minutes_to_next``, ``nearer``, ``nearer_minutes``, ``extra_minutes``).

Suggestions: ``add_day`` (``after_day``), ``start_earlier`` (``minutes``), ``end_later``
(``minutes``), ``drop_stop`` (``id``), ``raise_drive_limit`` (``minutes``), ``unpin`` (``day``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

LANGS = ("zh", "en")
WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WEEKDAYS_EN = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
WEEKDAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

CODES = (
    "closed_on_date",
    "visit_too_long",
    "drive_limit",
    "not_reachable",
    "no_time",
    "history_order",
    "after_order",
    "pin_infeasible",
    "over_budget",
    "no_plan",
    "unknown",
)
SUGGESTIONS = ("add_day", "start_earlier", "end_later", "drop_stop", "raise_drive_limit", "unpin")

Namer = Callable[[str], str]


def duration(minutes: Any, lang: str) -> str:
    """95 -> ``1 小时 35 分钟`` / ``1 h 35 min``."""
    h, m = divmod(int(round(float(minutes))), 60)
    if lang == "zh":
        if h and m:
            return f"{h} 小时 {m} 分钟"
        return f"{h} 小时" if h else f"{m} 分钟"
    if h and m:
        return f"{h} h {m:02d} min"
    return f"{h} h" if h else f"{m} min"


def _date(iso: str, lang: str) -> str:
    import datetime as _dt

    try:
        d = _dt.date.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    if lang == "zh":
        return f"{d.month}月{d.day}日 {WEEKDAYS_ZH[d.isoweekday() - 1]}"
    return f"{d.isoformat()} is a {WEEKDAY_EN[d.isoweekday() - 1]}"


def _money(x: Any, lang: str) -> str:
    v = float(x or 0)
    return f"{v:,.0f} 元" if lang == "zh" else f"{v:,.0f} CNY"


def _prio(p: Any) -> str:
    return f"{float(p):g}"


def render(code: str, params: Mapping[str, Any] | None, lang: str, name: Namer, stop_id: str = "") -> str:
    """The reason ``code`` with ``params`` in ``lang`` (``zh`` or ``en``) for stop ``stop_id``.

    An unknown code renders a neutral sentence (no parameters are trusted as text).
    """
    zh = lang == "zh"
    p = dict(params or {})
    who = name(stop_id) if stop_id else ""
    if code == "closed_on_date":
        wds = sorted(int(w) for w in p.get("weekdays", []))
        dates = [str(d) for d in p.get("dates", [])]
        if zh:
            days = "、".join(WEEKDAYS_ZH[w - 1] for w in wds)
            shown = "，".join(_date(d, "zh") for d in dates[:3]) + ("……" if len(dates) > 3 else "")
            return f"{who}逢{days}闭馆，行程日期都不开放（{shown}）"
        days = " and ".join(WEEKDAYS_EN[w - 1] for w in wds)
        shown = ", ".join(_date(d, "en") for d in dates[:3]) + (", ..." if len(dates) > 3 else "")
        return f"{who} is closed on {days} ({shown})"
    if code == "visit_too_long":
        v, a, b = duration(p.get("visit_minutes", 0), lang), p.get("day_start", ""), p.get("day_end", "")
        if zh:
            return f"{who}需游览 {v}，超过 {a}–{b} 的一天"
        return f"{who} needs {v}, more than the {a}–{b} day"
    if code == "drive_limit":
        lim, near, away = duration(p.get("limit_minutes", 0), lang), name(str(p.get("near", ""))), duration(
            p.get("away_minutes", 0), lang
        )
        if zh:
            return f"{who}会超出每天 {lim} 的车程上限（最近的住宿地{near}单程 {away}）"
        return f"{who} would exceed the {lim} daily drive (the nearest place to stay, {near}, is {away} away each way)"
    if code == "not_reachable":
        v = duration(p.get("visit_minutes", 0), lang)
        a, b = p.get("day_start", ""), p.get("day_end", "")
        near, away = name(str(p.get("near", ""))), duration(p.get("away_minutes", 0), lang)
        if zh:
            return f"{who}无法在 {a}–{b} 的一天内往返并游览 {v}（最近的住宿地{near}相距 {away}）"
        return (
            f"{who} cannot be reached, visited ({v}) and left within the {a}–{b} day "
            f"(the nearest place to stay, {near}, is {away} away)"
        )
    if code == "no_time":
        v = duration(p.get("visit_minutes", 0), lang)
        n = int(p.get("days", 0))
        short = p.get("day_minutes_short")
        if zh:
            tail = f"，最接近的一天还差 {duration(short, 'zh')}" if short else ""
            if p.get("must"):
                return f"{who}需游览 {v}，行程已排满{tail}"
            return f"时间不足未能安排：{who}需游览 {v}，{n} 天行程已排满{tail}（优先级 {_prio(p.get('priority', 1))}）"
        tail = f", {duration(short, 'en')} short on the closest day" if short else ""
        if p.get("must"):
            return f"{who} needs {v} and the days are full{tail}"
        days = f"{n} day" if n == 1 else f"{n} days"
        return (
            f"left out for lack of time: {who} needs {v} and the {days} are full{tail} "
            f"(priority {_prio(p.get('priority', 1))})"
        )
    if code == "history_order":
        if zh:
            return f"保持长征历史顺序时排不下{who}（换一种顺序可以排入）"
        return f"{who} does not fit with the Long March order kept (it would fit in another order)"
    if code == "after_order":
        if zh:
            return f"保持指定的先后顺序时排不下{who}（换一种顺序可以排入）"
        return f"{who} does not fit with the 'after' order kept (it would fit in another order)"
    if code == "pin_infeasible":
        day = int(p.get("day", 0))
        if p.get("closed") and p.get("date"):
            if zh:
                return f"{who}固定在第 {day} 天，但当天（{_date(str(p['date']), 'zh')}）闭馆"
            return f"{who} is pinned to day {day}, but it is closed that day ({_date(str(p['date']), 'en')})"
        if zh:
            return f"{who}固定在第 {day} 天，但那一天排不下"
        return f"{who} is pinned to day {day}, but does not fit in that day"
    if code == "over_budget":
        b, w = _money(p.get("budget_cny"), lang), _money(p.get("price_with_cny"), lang)
        if zh:
            return f"为控制在每人 {b} 的预算内未安排{who}（含此景点每人 {w}）"
        return f"{who} left out to keep within the budget of {b} per person (with it: {w})"
    if code == "no_plan":
        a, b = p.get("day_start", ""), p.get("day_end", "")
        n = int(p.get("days", 0))
        need = duration(p.get("travel_minutes", 0), lang)
        frm, to = name(str(p.get("from", ""))), name(str(p.get("to", ""))) if p.get("to") else ""
        if zh:
            return f"从{frm}到{to}的行程在 {n} 天（每天 {a}–{b}）内无法安排：仅路程就需 {need}"
        days = f"{n} day" if n == 1 else f"{n} days"
        return f"no plan fits: the trip from {frm} to {to} does not fit in {days} of {a}–{b} (the travel alone takes {need})"
    # unknown code, or a plan from before the codes
    return "未说明原因" if zh else "no reason given"


def render_suggestion(code: str, params: Mapping[str, Any] | None, lang: str, name: Namer) -> str:
    """One change that was checked to make the stop fit, in ``lang``."""
    zh = lang == "zh"
    p = dict(params or {})
    if code == "add_day":
        k = int(p.get("after_day", 0))
        if zh:
            return f"增加一天（第 {k} 天之后）" if k else "增加一天"
        return f"one more day (after day {k})" if k else "one more day"
    if code == "start_earlier":
        d = duration(p.get("minutes", 60), lang)
        return f"每天提早 {d} 出发" if zh else f"start {d} earlier"
    if code == "end_later":
        d = duration(p.get("minutes", 60), lang)
        return f"每天晚 {d} 结束" if zh else f"end the days {d} later"
    if code == "drop_stop":
        who = name(str(p.get("id", "")))
        return f"去掉{who}" if zh else f"drop {who}"
    if code == "raise_drive_limit":
        d = duration(p.get("minutes", 0), lang)
        return f"每天车程上限放宽到 {d}" if zh else f"allow {d} of driving a day"
    if code == "unpin":
        day = int(p.get("day", 0))
        return f"取消固定在第 {day} 天" if zh else f"unpin it from day {day}"
    return "其他调整" if zh else "another change"


NIGHT_CODES = ("night_no_nearer_hotel", "night_nearer_does_not_fit", "night_more_travel")


def render_night(note: Mapping[str, Any] | None, lang: str, name: Namer) -> str:
    """A day's ``night_note`` in ``lang`` ("" for none)."""
    if not note:
        return ""
    zh = lang == "zh"
    code = note.get("code", "")
    p = dict(note.get("params") or {})
    far = duration(p.get("minutes_to_next", 0), lang)
    head = f"住宿地离次日第一站 {far}" if zh else f"the night's place is {far} from the next day's first visit"
    if code == "night_no_nearer_hotel":
        return head + ("：附近没有更近的住宿地" if zh else ": no place to stay is nearer")
    near, near_min = name(str(p.get("nearer", ""))), duration(p.get("nearer_minutes", 0), lang)
    if code == "night_nearer_does_not_fit":
        day = int(p.get("day", 0))
        if zh:
            return f"{head}：住在更近的{near}（{near_min}）第 {day} 天排不下"
        return f"{head}: staying at {near} ({near_min} away) does not fit day {day}"
    if code == "night_more_travel":
        extra = duration(p.get("extra_minutes", 0), lang)
        if zh:
            return f"{head}：住在更近的{near}（{near_min}）两天合计多走 {extra}"
        return f"{head}: staying at {near} ({near_min} away) adds {extra} of travel over the two days"
    return head


def render_dropped(entry: Any, lang: str, name: Namer) -> str:
    """The whole left-out line: the reason, then what would fit it (``可以：… / would fit: …``).

    ``entry`` is a plan's dropped dict or a :class:`planner.plan.Dropped`. An entry without a
    code (an old plan) keeps its ``reason`` text as it was written.
    """
    get = entry.get if isinstance(entry, Mapping) else (lambda k, d=None: getattr(entry, k, d))
    code = get("code") or "unknown"
    if code == "unknown":
        text = str(get("reason") or "") or render("unknown", {}, lang, name)
    else:
        text = render(code, get("params") or {}, lang, name, str(get("id") or ""))
    subs = [render_suggestion(s.get("code", ""), s.get("params"), lang, name) for s in (get("suggestions") or [])]
    if subs:
        text += ("。可以：" + "；".join(subs)) if lang == "zh" else (". Would fit: " + "; ".join(subs))
    return text


def namer(lang: str, catalog: Any = None, places: Mapping[str, Mapping] | None = None) -> Namer:
    """Place id -> its name in ``lang``: the plan's own places (custom, lunch stops), then the
    catalog (the bundled one when None), else the id itself."""
    places = places or {}
    if catalog is None:
        try:
            from planner.catalog import load_catalog

            catalog = load_catalog()
        except Exception:  # noqa: BLE001 - names are a nicety; ids still read
            catalog = None

    from planner.domain import place_name

    def name(pid: str) -> str:
        return place_name(pid, catalog, lang, dict(places))

    return name


def migrate_dropped(entry: Mapping[str, Any]) -> dict:
    """A dropped entry of an older plan (``id``, ``reason`` only) with code ``unknown``."""
    out = dict(entry)
    out.setdefault("code", "unknown")
    out.setdefault("params", {})
    out.setdefault("suggestions", [])
    return out


__all__ = [
    "CODES",
    "NIGHT_CODES",
    "SUGGESTIONS",
    "duration",
    "migrate_dropped",
    "namer",
    "render",
    "render_dropped",
    "render_night",
    "render_suggestion",
]
