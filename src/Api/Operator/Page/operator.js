// The operator page: polls api/overview (state and cumulative counters) and ../metrics (latency histograms, queue
// depth) every two seconds, turns the difference between two polls into rates and percentiles, and draws its charts
// as SVG. No dependencies, nothing fetched from elsewhere.
'use strict';

const POLL_MS = 2000;
const WINDOW_MS = 120000;
const SVG_NS = 'http://www.w3.org/2000/svg';
const QUANTILES = [0.5, 0.95, 0.99];

let previous = null; // { t, counters: Map(key -> counters), histograms: Map(key -> Map(le -> count)) }
const totals = []; // [{ t, rps }] over the last WINDOW_MS
const sparks = new Map(); // key -> [rps]

// ---- DOM helpers ------------------------------------------------------------------------------------------------

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === null || value === undefined) continue;
    if (name === 'text') node.textContent = value;
    else if (name === 'className') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function svg(tag, attributes, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

const pill = (text, kind) => el('span', { className: 'pill ' + String(kind || text).toLowerCase(), text });
const dash = '—';
const fixed = (value, digits) => (value === null || value === undefined || !Number.isFinite(value) ? dash : value.toFixed(digits));
const percent = value => (value === null || value === undefined || !Number.isFinite(value) ? dash : (100 * value).toFixed(value < 0.01 && value > 0 ? 2 : 1) + '%');
const millis = seconds => (seconds === null || seconds === undefined ? dash : (1000 * seconds).toFixed(seconds < 0.01 ? 2 : 1) + ' ms');
const count = value => (value === null || value === undefined ? dash : Number(value).toLocaleString('en-US'));
const rate = value => (value === null || value === undefined ? dash : value >= 100 ? value.toFixed(0) : value.toFixed(1));

function fill(tbody, rows, columns, empty) {
  tbody.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { className: 'empty', colspan: columns, text: empty }))]));
}

// ---- Prometheus text: the histogram of request durations and the queue gauge ------------------------------------

function parseLabels(text) {
  const labels = {};
  for (const m of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]] = m[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
  return labels;
}

function parseMetrics(text) {
  const histograms = new Map(); // "model/version" -> Map(le -> cumulative count)
  const queues = new Map(); // "model/version" -> depth
  for (const line of text.split('\n')) {
    const m = /^(oi_inference_duration_seconds_bucket|oi_inference_queue_depth)\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = parseLabels(m[2]);
    const key = labels.model + '/' + labels.version;
    const value = Number(m[3]);
    if (m[1] === 'oi_inference_queue_depth') {
      queues.set(key, (queues.get(key) || 0) + value);
    } else {
      const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
      const buckets = histograms.get(key) || new Map();
      buckets.set(le, (buckets.get(le) || 0) + value);
      histograms.set(key, buckets);
    }
  }
  return { histograms, queues };
}

// The quantile of the observations between two scrapes, interpolated inside its bucket as Prometheus'
// histogram_quantile does; null when nothing was observed in between.
function quantile(q, now, before) {
  const bounds = [...now.keys()].sort((a, b) => a - b);
  const counts = bounds.map(le => now.get(le) - ((before && before.get(le)) || 0));
  const total = counts[counts.length - 1];
  if (!(total > 0)) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i] >= rank) {
      if (bounds[i] === Infinity) return lower;
      return lower + (bounds[i] - lower) * ((rank - below) / Math.max(1, counts[i] - below));
    }
    lower = bounds[i];
    below = counts[i];
  }
  return lower;
}

// ---- Charts ----------------------------------------------------------------------------------------------------

function niceCeiling(value) {
  if (value <= 0) return 1;
  const step = Math.pow(10, Math.floor(Math.log10(value)));
  for (const m of [1, 2, 5, 10]) if (m * step >= value) return m * step;
  return 10 * step;
}

function drawThroughput(now) {
  const chart = document.getElementById('throughput-chart');
  const width = Math.max(200, Math.round(chart.clientWidth || 800));
  const height = 140;
  const left = 44;
  const bottom = 16;
  chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const max = niceCeiling(Math.max(1, ...totals.map(p => p.rps)));
  const x = t => left + ((t - (now - WINDOW_MS)) / WINDOW_MS) * (width - left - 4);
  const y = v => 4 + (1 - v / max) * (height - bottom - 8);
  const parts = [];
  for (const v of [0, max / 2, max]) {
    parts.push(svg('line', { class: 'grid', x1: left, x2: width - 4, y1: y(v), y2: y(v) }));
    const label = svg('text', { class: 'axis', x: left - 6, y: y(v) + 3, 'text-anchor': 'end' });
    label.textContent = v >= 10 ? v.toFixed(0) : v.toFixed(1);
    parts.push(label);
  }
  for (const [seconds, anchor] of [[120, 'start'], [60, 'middle'], [0, 'end']]) {
    const label = svg('text', { class: 'axis', x: x(now - seconds * 1000), y: height - 3, 'text-anchor': anchor });
    label.textContent = seconds === 0 ? 'now' : `-${seconds} s`;
    parts.push(label);
  }
  if (totals.length > 1) {
    const points = totals.map(p => `${x(p.t).toFixed(1)},${y(p.rps).toFixed(1)}`);
    parts.push(svg('polygon', { class: 'area', points: `${x(totals[0].t)},${y(0)} ${points.join(' ')} ${x(totals[totals.length - 1].t)},${y(0)}` }));
    parts.push(svg('polyline', { class: 'line', points: points.join(' ') }));
  }
  chart.replaceChildren(...parts);
}

function sparkline(values) {
  const max = Math.max(1e-9, ...values);
  const points = values.map((v, i) => `${(values.length === 1 ? 90 : (i * 90) / (values.length - 1)).toFixed(1)},${(19 - (v / max) * 17).toFixed(1)}`);
  return svg('svg', { class: 'spark', viewBox: '0 0 90 20' }, svg('polyline', { points: points.join(' ') }));
}

function batchBars(sizes) {
  const entries = Object.entries(sizes || {}).map(([size, n]) => [Number(size), n]).sort((a, b) => a[0] - b[0]).slice(-12);
  if (!entries.length) return dash;
  const max = Math.max(...entries.map(e => e[1]));
  const width = 110 / entries.length;
  const bars = entries.map(([size, n], i) => {
    const h = Math.max(1, (n / max) * 14);
    const bar = svg('rect', { x: (i * width + 1).toFixed(1), y: (15 - h).toFixed(1), width: Math.max(1, width - 2).toFixed(1), height: h.toFixed(1) });
    const tip = svg('title');
    tip.textContent = `batch of ${size}: ${n} executions`;
    bar.append(tip);
    const label = svg('text', { x: (i * width + width / 2).toFixed(1), y: 22, 'text-anchor': 'middle' });
    label.textContent = size;
    return [bar, label];
  });
  return svg('svg', { class: 'bars', viewBox: '0 0 110 22' }, bars.flat());
}

// ---- Sections --------------------------------------------------------------------------------------------------

function traffic(model, version) {
  const d = model.deployment;
  if (model.active_experiment) return 'experiment ' + model.active_experiment;
  if (!d) return dash;
  if (d.version === version) return d.traffic_percentage + '%';
  if (d.baseline_version === version) return 100 - d.traffic_percentage + '%';
  return dash;
}

function renderModels(overview, live) {
  const rows = [];
  for (const model of overview.models) {
    model.versions.forEach((v, i) => {
      const key = model.name + '/' + v.version;
      const l = live.get(key);
      const s = v.statistics;
      rows.push(el('tr', { 'data-version': key },
        el('td', { text: i === 0 ? model.name : '' }),
        el('td', { text: v.version }),
        el('td', { text: v.stage }),
        el('td', { title: v.error }, pill(v.state)),
        el('td', { text: v.execution_provider || dash }),
        el('td', { text: traffic(model, v.version) }),
        el('td', { className: 'num requests', 'data-value': s.success_count + s.failure_count, text: count(s.success_count + s.failure_count) }),
        el('td', { className: 'num rps', 'data-value': l.rps ?? '', text: rate(l.rps) }),
        el('td', {}, sparkline(sparks.get(key) || [0])),
        el('td', { className: 'num', text: rate(l.rows) }),
        el('td', { className: 'num errors', text: percent(l.errorRate) }),
        el('td', { className: 'num mean', 'data-value': l.mean ?? '', text: millis(l.mean) }),
        ...l.quantiles.map((q, n) => el('td', { className: 'num p' + [50, 95, 99][n], 'data-value': q ?? '', text: millis(q) })),
        el('td', { className: 'num queue', text: l.queue === undefined ? dash : count(l.queue) }),
        el('td', { title: s.execution_count ? `mean batch ${(s.inference_count / s.execution_count).toFixed(2)} rows over ${count(s.execution_count)} executions` : null }, batchBars(s.batch_sizes)),
        el('td', {}, v.drift ? pill(v.drift.status.replace('_', ' '), v.drift.status) : dash)));
    });
  }
  fill(document.querySelector('#models tbody'), rows, 18, 'No models registered.');
}

function renderExperiments(overview) {
  const root = document.getElementById('experiments');
  if (!overview.experiments.length) {
    root.replaceChildren(el('p', { className: 'empty', text: 'No experiments.' }));
    return;
  }
  root.replaceChildren(...overview.experiments.map(({ experiment: e, metrics: m, events }) => {
    const ramp = e.ramp ? ` · ramp of '${e.ramp.plan.variant}' at ${e.ramp.current_percentage}% (step ${e.ramp.step_index + 1} of ${e.ramp.plan.steps.length}${e.ramp.completed ? ', completed' : ''})` : '';
    const split = el('div', { className: 'split' }, e.variants.filter(v => v.weight > 0).map(v => {
      const part = el('div', { title: `${v.name} (version ${v.version}): ${v.weight}%`, text: `${v.name} ${v.weight}%` });
      part.style.width = v.weight + '%';
      return part;
    }));
    const variants = el('table', { className: 'variants' },
      el('thead', {}, el('tr', {}, ['variant', 'version', 'weight', 'requests', 'errors', 'p50', 'p90', 'p99', 'accuracy', 'mean reward'].map(h => el('th', { text: h })))),
      el('tbody', {}, m.variants.map(v => el('tr', {},
        el('td', { text: v.name + (v.baseline ? ' (baseline)' : '') }),
        el('td', { text: v.version }),
        el('td', { className: 'num', text: v.weight + '%' }),
        el('td', { className: 'num', text: count(v.requests) }),
        el('td', { className: 'num', text: `${count(v.errors)} (${percent(v.error_rate)})` }),
        el('td', { className: 'num', text: fixed(v.latency_p50_ms, 2) + ' ms' }),
        el('td', { className: 'num', text: fixed(v.latency_p90_ms, 2) + ' ms' }),
        el('td', { className: 'num', text: fixed(v.latency_p99_ms, 2) + ' ms' }),
        el('td', { className: 'num', text: percent(v.accuracy) }),
        el('td', { className: 'num', text: fixed(v.mean_reward, 3) })))));
    const significance = m.significance.length
      ? el('table', { className: 'significance' },
        el('thead', {}, el('tr', {}, ['variant vs baseline', 'metric', 'test', 'baseline', 'variant', 'samples', 'p-value', 'significant'].map(h => el('th', { text: h })))),
        el('tbody', {}, m.significance.map(s => el('tr', {},
          el('td', { text: s.variant }),
          el('td', { text: s.metric }),
          el('td', { text: s.test }),
          el('td', { className: 'num', text: fixed(s.baseline_value, 4) }),
          el('td', { className: 'num', text: fixed(s.variant_value, 4) }),
          el('td', { className: 'num', text: `${count(s.baseline_samples)} / ${count(s.variant_samples)}` }),
          el('td', { className: 'num', text: fixed(s.p_value, 4) }),
          el('td', {}, s.significant ? pill('yes') : pill(s.sample_size_reached ? 'no' : 'sample too small', 'no'))))))
      : el('p', { className: 'empty', text: 'No significance test yet (needs traffic on the baseline and a variant).' });
    const shadow = m.shadow
      ? el('p', { text: `Shadow version ${m.shadow.version}: ${count(m.shadow.completed)} compared, agreement ${percent(m.shadow.agreement_rate)}, ${count(m.shadow.dropped)} dropped, p99 ${fixed(m.shadow.latency_p99_ms, 2)} ms.` })
      : null;
    return el('div', { className: 'experiment', 'data-experiment': e.id },
      el('h3', {}, `${e.id} `, el('small', { text: `model ${e.model}${ramp}` }), ' ', pill(e.state.replace('_', ' '), e.state), m.rollbacks ? [' ', pill(`${m.rollbacks} rollback(s)`, 'critical')] : null),
      split, variants, el('h3', { text: 'Significance' }), significance, shadow,
      el('h3', { text: 'Rollout events' }),
      el('ul', { className: 'events' }, events.slice().reverse().map(ev => el('li', { text: `${new Date(ev.at).toLocaleTimeString()} ${ev.kind}: ${ev.message}` }))));
  }));
}

function renderJobs(overview) {
  const rows = overview.batch_jobs.map(j => {
    const bar = el('div', {});
    bar.style.width = (100 * (j.progress || 0)).toFixed(1) + '%';
    return el('tr', { 'data-job': j.job_id },
      el('td', { title: j.job_id, text: j.job_id.slice(0, 12) }),
      el('td', { text: `${j.model}/${j.version}` }),
      el('td', { title: j.error }, pill(j.state)),
      el('td', {}, el('span', { className: 'progress' }, bar), ' ', j.progress === null ? dash : percent(j.progress)),
      el('td', { className: 'num', text: `${count(j.rows_done)} / ${count(j.rows_total)}` }),
      el('td', { className: 'num', text: count(j.error_count) }),
      el('td', { className: 'num', text: rate(j.rows_per_second) }),
      el('td', { text: j.estimated_remaining ? j.estimated_remaining.replace(/\.\d+$/, '') : dash }),
      el('td', { text: new Date(j.created_at).toLocaleString() }));
  });
  fill(document.querySelector('#jobs tbody'), rows, 9, 'No batch jobs.');
}

function renderDrift(overview) {
  const rows = [];
  for (const model of overview.models) {
    for (const v of model.versions.filter(v => v.drift)) {
      const d = v.drift;
      rows.push(el('tr', {},
        el('td', { text: model.name }),
        el('td', { text: v.version }),
        el('td', {}, pill(d.status.replace('_', ' '), d.status)),
        el('td', { className: 'num', text: `${count(d.rows)}${d.rows < d.minimum_rows ? ' of ' + count(d.minimum_rows) : ''}` }),
        el('td', { className: 'num', text: fixed(d.prediction_psi, 3) }),
        // Below the minimum rows the per-feature figures are noise; the status says so.
        el('td', { text: (d.rows >= d.minimum_rows && d.worst_features.map(f => `${f.feature} (${f.psi.toFixed(3)})`).join(', ')) || dash })));
    }
  }
  fill(document.querySelector('#drift tbody'), rows, 6, 'No loaded version to watch.');
}

function renderAlerts(alerts) {
  const list = document.getElementById('alerts');
  list.replaceChildren(...(alerts.length
    ? alerts.map(a => el('li', { className: a.severity }, pill(a.severity), el('b', { text: a.subject }), a.message))
    : [el('li', { className: 'empty', text: 'No alerts.' })]));
}

// ---- Polling ---------------------------------------------------------------------------------------------------

async function fetchText(url) {
  const response = await fetch(url, { headers: { Accept: url.endsWith('overview') ? 'application/json' : 'text/plain' }, cache: 'no-store' });
  if (!response.ok) {
    let detail = '';
    try { detail = (await response.json()).detail || ''; } catch { /* not problem details */ }
    throw new Error(`${url} answered ${response.status}${detail ? ': ' + detail : ''}`);
  }
  return response.text();
}

async function poll() {
  const status = document.getElementById('status');
  let overview;
  let metrics = null;
  let metricsError = null;
  try {
    const [o, m] = await Promise.allSettled([fetchText('api/overview'), fetchText('../metrics')]);
    if (o.status === 'rejected') throw o.reason;
    overview = JSON.parse(o.value);
    if (m.status === 'fulfilled') metrics = parseMetrics(m.value);
    else metricsError = m.reason.message;
  } catch (error) {
    status.textContent = 'update failed: ' + error.message;
    status.className = 'status error';
    return;
  }

  const t = performance.now();
  const seconds = previous ? (t - previous.t) / 1000 : 0;
  const counters = new Map();
  const live = new Map();
  const alerts = [...overview.alerts];
  let totalRps = 0, totalRows = 0, totalRequests = 0, totalFailures = 0, intervalRequests = 0, intervalFailures = 0, totalQueue = 0;
  let worstP99 = null, ready = 0, versions = 0;
  for (const model of overview.models) {
    for (const v of model.versions) {
      const key = model.name + '/' + v.version;
      const s = v.statistics;
      const c = { requests: s.success_count + s.failure_count, failures: s.failure_count, rows: s.inference_count, successes: s.success_count, successNs: s.success_ns };
      counters.set(key, c);
      versions++;
      if (v.state === 'ready') ready++;
      totalRequests += c.requests;
      totalFailures += c.failures;
      const before = previous && previous.counters.get(key);
      const l = { rps: null, rows: null, errorRate: null, mean: null, quantiles: [null, null, null], queue: metrics ? metrics.queues.get(key) : undefined };
      // A counter that went down means the version was reloaded: its first poll after that has no rate.
      if (before && seconds > 0 && c.requests >= before.requests) {
        const requests = c.requests - before.requests;
        l.rps = requests / seconds;
        l.rows = (c.rows - before.rows) / seconds;
        l.errorRate = requests > 0 ? (c.failures - before.failures) / requests : null;
        l.mean = c.successes > before.successes ? (c.successNs - before.successNs) / (c.successes - before.successes) / 1e9 : null;
        totalRps += l.rps;
        totalRows += l.rows;
        intervalRequests += requests;
        intervalFailures += c.failures - before.failures;
        const spark = sparks.get(key) || [];
        spark.push(l.rps);
        sparks.set(key, spark.slice(-30));
        if (l.errorRate > 0.05 && requests >= 20) {
          alerts.push({ severity: 'warning', subject: `model ${key}`, message: `${percent(l.errorRate)} of ${requests} requests failed in the last ${seconds.toFixed(1)} s.` });
        }
      }
      const histogram = metrics && metrics.histograms.get(key);
      if (histogram) {
        l.quantiles = QUANTILES.map(q => quantile(q, histogram, previous && previous.histograms.get(key)));
        if (l.quantiles[2] !== null) worstP99 = Math.max(worstP99 ?? 0, l.quantiles[2]);
      }
      if (l.queue) totalQueue += l.queue;
      live.set(key, l);
    }
  }

  if (previous) {
    totals.push({ t, rps: totalRps });
    while (totals.length && totals[0].t < t - WINDOW_MS) totals.shift();
  }
  previous = { t, counters, histograms: metrics ? metrics.histograms : new Map() };

  document.getElementById('total-rps').textContent = previous && seconds > 0 ? rate(totalRps) : dash;
  document.getElementById('total-rows').textContent = seconds > 0 ? rate(totalRows) : dash;
  document.getElementById('total-requests').textContent = count(totalRequests);
  document.getElementById('total-requests').dataset.value = totalRequests;
  document.getElementById('total-errors').textContent = intervalRequests > 0 ? percent(intervalFailures / intervalRequests) : totalRequests > 0 ? percent(totalFailures / totalRequests) : dash;
  document.getElementById('total-p99').textContent = millis(worstP99);
  document.getElementById('total-queue').textContent = metrics ? count(totalQueue) : dash;
  document.getElementById('total-ready').textContent = `${ready} / ${versions}`;
  document.getElementById('total-alerts').textContent = alerts.length;

  renderAlerts(alerts);
  renderModels(overview, live);
  renderExperiments(overview);
  renderJobs(overview);
  renderDrift(overview);
  drawThroughput(t);
  for (const [name, href] of Object.entries(overview.links)) {
    const link = document.getElementById('link-' + name);
    if (link) link.href = href;
  }
  document.getElementById('latency-note').classList.toggle('error', metricsError !== null);
  status.textContent = `updated ${new Date(overview.generated_at).toLocaleTimeString()}` + (metricsError ? ` · latency unavailable (${metricsError})` : '');
  status.className = 'status';
  document.body.dataset.polls = String(Number(document.body.dataset.polls || 0) + 1);
}

async function loop() {
  await poll();
  setTimeout(loop, POLL_MS);
}

loop();
