/* QianTu map page: draws everything from the JSON data block, never from HTML strings.
 *
 * planner/mapping builds a page with a Leaflet map (folium draws only the empty map and the tile
 * layer) and ONE JSON script element (id "qiantu-data") holding everything that comes from data
 * or users: places, popups, tooltips, routes, legend, title. This file is the only script that
 * reads it. User text reaches the page only through textContent / createTextNode, so a name that
 * holds markup, script tags or template syntax shows as exactly those characters.
 *
 * window.qiantu is the page's API for the desktop app and the tests:
 *   catalog maps: ids(), visibleIds(), visibleCount(), setVisible(ids), select(id, pan), markers
 *   plan maps:    routeDays(), lineCount(), stopCount(), highlightDay(d), highlightItem(key), items
 *   both:         map, bridge (the Qt WebChannel object, or null), selected, connect()
 */
(function () {
  'use strict';

  var q = window.qiantu = window.qiantu || {};
  q.markers = {}; q.items = {}; q.days = {}; q.overnights = [];
  q.selected = null; q.highlighted = null; q.bridge = null; q.map = null;

  // ---------------------------------------------------------------- small DOM helpers (no innerHTML)

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function swatch(color) {
    var i = el('i');
    i.style.background = safeColor(color);
    return i;
  }

  // Colours come from Python's fixed tables; anything else falls back to grey.
  function safeColor(c) {
    return (typeof c === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(c)) ? c : '#888888';
  }

  function textNode(text) {
    var s = el('span', null, text);
    return s;
  }

  function num(x) { return typeof x === 'number' && isFinite(x); }

  function latlng(p) { return (p && num(p[0]) && num(p[1])) ? L.latLng(p[0], p[1]) : null; }

  // A popup: bold title, optional grey subtitle, a table of (label, value) rows, a paragraph,
  // and for the app an "add to trip" button.
  function popupNode(p, spotId) {
    var d = el('div', 'qt-popup');
    d.appendChild(el('b', null, p.title));
    if (p.sub) { d.appendChild(el('br')); d.appendChild(el('span', 'qt-sub', p.sub)); }
    if (p.rows && p.rows.length) {
      var t = el('table');
      p.rows.forEach(function (r) {
        var tr = el('tr');
        tr.appendChild(el('th', null, r[0]));
        for (var k = 1; k < r.length; k++) { tr.appendChild(el('td', null, r[k])); }
        t.appendChild(tr);
      });
      d.appendChild(t);
    }
    if (p.summary) { d.appendChild(el('div', 'qt-summary', p.summary)); }
    if (p.button && spotId) {
      var b = el('button', 'qt-add', p.button);
      b.type = 'button';
      b.addEventListener('click', function () { q.addToTrip(spotId); });
      d.appendChild(b);
    }
    return d;
  }

  function divIcon(className, inner, size, anchor) {
    return L.divIcon({html: inner, className: className, iconSize: size, iconAnchor: anchor});
  }

  // ---------------------------------------------------------------- layers every map has

  function drawOutlines(data) {
    if (!data.outlines) { return; }
    var fill = !!data.outlinesFilled;
    L.geoJSON(data.outlines, {
      interactive: false,
      style: function (f) {
        var pref = f.properties && f.properties.level === 'prefecture';
        return {
          color: pref ? '#7b8a97' : '#4d5b66', weight: pref ? 1 : 2,
          fillColor: pref ? '#fbfaf5' : '#f1efe6', fillOpacity: fill ? 1.0 : 0.0, interactive: false
        };
      }
    }).addTo(q.map);
    (data.labels || []).forEach(function (l) {
      var ll = latlng([l.lat, l.lon]);
      if (!ll) { return; }
      var level = l.level === 'province' ? 'province' : 'prefecture';
      L.marker(ll, {
        interactive: false, keyboard: false,
        icon: divIcon('qt-area-label qt-area-' + level, textNode(l.name), [120, 16], [60, 8])
      }).addTo(q.map);
    });
  }

  function drawLegend(lg) {
    if (!lg) { return null; }
    var control = L.control({position: lg.position || 'bottomright'});
    control.onAdd = function () {
      var d = el('div', 'qt-legend' + (lg.extraClass ? ' ' + lg.extraClass : ''));
      d.id = lg.id || '';
      if (lg.title) {
        var b = el('b');
        b.appendChild(el('span', 'qt-legend-title', lg.title));
        d.appendChild(b);
        if (lg.status) { b.appendChild(document.createTextNode(' ')); b.appendChild(el('span', 'qt-status', '(' + lg.status + ')')); }
        if (!lg.rowsAsDivs) { d.appendChild(el('br')); }
      }
      (lg.rows || []).forEach(function (r) {
        var row;
        if (lg.rowsAsDivs) {
          row = el('div', r.day !== undefined ? 'qt-legend-day' : null);
          if (r.day !== undefined) { row.setAttribute('data-day', String(parseInt(r.day, 10))); }
        } else {
          row = document.createDocumentFragment();
        }
        if (r.color) { row.appendChild(swatch(r.color)); }
        if (r.number !== undefined) { row.appendChild(el('b', 'n', r.number)); }
        row.appendChild(document.createTextNode(r.text));
        if (!lg.rowsAsDivs) { row.appendChild(el('br')); }
        d.appendChild(row);
      });
      L.DomEvent.disableClickPropagation(d);
      return d;
    };
    control.addTo(q.map);
    return control;
  }

  // ---------------------------------------------------------------- the catalog map

  function drawCatalog(data) {
    (data.spots || []).forEach(function (s) {
      var ll = latlng([s.lat, s.lon]);
      if (!ll || typeof s.id !== 'string') { return; }
      var radius = num(s.radius) ? s.radius : 6;
      var m = L.circleMarker(ll, {
        radius: radius, color: '#333', weight: 1, fill: true, fillColor: safeColor(s.color), fillOpacity: 0.9
      });
      if (s.popup) { m.bindPopup(popupNode(s.popup, data.app ? s.id : null), {maxWidth: 320}); }
      if (s.tooltip) { m.bindTooltip(textNode(s.tooltip), {sticky: true}); }
      m.addTo(q.map);
      m.qtId = s.id; m.qtRadius = radius;
      q.markers[s.id] = m;
      m.on('click', function () { q.select(s.id, false); if (q.bridge && q.bridge.spotClicked) { q.bridge.spotClicked(s.id); } });
    });
  }

  q.ids = function () { return Object.keys(q.markers); };
  q.visibleIds = function () {
    return Object.keys(q.markers).filter(function (id) { return q.map.hasLayer(q.markers[id]); });
  };
  q.visibleCount = function () { return q.visibleIds().length; };
  q.setVisible = function (ids) {
    var keep = {};
    (ids || []).forEach(function (id) { keep[id] = true; });
    Object.keys(q.markers).forEach(function (id) {
      var m = q.markers[id];
      if (keep[id]) { if (!q.map.hasLayer(m)) { m.addTo(q.map); } }
      else if (q.map.hasLayer(m)) { q.map.removeLayer(m); }
    });
    return q.visibleCount();
  };
  q.select = function (id, pan) {
    if (q.selected && Object.prototype.hasOwnProperty.call(q.markers, q.selected)) {
      var old = q.markers[q.selected];
      old.setStyle({weight: 1, color: '#333'}); old.setRadius(old.qtRadius);
    }
    q.selected = null;
    if (!Object.prototype.hasOwnProperty.call(q.markers, id)) { return false; }
    var m = q.markers[id];
    if (!q.map.hasLayer(m)) { m.addTo(q.map); }
    m.setStyle({weight: 4, color: '#ffd400'}); m.setRadius(m.qtRadius + 5); m.bringToFront();
    q.selected = id;
    if (pan !== false) { q.map.panTo(m.getLatLng()); m.openPopup(); }
    return true;
  };
  q.addToTrip = function (id) { if (q.bridge && q.bridge.addToTrip) { q.bridge.addToTrip(id); } };

  // ---------------------------------------------------------------- the plan map

  function registerItem(key, day, layer, spotId) {
    q.items[key] = {day: day, layer: layer, spot: spotId || null};
    layer.on('click', function () {
      q.highlightItem(key);
      if (q.bridge && q.bridge.itemClicked) { q.bridge.itemClicked(key); }
    });
  }

  function drawPlan(data) {
    (data.days || []).forEach(function (d) {
      var group = L.featureGroup().addTo(q.map);
      q.days[d.index] = group;
      (d.items || []).forEach(function (it) {
        var layer;
        if (it.type === 'line') {
          var pts = (it.points || []).map(latlng).filter(function (p) { return p; });
          if (pts.length < 2) { return; }
          layer = L.polyline(pts, {
            color: safeColor(d.color), weight: 5, opacity: 0.85, dashArray: it.rail ? '8 6' : null
          });
          if (it.tooltip) { layer.bindTooltip(textNode(it.tooltip), {sticky: true}); }
          layer.addTo(group);
          registerItem(it.key, d.index, layer, null);
        } else if (it.type === 'stop') {
          var ll = latlng([it.lat, it.lon]);
          if (!ll) { return; }
          var badge = el('div', 'qt-stop', it.label);
          badge.style.background = safeColor(d.color);
          layer = L.marker(ll, {icon: divIcon('qt-stop-icon', badge, [24, 24], [12, 12])});
          if (it.popup) { layer.bindPopup(popupNode(it.popup, null), {maxWidth: 300}); }
          if (it.tooltip) { layer.bindTooltip(textNode(it.tooltip)); }
          layer.addTo(group);
          registerItem(it.key, d.index, layer, it.spot || it.key);
        }
      });
    });
    (data.places || []).forEach(function (p) {
      var ll = latlng([p.lat, p.lon]);
      if (!ll) { return; }
      var mk;
      if (p.type === 'start') {
        mk = L.marker(ll, {icon: divIcon('qt-start-icon', el('div', 'qt-start', '\u2605'), [26, 26], [13, 13])});
      } else {
        mk = L.marker(ll, {icon: divIcon('qt-night-icon', el('div', 'qt-night', p.label), [28, 20], [14, 24])});
        q.overnights.push(mk);
      }
      if (p.tooltip) { mk.bindTooltip(textNode(p.tooltip)); }
      if (p.popup) { mk.bindPopup(popupNode(p.popup, null), {maxWidth: 260}); }
      mk.addTo(q.map);
    });
  }

  function eachLine(fn) {
    Object.keys(q.days).forEach(function (d) {
      q.days[d].eachLayer(function (l) { if (l instanceof L.Polyline) { fn(d, l); } });
    });
  }

  q.routeDays = function () {
    var seen = {}, out = [];
    eachLine(function (d) { if (!seen[d]) { seen[d] = true; out.push(parseInt(d, 10)); } });
    return out;
  };
  q.lineCount = function () { var n = 0; eachLine(function () { n++; }); return n; };
  q.stopCount = function () {
    var n = 0;
    Object.keys(q.items).forEach(function (k) { if (q.items[k].spot) { n++; } });
    return n;
  };
  q._reset = function () {
    Object.keys(q.items).forEach(function (k) {
      var l = q.items[k].layer;
      if (l.setStyle) { l.setStyle({weight: 5, opacity: 0.85}); }
      else if (l._icon) { var d = l._icon.querySelector('.qt-stop'); if (d) { d.classList.remove('qt-hl'); } }
    });
    document.querySelectorAll('.qt-legend-day').forEach(function (e) { e.classList.remove('qt-hl'); });
  };
  q.highlightDay = function (day) {
    day = parseInt(day, 10);
    q._reset(); q.highlighted = 'day:' + day;
    var b = null;
    Object.keys(q.items).forEach(function (k) {
      var it = q.items[k];
      if (it.layer.setStyle) { it.layer.setStyle(it.day === day ? {weight: 8, opacity: 1} : {weight: 3, opacity: 0.35}); }
      if (it.day === day) {
        var lb = it.layer.getBounds ? it.layer.getBounds() : L.latLngBounds([it.layer.getLatLng()]);
        b = b ? b.extend(lb) : L.latLngBounds(lb.getSouthWest(), lb.getNorthEast());
      }
    });
    document.querySelectorAll('.qt-legend-day').forEach(function (e) {
      if (e.getAttribute('data-day') === String(day)) { e.classList.add('qt-hl'); }
    });
    if (b && b.isValid()) { q.map.fitBounds(b, {padding: [40, 40]}); }
    return true;
  };
  q.highlightItem = function (key) {
    if (!Object.prototype.hasOwnProperty.call(q.items, key)) { return false; }
    var it = q.items[key];
    q._reset(); q.highlighted = key;
    if (it.layer.setStyle) { it.layer.setStyle({weight: 9, opacity: 1}); it.layer.bringToFront(); }
    else if (it.layer._icon) {
      var d = it.layer._icon.querySelector('.qt-stop');
      if (d) { d.classList.add('qt-hl'); }
      it.layer.openPopup();
    }
    return true;
  };

  // ---------------------------------------------------------------- Long March events (the report map)

  function drawEvents(ev) {
    if (!ev) { return; }
    var group = L.featureGroup().addTo(q.map);
    (ev.sites || []).forEach(function (s) {
      var ll = latlng([s.lat, s.lon]);
      if (!ll) { return; }
      var w = num(s.width) ? s.width : 18;
      var mk = L.marker(ll, {icon: divIcon('qt-event-icon', el('div', 'qt-event', s.label), [w, 18], [-8, 26])});
      if (s.tooltip) { mk.bindTooltip(textNode(s.tooltip)); }
      if (s.popup) { mk.bindPopup(popupNode(s.popup, null), {maxWidth: 320}); }
      mk.addTo(group);
    });
    if (ev.legend) { drawLegend(ev.legend); }
  }

  // ---------------------------------------------------------------- printing: frame and declutter

  // Stops a few hundred metres apart (the sites of a city) sit on one spot at a province's scale and
  // hide each other's numbers. On paper nobody can zoom, so spread each such group in a small circle
  // below where they are and tie every marker to its true place with a thin line.
  q.declutter = function () {
    var map = q.map, items = q.items;
    var stops = Object.keys(items).filter(function (k) { return items[k].spot && items[k].layer.getLatLng; })
      .map(function (k) {
        var l = items[k].layer;
        return {layer: l, ll: l.getLatLng(), p: map.latLngToContainerPoint(l.getLatLng())};
      });
    var used = {}, groups = [];
    stops.forEach(function (s, i) {
      if (used[i]) { return; }
      var g = [s]; used[i] = true;
      stops.forEach(function (t, j) { if (!used[j] && s.p.distanceTo(t.p) < 22) { g.push(t); used[j] = true; } });
      if (g.length > 1) { groups.push(g); }
    });
    groups.forEach(function (g) {
      var cx = 0, cy = 0;
      g.forEach(function (s) { cx += s.p.x; cy += s.p.y; });
      cx /= g.length; cy /= g.length;
      // Fan out below the place (the night's "H" label sits above it), in stop order, left to right.
      var r = Math.max(26, 11 * g.length);
      var step = g.length > 1 ? Math.min(Math.PI / 3, (5 * Math.PI / 6) / (g.length - 1)) : 0;
      g.forEach(function (s, k) {
        var a = Math.PI / 2 - (k - (g.length - 1) / 2) * step;
        var ll = map.containerPointToLatLng(L.point(cx + r * Math.cos(a), cy + r * Math.sin(a)));
        L.polyline([s.ll, ll], {color: '#333', weight: 1, opacity: 0.8, interactive: false}).addTo(map);
        L.circleMarker(s.ll, {radius: 2, color: '#333', weight: 1, fillOpacity: 1, interactive: false}).addTo(map);
        s.layer.setLatLng(ll);
      });
    });
    return groups.length;
  };

  function frame(f) {
    if (!f || !f.bounds) { return; }
    var b = L.latLngBounds(latlng(f.bounds[0]), latlng(f.bounds[1]));
    if (!b.isValid()) { return; }
    // A view not shown yet has no size: fitting to it gives Leaflet NaN zooms. Frame on the first
    // resize that gives the map a size instead.
    var size = q.map.getSize();
    if (!size.x || !size.y) {
      q.map.once('resize', function () { frame(f); });
      return;
    }
    var opts = {animate: false};
    if (f.paddingTopLeft) { opts.paddingTopLeft = f.paddingTopLeft; }
    if (f.paddingBottomRight) { opts.paddingBottomRight = f.paddingBottomRight; }
    if (num(f.maxZoom)) { opts.maxZoom = f.maxZoom; }
    q.map.fitBounds(b, opts);
  }

  // ---------------------------------------------------------------- the Qt WebChannel

  q.connect = function () {
    if (typeof qt === 'undefined' || !qt.webChannelTransport || typeof QWebChannel === 'undefined') { return false; }
    new QWebChannel(qt.webChannelTransport, function (ch) {
      q.bridge = ch.objects.bridge || null;
      if (q.map && q.bridge && q.bridge.mapClicked) {
        q.map.on('click', function (e) { q.bridge.mapClicked(e.latlng.lat, e.latlng.lng); });
      }
    });
    return true;
  };

  // ---------------------------------------------------------------- start

  function start() {
    var node = document.getElementById('qiantu-data');
    if (!node) { return; }
    var data = JSON.parse(node.textContent);
    var map = window[data.map];
    if (!map || !(map instanceof L.Map)) { return; }
    q.map = map;
    q.data = data;
    if (typeof data.title === 'string') { document.title = data.title; }
    // Leaflet's credit stays, as text: the page links nowhere.
    if (map.attributionControl) { map.attributionControl.setPrefix('Leaflet'); }
    drawOutlines(data);
    if (data.kind === 'catalog') { drawCatalog(data); }
    if (data.kind === 'plan') { drawPlan(data); }
    drawLegend(data.legend);
    drawEvents(data.events);
    frame(data.frame);
    if (data.view && data.view.hideStatus) { document.body.classList.add('qt-print'); }
    if (data.view && data.view.declutter) { q.declutter(); }
    if (data.selected) { q.select(data.selected, true); }
    if (data.app) { q.connect(); }
  }

  start();
})();
