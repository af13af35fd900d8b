// Accounts page: one utilization chart per account (5-hour and 7-day, in %), from /api/dashboard/utilization.
'use strict';

(function () {
  const { fetchJson, lineChart } = window.Nexus;

  async function start() {
    const root = document.querySelector('[data-accounts]');
    if (root === null) return;
    let data;
    try {
      data = await fetchJson(root.dataset.api);
    } catch (error) {
      for (const element of root.querySelectorAll('[data-utilization-chart]')) element.textContent = `Could not load the history: ${error.message}`;
      return;
    }
    const timeZone = document.body.dataset.tz || 'UTC';
    const range = [Date.parse(data.since) / 1000, Date.parse(data.until) / 1000];
    for (const element of root.querySelectorAll('[data-utilization-chart]')) {
      const account = element.dataset.utilizationChart;
      const points = data.points.filter((point) => point.account === account);
      if (points.length === 0) {
        element.classList.remove('chart-small');
        element.textContent = 'No utilization reported in this range.';
        element.classList.add('chart-empty');
        continue;
      }
      const percent = (value) => (value === null ? null : Math.round(value * 1000) / 10);
      const plot = lineChart(element, {
        xs: points.map((point) => Date.parse(point.at) / 1000),
        lines: [
          { label: '5-hour %', values: points.map((point) => percent(point.fiveHour)) },
          { label: '7-day %', values: points.map((point) => percent(point.sevenDay)) },
        ],
        formatY: (v) => `${Math.round(v)}%`,
        timeZone,
        range,
      });
      window.Nexus.charts[`utilization:${account}`] = plot;
    }
    root.dataset.ready = 'true';
  }

  document.addEventListener('DOMContentLoaded', () => {
    void start();
  });
})();
