// A background job's admin page: poll its status every second while it runs, keep the
// progress bar and figures up to date, and reload the page (to show the report) when it ends.
(function () {
  "use strict";
  var section = document.querySelector("[data-job-status-url]");
  if (!section || !section.dataset.jobStatusUrl) return;
  var url = section.dataset.jobStatusUrl;
  var bar = section.querySelector("[data-job-progress]");
  var failures = 0;

  function show(state) {
    section.querySelectorAll("[data-job-field]").forEach(function (node) {
      var value = state[node.dataset.jobField];
      if (value === undefined || value === null) return;
      if (node.dataset.jobField === "updated_at") {
        node.setAttribute("datetime", value);
        value = new Date(value).toLocaleTimeString();
      }
      node.textContent = value;
    });
    if (bar) {
      bar.max = Math.max(state.total, 1);
      bar.value = state.progress;
      bar.textContent = state.percent + "%";
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        show(state);
        if (state.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        failures += 1;
        // The server may be restarting: back off, up to half a minute between tries.
        window.setTimeout(poll, Math.min(30000, 1000 * Math.pow(2, failures)));
      });
  }

  window.setTimeout(poll, 500);
})();
