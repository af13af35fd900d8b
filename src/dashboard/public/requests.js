// Requests page: on the first page of a range that reaches now, each request the live feed
// (/api/live) announces brings the rows newer than the top one, rendered by the server with the
// page's own filters (/requests/rows), so a row appears only if it matches and reads the same.
'use strict';

(function () {
  const { fmt } = window.Nexus;

  /** Fetches the rows above the newest shown, as many rounds as the server says there are more. */
  function createPuller(root) {
    const tbody = root.querySelector('tbody');
    const count = document.querySelector('[data-count]');
    let running = null;
    let again = false;

    async function round() {
      const top = tbody.querySelector('tr[data-cursor]');
      const url = new URL(root.dataset.rows, location.href);
      if (top !== null) url.searchParams.set('after', top.dataset.cursor);
      const response = await fetch(url, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const template = document.createElement('template');
      // Our own server's rows, rendered and escaped by the same component as the page's.
      template.innerHTML = await response.text();
      const rows = [...template.content.querySelectorAll('tr[data-id]')].filter((row) => tbody.querySelector(`tr[data-id="${CSS.escape(row.dataset.id)}"]`) === null);
      if (rows.length > 0) {
        for (const empty of tbody.querySelectorAll('tr.empty-row')) empty.remove();
        for (const row of rows) row.classList.add('is-new');
        tbody.prepend(...rows);
        if (count !== null && count.dataset.exact === 'true') {
          const total = Number(count.dataset.value) + rows.length;
          count.dataset.value = String(total);
          count.textContent = fmt.count(total);
        }
      }
      return response.headers.get('x-more') === '1';
    }

    return function pull() {
      if (running !== null) {
        again = true;
        return running;
      }
      running = (async () => {
        try {
          do {
            again = false;
            if (await round()) again = true;
          } while (again);
        } catch (error) {
          root.dataset.liveError = error.message;
        } finally {
          running = null;
        }
      })();
      return running;
    };
  }

  function start() {
    const root = document.querySelector('[data-requests]');
    if (root === null || root.dataset.live !== 'on') return;
    const pull = createPuller(root);
    const badge = document.querySelector('[data-live-status]');
    const source = new EventSource('/api/live');
    // True at first too: requests written between the page's rendering and the stream's opening
    // were never announced to it, as those written while the stream was down. Ask for them now.
    let missed = true;
    source.addEventListener('open', () => {
      badge?.classList.remove('is-off');
      root.dataset.liveConnected = 'true';
      if (missed) {
        missed = false;
        void pull();
      }
    });
    source.addEventListener('error', () => {
      missed = true;
      badge?.classList.add('is-off');
    });
    source.addEventListener('request', () => void pull());
    window.addEventListener('pagehide', () => source.close());
  }

  document.addEventListener('DOMContentLoaded', start);
})();
