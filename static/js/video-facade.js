// Light video facade: the provider's iframe is built only when the visitor presses play,
// so a page load makes no request to YouTube or Vimeo. Elements with data-video-start="SECONDS"
// (timestamped highlights) start the page's first video at that moment, and so does a
// `?t=SECONDS` in the page's URL (the Clip URLs in the episode's JSON-LD).
(function () {
  "use strict";

  function withStart(src, provider, seconds) {
    if (!seconds) return src;
    if (provider === "vimeo") return src + "#t=" + seconds + "s";
    return src + "&start=" + seconds;
  }

  function play(facade, seconds) {
    const iframe = document.createElement("iframe");
    iframe.className = "video__iframe";
    iframe.src = withStart(facade.dataset.videoEmbed, facade.dataset.videoProvider, seconds);
    iframe.title = facade.dataset.videoTitle || "Video player";
    iframe.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    iframe.allowFullscreen = true;
    iframe.dataset.videoEmbed = facade.dataset.videoEmbed;
    iframe.dataset.videoProvider = facade.dataset.videoProvider;
    facade.replaceWith(iframe);
    iframe.focus();
  }

  function seek(container, seconds) {
    const native = container.querySelector("video");
    if (native) {
      native.currentTime = seconds;
      native.play();
      return;
    }
    const facade = container.querySelector("[data-video-embed]");
    if (!facade) return;
    if (facade.tagName === "IFRAME") {
      facade.src = withStart(facade.dataset.videoEmbed, facade.dataset.videoProvider, seconds);
    } else {
      play(facade, seconds);
    }
  }

  document.addEventListener("click", function (event) {
    const facade = event.target.closest("button[data-video-embed]");
    if (facade) {
      play(facade, parseInt(facade.dataset.videoStartAt, 10) || 0);
      return;
    }
    const jump = event.target.closest("[data-video-start]");
    const container = document.querySelector("[data-video]");
    if (jump && container) {
      event.preventDefault();
      seek(container, parseInt(jump.dataset.videoStart, 10) || 0);
      container.scrollIntoView({ behavior: "smooth", block: "center" });
    }
  });

  // A clip link opens the page with the player set to its moment; nothing loads until play.
  const start = parseInt(new URLSearchParams(window.location.search).get("t"), 10);
  const container = document.querySelector("[data-video]");
  if (start > 0 && container) {
    const native = container.querySelector("video");
    const facade = container.querySelector("button[data-video-embed]");
    if (native) {
      const cue = function () {
        native.currentTime = start;
      };
      if (native.readyState >= 1) cue();
      else native.addEventListener("loadedmetadata", cue, { once: true });
    } else if (facade) {
      facade.dataset.videoStartAt = String(start);
    }
  }
})();
