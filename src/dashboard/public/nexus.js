// Claude Nexus dashboard, shared client code: formatting (the same rules as src/dashboard/format.ts),
// period labels (as src/dashboard/zoned-time.ts), stacked uPlot charts, the range form, the zone cookie.
'use strict';

(function () {
  const PICO_PER_USD = 1_000_000_000_000n;
  const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
  const WHOLE = new Intl.NumberFormat('en-US');
  const PALETTE = ['#c15f3c', '#3c7dc1', '#4f9a5b', '#b58a1f', '#8a55b5', '#c1445f', '#2f9a9a', '#7a7a72'];

  /** Exact USD decimal string → pico-dollars (BigInt). */
  function usdToPico(usd) {
    if (usd === null || usd === undefined || usd === '') return 0n;
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(usd).trim());
    if (match === null) return 0n;
    const pico = BigInt(match[2]) * PICO_PER_USD + BigInt((match[3] ?? '').slice(0, 12).padEnd(12, '0'));
    return match[1] === '-' ? -pico : pico;
  }

  function picoToUsd(pico) {
    const sign = pico < 0n ? '-' : '';
    const abs = pico < 0n ? -pico : pico;
    return `${sign}${(abs / PICO_PER_USD).toString()}.${(abs % PICO_PER_USD).toString().padStart(12, '0')}`;
  }

  /** Like formatUsd in src/pricing/usd.ts: 2 places from a dollar up, 4 below, half up. */
  function usd(pico) {
    const negative = pico < 0n;
    const abs = negative ? -pico : pico;
    const places = abs >= PICO_PER_USD ? 2 : 4;
    const unit = 10n ** BigInt(12 - places);
    const rounded = (abs + unit / 2n) / unit;
    const scale = 10n ** BigInt(places);
    return `${negative && rounded !== 0n ? '-' : ''}$${(rounded / scale).toString()}.${(rounded % scale).toString().padStart(places, '0')}`;
  }

  const fmt = {
    usd: (text) => (text === null ? '—' : usd(usdToPico(text))),
    count: (n) => WHOLE.format(n),
    compact: (n) => COMPACT.format(n),
    percent: (ratio) => (ratio === null ? '—' : `${(ratio * 100).toFixed(1)}%`),
    change(current, previous) {
      if (previous === 0) return current === 0 ? '—' : 'new';
      const change = ((current - previous) / previous) * 100;
      return `${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(1)}%`;
    },
    dateTime: (ms, timeZone) =>
      new Intl.DateTimeFormat('en-US', { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms)),
    key: (key) => (key === null || key === '' ? '(none)' : key),
  };

  function wallClock(ms, timeZone) {
    const parts = {};
    const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric' });
    for (const part of format.formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    return parts;
  }

  const pad = (n) => String(n).padStart(2, '0');

  /** The bucket label of an instant, as the server writes it (weeks start on Monday). */
  function periodLabel(ms, bucket, timeZone) {
    const wall = wallClock(ms, timeZone);
    const date = `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
    if (bucket === 'hour') return `${date}T${pad(wall.hour)}:00`;
    if (bucket === 'day') return date;
    const day = Date.UTC(wall.year, wall.month - 1, wall.day);
    const start = new Date(day - ((new Date(day).getUTCDay() - 1 + 7) % 7) * 86_400_000);
    return `${start.getUTCFullYear()}-${pad(start.getUTCMonth() + 1)}-${pad(start.getUTCDate())}`;
  }

  async function fetchJson(url) {
    const response = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    const body = await response.json();
    if (!response.ok) throw new Error(body && body.error ? body.error.message : `HTTP ${response.status}`);
    return body;
  }

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function axes(formatY) {
    const stroke = cssVar('--muted');
    const grid = { stroke: cssVar('--grid'), width: 1 };
    return [
      { stroke, grid, ticks: grid },
      { stroke, grid, ticks: grid, size: 64, values: (u, values) => values.map(formatY) },
    ];
  }

  /**
   * A stacked bar chart: series[i].values per bucket. uPlot's data holds the running sums (series 1
   * is the total, each next one the total without the series above it), drawn largest first so each
   * key shows as its own band. `raw` keeps the values per key.
   */
  function stackedChart(element, options) {
    const { buckets, series, formatY, timeZone, until } = options;
    const stacked = (rows) => {
      const sums = [];
      let running = buckets.map(() => 0);
      for (let i = rows.length - 1; i >= 0; i--) {
        running = running.map((value, j) => value + (rows[i][j] ?? 0));
        sums.unshift(running);
      }
      return sums;
    };
    const raw = series.map((s) => s.values.slice());
    const make = () => {
      element.textContent = '';
      if (series.length === 0) {
        const empty = document.createElement('p');
        empty.className = 'chart-empty';
        empty.textContent = 'No usage in this range.';
        element.append(empty);
      }
      const opts = {
        width: Math.max(element.clientWidth, 200),
        height: element.classList.contains('chart-small') ? 180 : 260,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
        // Each bar starts at its bucket's start and the axis ends where the last bucket ends.
        scales: { x: { time: true, range: () => [buckets.length > 0 ? buckets[0].t : until - 3600, until] }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.08 : 1] } },
        axes: axes(formatY),
        cursor: { drag: { x: false, y: false } },
        legend: { live: true },
        series: [
          {},
          ...series.map((s, i) => ({
            label: fmt.key(s.key),
            stroke: PALETTE[i % PALETTE.length],
            fill: PALETTE[i % PALETTE.length],
            width: 0,
            points: { show: false },
            paths: uPlot.paths.bars({ size: [0.8, 48], align: 1 }),
            value: (u, v, si, idx) => (idx === null || idx === undefined ? '' : formatY(raw[si - 1][idx] ?? 0)),
          })),
        ],
      };
      return new uPlot(opts, [buckets.map((b) => b.t), ...stacked(raw)], element);
    };
    let plot = make();
    const resize = new ResizeObserver(() => {
      if (element.clientWidth > 0) plot.setSize({ width: element.clientWidth, height: plot.height });
    });
    resize.observe(element);
    return {
      get uplot() {
        return plot;
      },
      destroy() {
        resize.disconnect();
        plot.destroy();
      },
      keys: () => series.map((s) => s.key),
      raw,
      /** Adds `amount` at bucket `index` of series `key`; a new key rebuilds the chart. */
      add(key, index, amount) {
        let at = series.findIndex((s) => s.key === key);
        if (at < 0) {
          series.push({ key, values: buckets.map(() => 0) });
          raw.push(buckets.map(() => 0));
          at = series.length - 1;
          raw[at][index] += amount;
          plot.destroy();
          plot = make();
          return;
        }
        raw[at][index] += amount;
        plot.setData([buckets.map((b) => b.t), ...stacked(raw)]);
      },
    };
  }

  /** A line chart over time: `lines` are { label, values } aligned on `xs` (Unix seconds). */
  function lineChart(element, options) {
    const { xs, lines, formatY, timeZone, range } = options;
    element.textContent = '';
    const plot = new uPlot(
      {
        width: Math.max(element.clientWidth, 200),
        height: element.classList.contains('chart-small') ? 180 : 260,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
        scales: { x: { time: true, range: () => range }, y: { range: (u, min, max) => [0, Math.max(max, 100)] } },
        axes: axes(formatY),
        cursor: { drag: { x: false, y: false } },
        series: [{}, ...lines.map((line, i) => ({ label: line.label, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: true, value: (u, v) => (v === null ? '—' : formatY(v)) }))],
      },
      [xs, ...lines.map((line) => line.values)],
      element,
    );
    new ResizeObserver(() => {
      if (element.clientWidth > 0) plot.setSize({ width: element.clientWidth, height: plot.height });
    }).observe(element);
    return plot;
  }

  /** The range form: custom dates only with "Custom dates"; a new range gets its usual buckets. */
  function wireRangeForm() {
    const form = document.querySelector('[data-range-form]');
    if (form === null) return;
    const range = form.elements.namedItem('range');
    const bucket = form.elements.namedItem('bucket');
    const defaults = { '24h': 'hour', '7d': 'day', '30d': 'day', custom: 'day' };
    const sync = () => form.classList.toggle('is-preset', range.value !== 'custom');
    sync();
    range.addEventListener('change', () => {
      sync();
      if (bucket !== null) bucket.value = defaults[range.value] ?? 'day';
    });
  }

  /** Remember the browser's zone for the server's next page; re-render once if this one used another. */
  function syncTimeZone() {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    const cookie = document.cookie.split('; ').find((c) => c.startsWith('nexus_tz='));
    const stored = cookie === undefined ? null : decodeURIComponent(cookie.slice('nexus_tz='.length));
    if (stored === zone) return;
    document.cookie = `nexus_tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=strict`;
    const url = new URL(location.href);
    if (document.body.dataset.tz !== zone && !url.searchParams.has('tz') && document.querySelector('.login') === null) location.reload();
  }

  /** Fills each `data-fragment` placeholder with the HTML the server renders at its URL. */
  async function loadFragments() {
    for (const element of document.querySelectorAll('[data-fragment]')) {
      try {
        const response = await fetch(element.dataset.fragment, { credentials: 'same-origin' });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        // Our own server's HTML, rendered and escaped by the same components as the page.
        element.innerHTML = await response.text();
      } catch (error) {
        element.textContent = `Could not load this part: ${error.message}`;
      }
      element.removeAttribute('aria-busy');
      element.dataset.loaded = 'true';
    }
  }

  window.Nexus = { fmt, usdToPico, picoToUsd, usd, periodLabel, fetchJson, stackedChart, lineChart, charts: {} };
  // What the charts draw, for people poking at the page (and for the browser tests).
  window.nexusCharts = window.Nexus.charts;

  document.addEventListener('DOMContentLoaded', () => {
    syncTimeZone();
    wireRangeForm();
    void loadFragments();
  });
})();
