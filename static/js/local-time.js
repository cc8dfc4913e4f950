// Moments the server wrote in the site's time zone (<time datetime data-local-time>), rewritten
// in the visitor's own time zone and language. Without JavaScript the server's text stays.
(function () {
  "use strict";
  const times = document.querySelectorAll("time[data-local-time]");
  if (!times.length || !window.Intl) return;
  const format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  });
  times.forEach(function (time) {
    const moment = new Date(time.getAttribute("datetime"));
    if (isNaN(moment.getTime())) return;
    time.title = time.textContent;
    time.textContent = format.format(moment);
  });
})();
