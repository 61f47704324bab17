// Every <time data-local> shows its moment in the viewer's own time zone; the course's time
// stays in its title. Nothing is loaded from elsewhere, and the page reads the same without
// this script (the text holds the course's time and UTC).
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) {
    return;
  }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var format = new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short"
  });
  var times = document.querySelectorAll("time[data-local]");
  for (var i = 0; i < times.length; i++) {
    var when = new Date(times[i].getAttribute("datetime"));
    if (isNaN(when.getTime())) {
      continue;
    }
    times[i].title = times[i].textContent;
    times[i].textContent = format.format(when);
  }
  var notes = document.querySelectorAll("[data-zone-note]");
  for (var j = 0; j < notes.length; j++) {
    notes[j].textContent = "Times are shown in your time zone, " + zone +
      ". Hover over a time for the course's own.";
  }
})();
