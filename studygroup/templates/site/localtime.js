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
  var clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  var times = document.querySelectorAll("time[data-local]");
  for (var i = 0; i < times.length; i++) {
    var when = new Date(times[i].getAttribute("datetime"));
    if (isNaN(when.getTime())) {
      continue;
    }
    times[i].title = times[i].textContent;
    // data-local="time": an agenda's clock time alone; otherwise the day and the time
    var shown = times[i].getAttribute("data-local") === "time" ? clock : format;
    times[i].textContent = shown.format(when);
  }
  var captions = document.querySelectorAll("[data-zone-caption]");
  for (var k = 0; k < captions.length; k++) {
    captions[k].textContent = "Times in your time zone, " + zone;
  }
  var notes = document.querySelectorAll("[data-zone-note]");
  for (var j = 0; j < notes.length; j++) {
    notes[j].textContent = "Times are shown in your time zone, " + zone +
      ". Hover over a time for the course's own.";
  }
})();
