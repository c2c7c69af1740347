/* Offline GraphQL IDE page for the Kezhi 科志 local dev server (no external resources). */

export interface IdePageOptions {
  endpoint: string;
  sampleTokens: Record<string, string>;
  defaultQuery: string;
}

const TYPE_REF =
  'fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ' +
  'ofType { kind name ofType { kind name ofType { kind name } } } } } } }';

const INTROSPECTION_QUERY =
  'query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name } ' +
  'types { kind name description ' +
  'fields(includeDeprecated: true) { name description args { name description type { ...TypeRef } } type { ...TypeRef } } ' +
  'inputFields { name description type { ...TypeRef } } ' +
  'enumValues(includeDeprecated: true) { name description } } } } ' +
  TYPE_REF;

/** JSON safe to embed inside a <script> element (no `</script>`, `<!--`, or JS line separators). */
function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

const CSS = `
*{box-sizing:border-box}html,body{height:100%;margin:0}
body{font:13px/1.45 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;color:#1f2933;background:#f4f6f8;display:flex;flex-direction:column}
header{display:flex;align-items:center;gap:12px;padding:8px 14px;background:#0f4c81;color:#fff}
header h1{font-size:15px;margin:0;font-weight:600}header code{opacity:.8}
main{flex:1;min-height:0;display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr) 340px;gap:10px;padding:10px}
section{display:flex;flex-direction:column;min-height:0;background:#fff;border:1px solid #d9e0e6;border-radius:6px;padding:8px;gap:6px}
label,.lbl{font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.04em;color:#52606d}
textarea,pre,input,select{font:12.5px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
textarea{width:100%;resize:vertical;border:1px solid #cbd2d9;border-radius:4px;padding:6px;tab-size:2}
#query{flex:1;min-height:200px}#variables{height:110px}
input,select{border:1px solid #cbd2d9;border-radius:4px;padding:4px 6px}
.row{display:flex;gap:6px;align-items:center}.row input{flex:1}
button{background:#0f4c81;color:#fff;border:0;border-radius:4px;padding:6px 14px;cursor:pointer;font-weight:600}
button.sec{background:#e4e7eb;color:#1f2933;font-weight:500;padding:4px 10px}
pre{flex:1;margin:0;overflow:auto;background:#f8fafc;border:1px solid #e4e7eb;border-radius:4px;padding:8px;white-space:pre-wrap;word-break:break-word}
.ok{color:#1b7f3b}.err{color:#b42318}.muted{color:#7b8794}
#types{list-style:none;margin:0;padding:0;overflow:auto;max-height:35%;border:1px solid #e4e7eb;border-radius:4px}
#types li{padding:3px 8px;cursor:pointer;display:flex;justify-content:space-between}#types li:hover,#types li.sel{background:#e8f1fb}
#types li small{color:#7b8794}
#detail{flex:1;overflow:auto;font-size:12.5px}#detail h2{font-size:14px;margin:4px 0}
#detail .f{padding:4px 0;border-bottom:1px solid #f0f2f4}#detail .sig{font-family:ui-monospace,Menlo,Consolas,monospace}
#detail .d{color:#52606d;margin-left:10px;white-space:pre-wrap}.tref{color:#0f4c81;cursor:pointer}.tref:hover{text-decoration:underline}
`;

// Inline client script. String.raw keeps regex backslashes; it contains no template literals or `${`.
const SCRIPT = String.raw`(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('kezhi-config').textContent);
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  var LS = 'kezhi-ide:';
  function load(k, d) { try { var v = localStorage.getItem(LS + k); return v === null ? d : v; } catch (e) { return d; } }
  function save(k, v) { try { localStorage.setItem(LS + k, v); } catch (e) { /* storage unavailable */ } }
  var q = $('query'), vars = $('variables'), tok = $('token'), samples = $('samples'), opSel = $('opname');
  var statusEl = $('status'), out = $('result'), types = [], current = null;
  $('endpoint').textContent = cfg.endpoint;
  q.value = load('query', cfg.defaultQuery); vars.value = load('variables', '{}'); tok.value = load('token', '');
  Object.keys(cfg.sampleTokens).forEach(function (label) {
    var o = el('option', '', label); o.value = cfg.sampleTokens[label]; samples.appendChild(o);
  });
  samples.onchange = function () { if (samples.value) { tok.value = samples.value; save('token', tok.value); } samples.selectedIndex = 0; };
  q.oninput = function () { save('query', q.value); refreshOps(); };
  vars.oninput = function () { save('variables', vars.value); };
  tok.oninput = function () { save('token', tok.value); };
  [q, vars].forEach(function (ta) {
    ta.addEventListener('keydown', function (ev) {
      if (ev.key !== 'Tab' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      ev.preventDefault(); ta.setRangeText('  ', ta.selectionStart, ta.selectionEnd, 'end'); ta.dispatchEvent(new Event('input'));
    });
  });
  document.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); run(); } });

  function opNames() {
    var src = q.value.replace(/#[^\n\r]*/g, ''), re = /\b(query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/g, m, names = [];
    while ((m = re.exec(src))) if (names.indexOf(m[2]) < 0) names.push(m[2]);
    return names;
  }
  function refreshOps() {
    var names = opNames(), prev = opSel.value;
    opSel.hidden = names.length < 2; opSel.textContent = '';
    names.forEach(function (n) { var o = el('option', '', n); o.value = n; opSel.appendChild(o); });
    if (names.indexOf(prev) >= 0) opSel.value = prev;
  }
  function headers() {
    var h = { 'content-type': 'application/json' }, t = tok.value.trim().replace(/^Bearer\s+/i, '');
    if (t) h.authorization = 'Bearer ' + t;
    return h;
  }
  function setStatus(text, cls) { statusEl.textContent = text; statusEl.className = cls || 'muted'; }
  function pretty(text) { try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; } }

  function run() {
    var variables;
    try { variables = vars.value.trim() ? JSON.parse(vars.value) : {}; }
    catch (e) { setStatus('Invalid variables JSON', 'err'); out.textContent = 'Variables are not valid JSON:\n' + e.message; return; }
    if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) {
      setStatus('Invalid variables JSON', 'err'); out.textContent = 'Variables must be a JSON object, e.g. { "id": "1" }'; return;
    }
    var body = { query: q.value, variables: variables }, names = opNames();
    if (names.length > 1) body.operationName = opSel.value || names[0];
    setStatus('Running…'); var t0 = performance.now();
    fetch(cfg.endpoint, { method: 'POST', headers: headers(), body: JSON.stringify(body) })
      .then(function (res) {
        return res.text().then(function (text) {
          setStatus(res.status + ' ' + res.statusText + ' · ' + Math.round(performance.now() - t0) + ' ms', res.ok ? 'ok' : 'err');
          out.textContent = pretty(text);
        });
      })
      .catch(function (e) { setStatus('Network error · ' + Math.round(performance.now() - t0) + ' ms', 'err'); out.textContent = String(e && e.message || e); });
  }
  $('run').onclick = run;

  function sig(t) { if (!t) return '?'; if (t.kind === 'NON_NULL') return sig(t.ofType) + '!'; if (t.kind === 'LIST') return '[' + sig(t.ofType) + ']'; return t.name; }
  function base(t) { while (t && t.ofType) t = t.ofType; return t ? t.name : ''; }
  function typeRef(t) {
    var s = el('span', 'tref', sig(t)), name = base(t);
    s.onclick = function () { var found = types.filter(function (x) { return x.name === name; })[0]; if (found) showType(found); };
    return s;
  }
  function renderTypes() {
    var list = $('types'), needle = $('search').value.trim().toLowerCase(); list.textContent = '';
    types.filter(function (t) {
      return !needle || t.name.toLowerCase().indexOf(needle) >= 0 ||
        (t.fields || []).some(function (f) { return f.name.toLowerCase().indexOf(needle) >= 0; });
    }).forEach(function (t) {
      var li = el('li', t === current ? 'sel' : ''); li.appendChild(el('span', '', t.name)); li.appendChild(el('small', '', t.kind));
      li.onclick = function () { showType(t); }; list.appendChild(li);
    });
  }
  function showType(t) {
    current = t; renderTypes();
    var d = $('detail'); d.textContent = '';
    d.appendChild(el('h2', '', t.kind.toLowerCase() + ' ' + t.name));
    if (t.description) d.appendChild(el('div', 'd', t.description));
    (t.fields || t.inputFields || []).forEach(function (f) {
      var row = el('div', 'f'), s = el('div', 'sig'); s.appendChild(el('b', '', f.name));
      if (f.args && f.args.length) {
        s.appendChild(document.createTextNode('('));
        f.args.forEach(function (a, i) { if (i) s.appendChild(document.createTextNode(', ')); s.appendChild(document.createTextNode(a.name + ': ')); s.appendChild(typeRef(a.type)); });
        s.appendChild(document.createTextNode(')'));
      }
      s.appendChild(document.createTextNode(': ')); s.appendChild(typeRef(f.type)); row.appendChild(s);
      if (f.description) row.appendChild(el('div', 'd', f.description));
      d.appendChild(row);
    });
    (t.enumValues || []).forEach(function (v) {
      var row = el('div', 'f'); row.appendChild(el('div', 'sig', v.name));
      if (v.description) row.appendChild(el('div', 'd', v.description)); d.appendChild(row);
    });
  }
  function loadSchema() {
    var msg = $('schema-msg'); msg.textContent = 'Loading schema…'; msg.className = 'muted';
    fetch(cfg.endpoint, { method: 'POST', headers: headers(), body: JSON.stringify({ query: cfg.introspectionQuery, operationName: 'IntrospectionQuery' }) })
      .then(function (res) { return res.text().then(function (text) { return { status: res.status, text: text }; }); })
      .then(function (r) {
        var j = null; try { j = JSON.parse(r.text); } catch (e) { /* not JSON */ }
        if (j && j.data && j.data.__schema) {
          types = j.data.__schema.types.filter(function (t) { return t.name.indexOf('__') !== 0; })
            .sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; });
          msg.textContent = types.length + ' types'; renderTypes(); return;
        }
        var errs = j && j.errors ? j.errors.map(function (e) { return e.message; }).join('\n') : r.text;
        types = []; current = null; renderTypes(); $('detail').textContent = '';
        msg.className = 'err'; msg.textContent = 'Introspection failed (HTTP ' + r.status + '):\n' + errs;
      })
      .catch(function (e) { msg.className = 'err'; msg.textContent = 'Introspection failed: ' + String(e && e.message || e); });
  }
  $('search').oninput = renderTypes;
  $('reload').onclick = loadSchema;
  refreshOps(); loadSchema();
})();`;

/** Renders the complete, self-contained Kezhi GraphQL IDE HTML page. */
export function renderIdePage(options: { endpoint: string; sampleTokens: Record<string, string>; defaultQuery: string }): string {
  const config = {
    endpoint: options.endpoint,
    sampleTokens: options.sampleTokens,
    defaultQuery: options.defaultQuery,
    introspectionQuery: INTROSPECTION_QUERY,
  };
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kezhi 科志 · GraphQL IDE</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>Kezhi 科志 · GraphQL IDE</h1><span class="muted">广东科技志愿服务</span><code id="endpoint"></code></header>
<main>
  <section>
    <div class="row"><label for="query">Query</label><span style="flex:1"></span>
      <select id="opname" hidden title="Operation to run"></select>
      <button id="run" title="Ctrl/Cmd+Enter">▶ Run</button></div>
    <textarea id="query" spellcheck="false" autocomplete="off"></textarea>
    <label for="variables">Variables (JSON)</label>
    <textarea id="variables" spellcheck="false" autocomplete="off"></textarea>
    <label for="token">Bearer token</label>
    <div class="row"><input id="token" type="text" spellcheck="false" autocomplete="off" placeholder="(none)">
      <select id="samples"><option value="">Sample tokens…</option></select></div>
  </section>
  <section>
    <div class="row"><span class="lbl">Response</span><span id="status" class="muted">Ready · Ctrl/Cmd+Enter to run</span></div>
    <pre id="result"></pre>
  </section>
  <section>
    <div class="row"><span class="lbl">Schema</span><span style="flex:1"></span><button id="reload" class="sec">Reload</button></div>
    <input id="search" type="search" placeholder="Search types / fields…">
    <pre id="schema-msg" class="muted" style="flex:none"></pre>
    <ul id="types"></ul>
    <div id="detail"></div>
  </section>
</main>
<script type="application/json" id="kezhi-config">${embedJson(config)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
