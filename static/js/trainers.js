// Find a Trainer: "Use my location" and the results map. The search form and the list
// work without this file; it only adds to them.
(function () {
  "use strict";

  const form = document.querySelector(".trainer-search");
  if (form) {
    const where = form.querySelector("input[name=q]");
    const lat = form.querySelector("input[name=lat]");
    const lng = form.querySelector("input[name=lng]");
    const locate = form.querySelector("[data-locate]");
    const status = form.querySelector("[data-locate-status]");

    // Typing a place replaces a location the browser gave earlier.
    where.addEventListener("input", function () {
      lat.value = "";
      lng.value = "";
    });

    if (locate && "geolocation" in navigator) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        status.textContent = "Finding your location…";
        locate.disabled = true;
        navigator.geolocation.getCurrentPosition(
          function (position) {
            lat.value = position.coords.latitude.toFixed(5);
            lng.value = position.coords.longitude.toFixed(5);
            where.value = "";
            status.textContent = "";
            form.submit();
          },
          function () {
            status.textContent = "We couldn't get your location. Type a ZIP code or city instead.";
            locate.disabled = false;
          },
          { timeout: 10000, maximumAge: 600000 }
        );
      });
    }
  }

  const mapElement = document.getElementById("trainer-map");
  if (!mapElement || !window.L) return;

  fetch(mapElement.dataset.searchUrl, { headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.ok ? response.json() : Promise.reject(response.status);
    })
    .then(function (data) {
      // The list takes the full width until there is a map to put beside it.
      mapElement.hidden = false;
      mapElement.parentElement.classList.add("trainer-results__body--with-map");
      const map = L.map(mapElement, { scrollWheelZoom: false });
      L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
        maxZoom: 19,
        attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
      }).addTo(map);
      // Leaflet guesses its image folder from leaflet.css's URL, which hashed static file
      // names break; the template hands over the real (hashed) URLs instead.
      const icon = L.icon({
        iconUrl: mapElement.dataset.markerIcon,
        iconRetinaUrl: mapElement.dataset.markerIcon2x,
        shadowUrl: mapElement.dataset.markerShadow,
        iconSize: [25, 41],
        iconAnchor: [12, 41],
        popupAnchor: [1, -34],
        tooltipAnchor: [16, -28],
        shadowSize: [41, 41],
      });
      const centre = [data.place.latitude, data.place.longitude];
      const points = [centre];
      L.circleMarker(centre, { radius: 7, color: "#e07a2f", fillOpacity: 0.9 })
        .addTo(map)
        .bindTooltip(data.place.label);
      data.results.forEach(function (trainer) {
        const point = [trainer.latitude, trainer.longitude];
        points.push(point);
        const popup = document.createElement("div");
        const link = document.createElement("a");
        link.href = trainer.url;
        link.textContent = trainer.name;
        const meta = document.createElement("div");
        meta.textContent = [trainer.area, trainer.distance].filter(Boolean).join(" · ");
        popup.append(link, meta);
        L.marker(point, { icon: icon, title: trainer.name, alt: trainer.name }).addTo(map).bindPopup(popup);
      });
      map.fitBounds(L.latLngBounds(points).pad(0.15), { maxZoom: 12 });
    })
    .catch(function () {
      mapElement.hidden = true;
    });
})();
