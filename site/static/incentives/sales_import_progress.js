/*
 * The sales import page follows the task worker without reloading itself.
 *
 * Every two seconds it asks the job's progress address how far the worker is and
 * updates the bar and the sentence under it. The status line above the bar is a
 * polite live region: it changes, and so is announced by screen readers, only when
 * the phase does (queued, reading, checking), not at every count. When the job
 * ends the page loads again to show the report, and the focus moves to the
 * report's heading. Without JavaScript the Refresh button does the same.
 */
(() => {
  const EVERY_MS = 2000;
  const FOCUS_KEY = "sales-import-report";

  if (window.sessionStorage.getItem(FOCUS_KEY)) {
    window.sessionStorage.removeItem(FOCUS_KEY);
    const heading = document.getElementById("import-result-title");
    if (heading) heading.focus();
  }

  const section = document.querySelector("[data-sales-import-progress]");
  if (!section) return;
  const url = section.dataset.salesImportProgress;
  const bar = section.querySelector("progress");
  const phase = section.querySelector("[data-sales-import-phase]");
  const detail = section.querySelector("[data-sales-import-detail]");

  const poll = async () => {
    let wait = EVERY_MS;
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(response.statusText);
      const job = await response.json();
      if (job.finished) {
        window.sessionStorage.setItem(FOCUS_KEY, "1");
        window.location.reload();
        return;
      }
      if (job.determinate) {
        bar.max = job.rows_total;
        bar.value = job.rows_read;
      } else {
        bar.removeAttribute("value");
      }
      bar.textContent = job.detail;
      detail.textContent = job.detail;
      if (phase.textContent !== job.phase) phase.textContent = job.phase;
    } catch (error) {
      // A dropped connection or a restarting server: keep asking, less often.
      wait = EVERY_MS * 5;
    }
    window.setTimeout(poll, wait);
  };
  window.setTimeout(poll, EVERY_MS);
})();
