// Site-wide behaviour. Each feature finds its own elements and does nothing where they are absent.
(function () {
  "use strict";
  // Mark the current section in the header navigation.
  const path = window.location.pathname;
  document.querySelectorAll(".site-nav a[href^='/']").forEach(function (link) {
    const href = link.getAttribute("href");
    if (href !== "/" && path.startsWith(href)) link.setAttribute("aria-current", "page");
  });
})();
