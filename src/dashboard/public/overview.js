// Overview page: draws the cost and token charts from /api/dashboard/overview, then applies each
// record of the live feed (/api/live) to the totals, the charts and the latest-requests strip.
'use strict';

(function () {
  const { fmt, usdToPico, picoToUsd, periodLabel, fetchJson, stackedChart } = window.Nexus;
  const OTHER = '(other)';
  const LATEST_KEPT = 10;

  /** Totals kept exact (pico-dollars as BigInt) while live records add to them. */
  function exactTotals(totals) {
    return {
      requests: totals.requests,
      errors: totals.errors,
      totalTokens: totals.totalTokens,
      inputTokens: totals.inputTokens,
      cacheWriteTokens: totals.cacheWriteTokens,
      cacheReadTokens: totals.cacheReadTokens,
      unpricedRequests: totals.unpricedRequests,
      cost: usdToPico(totals.costUsd),
      saved: usdToPico(totals.cacheSavedUsd),
    };
  }

  const hitRatio = (t) => {
    const prompt = t.inputTokens + t.cacheWriteTokens + t.cacheReadTokens;
    return prompt === 0 ? null : t.cacheReadTokens / prompt;
  };
  const errorRate = (t) => (t.requests === 0 ? null : t.errors / t.requests);

  function setStat(name, value, text, change) {
    const output = document.querySelector(`[data-total="${name}"]`);
    if (output === null) return;
    output.dataset.value = value;
    output.textContent = text;
    const changed = document.querySelector(`[data-change="${name}"]`);
    if (changed !== null && change !== undefined) changed.textContent = change;
  }

  function renderTotals(now, before) {
    setStat('costUsd', picoToUsd(now.cost), fmt.usd(picoToUsd(now.cost)), `${fmt.change(Number(picoToUsd(now.cost)), Number(picoToUsd(before.cost)))} vs ${fmt.usd(picoToUsd(before.cost))}`);
    setStat('totalTokens', String(now.totalTokens), fmt.compact(now.totalTokens), `${fmt.change(now.totalTokens, before.totalTokens)} vs ${fmt.compact(before.totalTokens)}`);
    setStat('requests', String(now.requests), fmt.count(now.requests), `${fmt.change(now.requests, before.requests)} vs ${fmt.count(before.requests)}`);
    setStat('errorRate', String(errorRate(now) ?? ''), fmt.percent(errorRate(now)), `${fmt.count(now.errors)} failed · before ${fmt.percent(errorRate(before))}`);
    setStat('cacheHitRatio', String(hitRatio(now) ?? ''), fmt.percent(hitRatio(now)));
    setStat('cacheSavedUsd', picoToUsd(now.saved), fmt.usd(picoToUsd(now.saved)));
  }

  function prependLatest(record, timeZone) {
    const list = document.querySelector('[data-latest]');
    if (list === null) return;
    for (const empty of list.querySelectorAll('li.empty')) empty.remove();
    if (list.querySelector(`li[data-id="${CSS.escape(record.id)}"]`) !== null) return;
    const item = document.createElement('li');
    item.dataset.id = record.id;
    item.className = 'is-new';
    if (record.status >= 400 || record.outcome === 'failed') item.classList.add('is-error');
    const cell = (tag, className, text) => {
      const element = document.createElement(tag);
      if (className) element.className = className;
      element.textContent = text;
      item.append(element);
      return element;
    };
    const link = cell('a', '', '');
    link.href = `/requests/${encodeURIComponent(record.id)}`;
    const time = document.createElement('time');
    time.textContent = fmt.dateTime(Date.parse(record.startedAt), timeZone);
    time.setAttribute('datetime', record.startedAt);
    link.append(time);
    cell('span', 'strip-model', fmt.key(record.model));
    cell('span', 'strip-account', record.account);
    cell('span', 'strip-status', record.status === 0 ? record.outcome : String(record.status));
    cell('span', 'strip-tokens', `${fmt.compact(record.inputTokens + record.outputTokens + record.cacheWriteTokens + record.cacheReadTokens)} tok`);
    cell('span', 'strip-cost', fmt.usd(record.costUsd));
    list.prepend(item);
    while (list.children.length > LATEST_KEPT) list.lastElementChild.remove();
  }

  /** The page's state: the range, the charts and the exact totals, rebuilt from the server by load(). */
  const state = { data: null, charts: {}, now: null, before: null };

  async function load(root) {
    const data = await fetchJson(root.dataset.api);
    const until = Date.parse(data.range.until);
    for (const element of document.querySelectorAll('[data-chart]')) {
      const metric = element.dataset.chart;
      const formatY = metric === 'costUsd' ? (v) => `$${v < 1 && v > 0 ? v.toFixed(4) : v.toFixed(2)}` : (v) => fmt.compact(v);
      state.charts[metric]?.destroy();
      state.charts[metric] = stackedChart(element, {
        buckets: data.buckets,
        series: data.series.map((s) => ({ key: s.key, values: s[metric] })),
        formatY,
        timeZone: data.range.tz,
        until: until / 1000,
      });
      window.Nexus.charts[metric] = state.charts[metric];
    }
    state.data = data;
    state.now = exactTotals(data.totals);
    state.before = exactTotals(data.previous);
    renderTotals(state.now, state.before);
  }

  /** One live record: into the totals, its bucket of each chart, and the strip. */
  function apply(record) {
    const { range, buckets } = state.data;
    const at = Date.parse(record.startedAt);
    if (at >= Date.parse(range.until)) {
      // The range moved on (a new hour began): the server draws the new one.
      location.reload();
      return;
    }
    if (at < Date.parse(range.since)) return;
    const { now, before, charts } = state;
    const tokens = record.inputTokens + record.outputTokens + record.cacheWriteTokens + record.cacheReadTokens;
    now.requests += 1;
    if (record.status >= 400 || record.outcome === 'failed') now.errors += 1;
    now.totalTokens += tokens;
    now.inputTokens += record.inputTokens;
    now.cacheWriteTokens += record.cacheWriteTokens;
    now.cacheReadTokens += record.cacheReadTokens;
    if (record.costUsd === null && tokens > 0) now.unpricedRequests += 1;
    now.cost += usdToPico(record.costUsd);
    now.saved += usdToPico(record.cacheSavedUsd);
    renderTotals(now, before);
    const index = buckets.findIndex((b) => b.period === periodLabel(at, range.bucket, range.tz));
    const cost = Number(record.costUsd ?? 0);
    // A request with nothing to draw (an error, a model list) must not add an empty series.
    if (index >= 0 && (tokens > 0 || cost > 0)) {
      const key = range.by === 'model' ? (record.model ?? '') : record[range.by];
      const keys = charts.costUsd?.keys() ?? [];
      const target = !keys.includes(key) && keys.includes(OTHER) ? OTHER : key;
      charts.costUsd?.add(target, index, cost);
      charts.tokens?.add(target, index, tokens);
    }
    prependLatest(record, range.tz);
  }

  async function start() {
    const root = document.querySelector('[data-overview]');
    if (root === null) return;
    try {
      await load(root);
    } catch (error) {
      for (const element of document.querySelectorAll('[data-chart]')) element.textContent = `Could not load the chart: ${error.message}`;
      return;
    }
    root.dataset.ready = 'true';
    if (root.dataset.live !== 'on') return;

    const badge = document.querySelector('[data-live-status]');
    const source = new EventSource('/api/live');
    let missed = false;
    source.addEventListener('open', () => {
      badge?.classList.remove('is-off');
      root.dataset.liveConnected = 'true';
      // Records written while the stream was down never arrive: read the figures again.
      if (missed) {
        missed = false;
        load(root).catch(() => undefined);
      }
    });
    source.addEventListener('error', () => {
      missed = true;
      badge?.classList.add('is-off');
    });
    source.addEventListener('request', (event) => apply(JSON.parse(event.data)));
    window.addEventListener('pagehide', () => source.close());
  }

  document.addEventListener('DOMContentLoaded', () => {
    void start();
  });
})();
