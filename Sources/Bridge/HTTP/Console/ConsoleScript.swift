/// The console's script (`/console/app.js`), vanilla JavaScript. It keeps one model entry per
/// device from the `state` events of `/console/events` and redraws that device's row. Values
/// reach the page only through `textContent`, never as HTML: payloads come from any MQTT client.
/// URLs are built on `location.origin`, because a page opened as `http://user:key@host/` must not
/// hand its credentials to fetch (Chrome refuses such requests).
enum ConsoleScript {
    static let source = #"""
        'use strict';
        (() => {
          const $ = (id) => document.getElementById(id);
          const columns = {
            locks: ['room', 'series', 'online', 'battery', 'door', 'lastSeen', 'lastEvent'],
            encoders: ['encoder', 'state', 'operation', 'workstation', 'since'],
            gates: ['lot', 'gate', 'plate', 'recognizedAt', 'decision', 'mode', 'loop'],
            places: ['lot', 'place', 'status', 'plate'],
            registers: ['rnm', 'model', 'address', 'fnEndsAt', 'lastDocAt', 'contractEndsAt', 'alerts'],
            alerts: ['source', 'kind', 'detail', 'since'],
            adapters: ['adapter', 'state', 'detail', 'since'],
            streams: ['stream', 'pending', 'failed'],
            failed: ['stream', 'key', 'attempts', 'lastError', 'failedAt'],
            log: ['at', 'level', 'adapter', 'message'],
          };
          let base = '';
          let model = {};
          let rows = {};
          let filters = [];

          // Topic ids: the six escapes of the contract (docs/topics.md, "Ids inside topics").
          const decodeId = (s) => s.replace(/%(2F|2B|23|25|00|24)/gi, (m) => String.fromCharCode(parseInt(m.slice(1), 16)));
          const encodeId = (s) => s.replace(/[%\/+#\u0000]|^\$/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
          const time = (s) => (typeof s === 'string' ? s.replace('T', ' ').replace(/(\.\d+)?([+-]\d\d:\d\d|Z)$/, '') : '');
          const text = (v) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
          const yesNo = (v, yes, no) => (v === undefined ? '' : v ? yes : no);

          function reset() {
            model = { locks: new Map(), encoders: new Map(), gates: new Map(), places: new Map(), registers: new Map(), devices: new Map(), adapters: new Map() };
            rows = {};
            for (const name of Object.keys(columns)) { rows[name] = new Map(); $(name).tBodies[0].replaceChildren(); }
          }

          // A cell is text, or [text, class] with class ok, bad or warn.
          function upsert(table, key, cells) {
            let tr = rows[table].get(key);
            const body = $(table).tBodies[0];
            if (!tr) {
              tr = document.createElement('tr');
              tr.dataset.key = key;
              for (const field of columns[table]) { const td = document.createElement('td'); td.dataset.field = field; tr.append(td); }
              // Before the smallest key above this one: rows stay sorted (numerically: 9 before 10).
              let after = null;
              for (const [k, row] of rows[table]) {
                if (k.localeCompare(key, undefined, { numeric: true }) > 0 && (!after || k.localeCompare(after[0], undefined, { numeric: true }) < 0)) after = [k, row];
              }
              body.insertBefore(tr, after ? after[1] : null);
              rows[table].set(key, tr);
            }
            cells.forEach((cell, i) => {
              const [value, cls] = Array.isArray(cell) ? cell : [cell, ''];
              const td = tr.children[i];
              const shown = text(value);
              if (td.textContent !== shown) {
                td.textContent = shown;
                td.animate([{ background: '#ffe59a' }, { background: 'transparent' }], 1500);
              }
              td.className = cls || '';
            });
          }

          function remove(table, key) {
            const tr = rows[table].get(key);
            if (tr) { tr.remove(); rows[table].delete(key); }
          }

          function entry(kind, key, ids) {
            let e = model[kind].get(key);
            if (!e) { e = { ids, received: {} }; model[kind].set(key, e); }
            return e;
          }

          // Which device and which part of it a topic is, or null.
          function classify(topic) {
            if (!topic.startsWith(base + '/')) return null;
            const l = topic.slice(base.length + 1).split('/');
            const n = l.length;
            if (l[0] === 'locks' && n === 2) return ['locks', [l[1]], 'state'];
            if (l[0] === 'locks' && n === 3 && (l[2] === 'availability' || l[2] === 'event')) return ['locks', [l[1]], l[2]];
            if (l[0] === 'encoders' && n === 2) return ['encoders', [l[1]], 'state'];
            if (l[0] === 'parking' && n === 5 && l[2] === 'gates') return ['gates', [l[1], l[3]], l[4]];
            if (l[0] === 'parking' && n === 4 && l[2] === 'places') return ['places', [l[1], l[3]], 'state'];
            if (l[0] === 'parking' && n === 5 && l[2] === 'devices') return ['devices', [l[1], l[3]], l[4]];
            if (l[0] === 'ofd' && l[1] === 'kkts' && n === 3) return ['registers', [l[2]], 'state'];
            if (l[0] === 'ofd' && l[1] === 'kkts' && n === 4 && l[3] === 'alerts') return ['registers', [l[2]], 'alerts'];
            if (l[0] === 'bridge' && l[1] === 'adapters' && n === 3) return ['adapters', [l[2]], 'state'];
            if (l[0] === 'bridge' && n === 2) return ['bridge', [], l[1]];
            return null;
          }

          function apply(topic, payload, receivedAt) {
            const place = classify(topic);
            if (!place) return;
            const [kind, rawIds, part] = place;
            const ids = rawIds.map(decodeId);
            if (kind === 'bridge') return bridge(part, payload);
            const key = ids.join('/');
            const e = entry(kind, key, ids);
            if (payload === undefined) { delete e[part]; delete e.received[part]; } else { e[part] = payload; e.received[part] = receivedAt; }
            const table = kind === 'devices' ? null : kind;
            if (Object.keys(e).length === 2) { model[kind].delete(key); if (table) remove(table, key); }
            else if (table) upsert(table, key, render[kind](e));
            if (kind === 'registers' || kind === 'devices') alerts();
            if (kind === 'locks' || kind === 'encoders') suggestions();
          }

          const render = {
            locks: (e) => {
              const s = e.state || {};
              const online = e.availability ? e.availability.state === 'online' : s.online;
              const ev = e.event;
              return [e.ids[0], s.series, [yesNo(online, 'online', 'offline'), online === false ? 'bad' : 'ok'],
                [yesNo(s.lowBattery, 'low', 'ok'), s.lowBattery ? 'bad' : 'ok'], yesNo(s.opened, 'open', 'closed'), time(s.lastSeen),
                ev ? [time(ev.at), ev.typeName || ev.type, ev.holderName].filter((x) => x !== undefined && x !== '').join(' · ') : ''];
            },
            encoders: (e) => {
              const s = e.state || {};
              return [e.ids[0], [s.state, s.state === 'busy' ? 'warn' : 'ok'], s.operation, s.workstation, time(s.since)];
            },
            gates: (e) => {
              const r = e.recognition || {}, d = e.decision, m = e.mode || {}, loop = e.loop;
              const decision = d ? [[d.open ? 'open' : 'refused', d.by, d.reason].filter(Boolean).join(' · '), d.open ? 'ok' : 'bad'] : '';
              return [e.ids[0], e.ids[1], [r.plate, r.color].filter(Boolean).join(' '), time(r.recognizedAt), decision, m.mode,
                loop ? yesNo(loop.occupied, 'occupied', 'empty') : ''];
            },
            places: (e) => {
              const s = e.state || {};
              return [e.ids[0], e.ids[1], [s.status, s.status === 'abnormal' ? 'bad' : s.status === 'occupied' ? 'warn' : 'ok'], s.plate];
            },
            registers: (e) => {
              const s = e.state || {};
              const kinds = ((e.alerts || {}).alerts || []).map((a) => a.kind);
              return [e.ids[0], s.model, s.address, time(s.fnEndsAt), time(s.lastDocAt), time(s.contractEndsAt),
                [kinds.join(', '), kinds.length ? 'bad' : 'ok']];
            },
            adapters: (e) => {
              const s = e.state || {};
              return [e.ids[0], [s.state, s.state === 'connected' ? 'ok' : s.state === 'disconnected' ? 'bad' : 'warn'], s.detail, time(s.since)];
            },
          };

          // Alerts gather what needs a person: register alerts, device alarms, devices offline.
          function alerts() {
            const wanted = new Map();
            for (const [key, e] of model.registers) {
              for (const a of (e.alerts || {}).alerts || []) wanted.set(`kkt ${key} ${a.kind}`, [`register ${key}`, [a.kind, 'bad'], a.detail, time(a.since)]);
            }
            for (const [key, e] of model.devices) {
              if (e.alarm) wanted.set(`alarm ${key}`, [`device ${key}`, ['alarm ' + text(e.alarm.code), 'bad'], e.alarm.message, time(e.received.alarm)]);
              if (e.availability && e.availability.state === 'offline') wanted.set(`offline ${key}`, [`device ${key}`, ['offline', 'bad'], '', '']);
            }
            for (const key of [...rows.alerts.keys()]) if (!wanted.has(key)) remove('alerts', key);
            for (const [key, cells] of wanted) upsert('alerts', key, cells);
          }

          function bridge(part, payload) {
            if (part === 'state') {
              const online = payload && payload.state === 'online';
              $('bridge-state').textContent = 'bridge ' + (payload ? payload.state : '?');
              $('bridge-state').className = 'badge ' + (online ? 'ok' : 'bad');
            } else if (part === 'health' && payload) {
              $('health').textContent = `${payload.healthy ? 'healthy' : 'unhealthy'} at ${time(payload.at)}`;
              $('health').className = payload.healthy ? 'ok' : 'bad';
            }
          }

          function status(s) {
            const link = (l) => [l.connected ? `connected (${l.reconnects} reconnects)` : 'disconnected', l.connected ? 'ok' : 'bad'];
            for (const [id, l] of [['bridge-link', s.bridge], ['console-link', s.console]]) { const [t, c] = link(l); $(id).textContent = t; $(id).className = c; }
            $('outbox-pending').textContent = s.outbox ? s.outbox.pending : s.storeError || '?';
            $('outbox-failed').textContent = s.outbox ? s.outbox.failed : '?';
            $('outbox-failed').className = s.outbox && s.outbox.failed > 0 ? 'bad' : '';
            const streams = new Set(Object.keys(s.streams));
            for (const key of [...rows.streams.keys()]) if (!streams.has(key)) remove('streams', key);
            for (const [name, d] of Object.entries(s.streams)) upsert('streams', name, [name, d.pending, [d.failed, d.failed ? 'bad' : '']]);
            const failed = new Set(s.failedPushes.map((f) => String(f.id)));
            for (const key of [...rows.failed.keys()]) if (!failed.has(key)) remove('failed', key);
            for (const f of s.failedPushes) upsert('failed', String(f.id), [f.stream, f.key, f.attempts, f.lastError, time(f.failedAt)]);
          }

          let logCount = 0;
          function log(r) {
            const key = String(logCount++).padStart(12, '0');
            upsert('log', key, [time(r.at), [r.level, r.level === 'warning' ? 'warn' : 'bad'], r.adapter, r.message]);
            // Newest first, at most 50.
            const body = $('log').tBodies[0];
            body.prepend(rows.log.get(key));
            while (body.children.length > 50) { const last = body.lastElementChild; rows.log.delete(last.dataset.key); last.remove(); }
          }

          function suggestions() {
            const list = [`${base}/bridge/request/health-check`];
            for (const e of model.locks.values()) list.push(`${base}/locks/${encodeId(e.ids[0])}/request/read-state`);
            for (const e of model.encoders.values()) list.push(`${base}/encoders/${encodeId(e.ids[0])}/request/read-card`);
            const options = [...new Set(list.concat(filters))].map((t) => { const o = document.createElement('option'); o.value = t; return o; });
            $('request-topics').replaceChildren(...options);
          }

          function connect() {
            const feed = $('feed');
            const events = new EventSource(new URL('/console/events', location.origin));
            const on = (name, handle) => events.addEventListener(name, (m) => handle(JSON.parse(m.data)));
            on('hello', (h) => {
              base = h.base; filters = h.requestFilters; reset(); suggestions();
              $('request-form').querySelector('button').disabled = !h.requestsEnabled;
              if (!h.requestsEnabled) $('request-state').textContent = 'read-only: the request form needs http.apiKey';
              $('instance').textContent = `${h.instance} · ${h.base} · ${h.version}`;
              feed.textContent = 'loading…';
            });
            on('state', (m) => apply(m.topic, m.payload !== undefined ? m.payload : m.text, m.receivedAt));
            on('clear', (m) => apply(m.topic, undefined, undefined));
            on('log', log);
            on('status', status);
            on('ready', () => { feed.textContent = 'live'; feed.className = 'badge ok'; document.body.dataset.ready = 'true'; });
            events.onerror = () => { feed.textContent = 'reconnecting…'; feed.className = 'badge warn'; document.body.dataset.ready = 'false'; };
          }

          async function send(event) {
            event.preventDefault();
            const state = $('request-state');
            const out = $('request-response');
            state.textContent = 'waiting…';
            out.textContent = '';
            try {
              const response = await fetch(new URL('/console/request', location.origin), {
                method: 'POST', headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ topic: $('request-topic').value.trim(), payload: $('request-payload').value }),
              });
              const body = await response.text();
              let shown = body;
              try { shown = JSON.stringify(JSON.parse(body), null, 2); } catch (_) { /* not JSON: shown as it came */ }
              state.textContent = `HTTP ${response.status}`;
              out.textContent = shown;
            } catch (error) {
              state.textContent = 'failed';
              out.textContent = String(error);
            }
          }

          reset();
          $('request-form').addEventListener('submit', send);
          connect();
        })();
        """#
}
