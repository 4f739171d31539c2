package looop.web;

/**
 * The page's stylesheet and script, served from this class (no CDN, no
 * external fonts). The script only fills text slots (textContent, never
 * innerHTML with data) and swaps in SVG the server drew and escaped.
 */
final class Assets {
    private Assets() {}

    static final String CSS = """
            :root { color-scheme: dark; --bg: #0d1117; --card: #161b22; --line: #30363d; --fg: #c9d1d9; --dim: #8b949e;
                    --ok: #3fb950; --bad: #f85149; --warn: #d29922; --acc: #58a6ff; }
            * { box-sizing: border-box; }
            body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
            header.top { display: flex; flex-wrap: wrap; gap: .3em 1em; align-items: baseline; padding: .6em 1em; border-bottom: 1px solid var(--line); }
            header.top h1 { margin: 0; font-size: 1.3em; }
            .dir { color: var(--dim); font-family: ui-monospace, monospace; font-size: .85em; overflow-wrap: anywhere; }
            .live { margin-left: auto; color: var(--dim); font-size: .85em; }
            .live.stale { color: var(--bad); }
            main { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 26em), 1fr)); gap: 1em; padding: 1em; }
            .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .8em 1em; min-width: 0; }
            .card.wide { grid-column: 1 / -1; }
            .card[hidden] { display: none; }
            h2 { margin: 0 0 .5em; font-size: 1.05em; }
            h3 { margin: .8em 0 .3em; font-size: .9em; color: var(--dim); font-weight: normal; }
            .count { background: var(--line); border-radius: 1em; padding: 0 .5em; font-size: .85em; }
            .dot { display: inline-block; width: .7em; height: .7em; border-radius: 50%; background: var(--bad); }
            .dot.up { background: var(--ok); }
            .last-beat.failed { color: var(--bad); } .last-beat.backed-off { color: var(--warn); } .last-beat.acted { color: var(--ok); }
            .empty { color: var(--dim); }
            .error { color: var(--bad); }
            .chart-box svg { width: 100%; max-width: 900px; height: auto; display: block; }
            .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22em), 1fr)); gap: 1em; }
            svg text { fill: var(--dim); font: 11px system-ui, sans-serif; }
            svg text.today { fill: var(--fg); font-weight: bold; }
            svg text.cap { fill: var(--bad); }
            .worker { border-top: 1px solid var(--line); padding: .6em 0; }
            .worker:first-child { border-top: 0; }
            .who { margin: 0 0 .3em; display: flex; flex-wrap: wrap; gap: .2em .8em; align-items: baseline; }
            .state { color: var(--acc); } .worker[data-state=exited] .state, .worker[data-state=killed] .state, .worker[data-state=waiting] .state, .worker[data-state=blocked] .state { color: var(--dim); }
            .age, .spend { color: var(--dim); font-size: .9em; }
            .health { font-size: .9em; color: var(--dim); } .health[data-health=busy] { color: var(--ok); }
            .health[data-health=stuck], .health[data-health=asking], .health[data-health=blocked] { color: var(--warn); font-weight: bold; }
            pre.diff-stat { margin: .3em 0; font: 12px/1.3 ui-monospace, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
            .diff[hidden] { display: none; } a { color: var(--acc); }
            .flag, .blocked, .ask, .collides { margin: .2em 0; color: var(--warn); overflow-wrap: anywhere; }
            pre.screen { background: #010409; color: #e6edf3; border: 1px solid var(--line); border-radius: 6px; padding: .5em .7em; margin: .4em 0;
                         font: 12px/1.3 ui-monospace, "DejaVu Sans Mono", Menlo, monospace; overflow: auto; max-height: 24em; white-space: pre; }
            pre.screen:empty::before { content: "(blank screen)"; color: var(--dim); }
            .ask-item { border-left: 3px solid var(--warn); padding: .3em .7em; margin: .5em 0; }
            .question { margin: .2em 0 .5em; white-space: pre-wrap; overflow-wrap: anywhere; }
            form { display: flex; flex-wrap: wrap; gap: .4em; margin: .3em 0; }
            form .free, form .options { display: flex; flex-wrap: wrap; gap: .4em; flex: 1 1 auto; }
            form [hidden] { display: none; }
            input[name=text] { flex: 1 1 12em; min-width: 0; background: var(--bg); color: var(--fg); border: 1px solid var(--line);
                               border-radius: 6px; padding: .45em .6em; font: inherit; }
            button { background: #238636; color: #fff; border: 0; border-radius: 6px; padding: .45em .9em; font: inherit; cursor: pointer; }
            .options button { background: #1f6feb; }
            .result { margin: .2em 0; font-size: .9em; color: var(--ok); } .result.bad { color: var(--bad); } .result:empty { display: none; }
            ol.journal, ul.schedules { margin: 0; padding-left: 1.2em; font: 12.5px/1.4 ui-monospace, monospace; overflow-wrap: anywhere; }
            ol.journal { list-style: none; padding: 0; max-height: 28em; overflow: auto; }
            ol.journal li { padding: .15em 0; border-bottom: 1px solid #21262d; }
            .today.over { color: var(--bad); }
            code { font-family: ui-monospace, monospace; }
            @media (max-width: 480px) { main { padding: .5em; gap: .6em; } .card { padding: .6em; } pre.screen { font-size: 10px; } }
            """;

    static final String JS = """
            'use strict';
            // Refreshes the server-rendered page from /api/state. Data only ever
            // reaches the DOM as text; SVG comes drawn and escaped by the server.
            (() => {
              const POLL_MS = 2000;
              const $ = (root, sel) => root.querySelector(sel);
              const slot = (root, name) => root.querySelector('[data-slot="' + name + '"]');
              const live = document.getElementById('live');
              const svgSeen = new Map();

              function text(el, value) { if (el && el.textContent !== value) el.textContent = value; }
              function show(el, on) { if (el) el.hidden = !on; }

              function svg(name, markup) {
                const box = document.querySelector('[data-svg="' + name + '"]');
                if (!box || markup === undefined || svgSeen.get(name) === markup) return;
                svgSeen.set(name, markup);
                const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
                if (doc.documentElement.nodeName !== 'svg') return;
                box.replaceChildren(document.importNode(doc.documentElement, true));
              }

              // Keeps one element per key in list, made from a template, in the order given.
              function sync(list, tplId, items, fill) {
                const tpl = document.getElementById(tplId);
                const keep = new Set();
                let prev = null;
                for (const item of items) {
                  keep.add(item.id);
                  let el = Array.from(list.children).find(c => c.dataset.key === item.id);
                  if (!el) {
                    el = tpl.content.firstElementChild.cloneNode(true);
                    el.dataset.key = item.id;
                    el.querySelectorAll('input[name=id]').forEach(i => { i.value = item.id; });
                  }
                  fill(el, item);
                  const want = prev ? prev.nextSibling : list.firstChild;
                  if (want !== el) list.insertBefore(el, want);
                  prev = el;
                }
                Array.from(list.children).forEach(c => { if (!keep.has(c.dataset.key)) c.remove(); });
              }

              function fillWorker(el, w) {
                el.dataset.state = w.state;
                text(slot(el, 'id'), w.id);
                text(slot(el, 'state'), w.state + (w.exit_code !== undefined ? ' (exit ' + w.exit_code + ')' : ''));
                text(slot(el, 'age'), w.age || '');
                text(slot(el, 'spend'), w.spend || '');
                for (const name of ['flag', 'blocked', 'ask', 'collides']) {
                  const p = slot(el, name);
                  const v = w[name] || '';
                  text(p, v ? p.dataset.mark + v : '');
                  show(p, !!v);
                }
                const health = slot(el, 'health');
                text(health, w.health || '');
                if (health) health.dataset.health = w.health || '';
                const diff = slot(el, 'diff');
                text(slot(el, 'diff-stat'), w.diff_stat || '');
                const link = slot(el, 'diff-link');
                if (link && w.diff_url && link.getAttribute('href') !== w.diff_url) link.setAttribute('href', w.diff_url);
                show(diff, !!w.diff_stat);
                const screen = slot(el, 'screen');
                const before = screen.textContent;
                text(screen, (w.screen || []).map(l => l + '\\n').join(''));
                show(screen, w.alive);
                if (screen.dataset.follow !== 'no' && (screen.textContent !== before || !screen.dataset.placed)) place(screen, w.cursor);
                show($(el, 'form.tell'), w.alive);
              }

              // A worker's terminal box shows its cursor's row (the prompt it waits at), as low as the box
              // goes: new output keeps it there, until the person scrolls up; back at the bottom, it follows again.
              function place(pre, cursor) {
                if (pre.hidden || pre.clientHeight === 0) return;
                const bottom = pre.scrollHeight - pre.clientHeight;
                const style = getComputedStyle(pre);
                const cursorTop = parseFloat(style.paddingTop) + cursor * (parseFloat(style.lineHeight) || 16);
                pre.scrollTop = typeof cursor === 'number' ? Math.min(bottom, Math.max(0, cursorTop)) : bottom;
                pre.dataset.placed = String(Math.round(pre.scrollTop));
              }

              document.addEventListener('scroll', ev => {
                const pre = ev.target;
                if (!(pre instanceof HTMLElement) || !pre.matches('pre.screen')) return;
                if (Math.abs(pre.scrollTop - Number(pre.dataset.placed)) <= 2) return; // where the page put it
                const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
                pre.dataset.follow = atBottom ? 'yes' : 'no';
              }, true);

              function fillAsk(el, a) {
                text(slot(el, 'id'), a.id);
                text(slot(el, 'age'), a.age || '');
                text(slot(el, 'question'), a.question);
                const options = slot(el, 'options');
                const wanted = (a.options || []).join('\\u0000');
                // compared with the buttons there, so a click on a server-rendered button is never cut off by a rebuild
                if (Array.from(options.children).map(b => b.value).join('\\u0000') !== wanted) {
                  options.replaceChildren(...(a.options || []).map(o => {
                    const b = document.createElement('button');
                    b.type = 'submit'; b.name = 'text'; b.value = o; b.textContent = o;
                    return b;
                  }));
                }
                const free = slot(el, 'free');
                const hasOptions = (a.options || []).length > 0;
                show(free, !hasOptions);
                $(free, 'input').disabled = hasOptions;
              }

              function render(s) {
                document.body.dataset.human = String(s.human);
                const p = s.pulse || {};
                const dot = slot(document, 'pulse-dot');
                if (dot) dot.className = 'dot ' + (p.running ? 'up' : 'down');
                text(slot(document, 'pulse-line'), p.error || p.line || '');
                const last = slot(document, 'last-beat');
                text(last, p.last_beat || '');
                if (last) last.className = 'last-beat ' + (p.last_outcome || '');
                svg('timeline', p.timeline_svg);

                const asks = s.asks || [];
                sync($(document, '[data-list=asks]'), 'tpl-ask', asks, fillAsk);
                text(slot(document, 'ask-count'), String(asks.length));
                show(slot(document, 'asks-empty'), asks.length === 0);

                const workers = Array.isArray(s.workers) ? s.workers : [];
                sync($(document, '[data-list=workers]'), 'tpl-worker', workers, fillWorker);
                show(slot(document, 'workers-empty'), workers.length === 0);

                const journal = slot(document, 'journal');
                const lines = s.journal || [];
                if (journal.dataset.shown !== lines.join('\\n')) {
                  journal.dataset.shown = lines.join('\\n');
                  journal.replaceChildren(...lines.map(l => { const li = document.createElement('li'); li.textContent = l; return li; }));
                }
                show(slot(document, 'journal-empty'), lines.length === 0);

                const schedules = s.schedules || [];
                show(document.getElementById('schedules'), schedules.length > 0);
                slot(document, 'schedules').replaceChildren(...schedules.map(x => {
                  const li = document.createElement('li'); const b = document.createElement('b');
                  b.textContent = x.name; li.append(b, ' ' + x.text); return li;
                }));

                const spend = s.spend || {};
                const today = slot(document, 'spend-today');
                text(today, spend.error || spend.today || '');
                today.classList.toggle('over', !!spend.over);
                svg('by_runner', spend.by_runner_svg);
                svg('by_kind', spend.by_kind_svg);
              }

              async function refresh() {
                try {
                  const r = await fetch('/api/state', { cache: 'no-store', credentials: 'same-origin' });
                  if (r.status === 401) { text(live, 'not signed in: open the URL `looop web` printed'); live.classList.add('stale'); return; }
                  if (!r.ok) throw new Error('HTTP ' + r.status);
                  render(await r.json());
                  text(live, 'live · ' + new Date().toLocaleTimeString());
                  live.classList.remove('stale');
                } catch (e) {
                  text(live, 'offline (' + e.message + ')');
                  live.classList.add('stale');
                }
              }

              // Answers and tells go to the server as form posts; the page itself keeps nothing.
              document.addEventListener('submit', async ev => {
                const form = ev.target.closest('form[data-action]');
                if (!form) return;
                ev.preventDefault();
                const body = new URLSearchParams(new FormData(form));
                if (ev.submitter && ev.submitter.name) body.set(ev.submitter.name, ev.submitter.value);
                const result = form.parentElement.querySelector('[data-slot=result]');
                form.querySelectorAll('button').forEach(b => { b.disabled = true; });
                try {
                  const r = await fetch('/api/' + form.dataset.action, {
                    method: 'POST', body, credentials: 'same-origin', referrerPolicy: 'same-origin',
                    headers: { 'Accept': 'application/json' } });
                  const reply = await r.json().catch(() => ({ error: 'HTTP ' + r.status }));
                  text(result, reply.message || reply.error || '');
                  if (result) result.classList.toggle('bad', !r.ok);
                  if (r.ok) form.querySelectorAll('input[name=text]').forEach(i => { i.value = ''; });
                } catch (e) {
                  text(result, 'could not reach looop web: ' + e.message);
                  if (result) result.classList.add('bad');
                } finally {
                  form.querySelectorAll('button').forEach(b => { b.disabled = false; });
                }
                refresh();
              });

              refresh();
              setInterval(refresh, POLL_MS);
            })();
            """;
}
