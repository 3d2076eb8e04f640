// The console's one script: live countdowns, and the open offers fetched every few seconds so that a new
// offer shows without a reload (the bell counts them) and a closed one says so and disappears. Every action
// stays a plain form post: the console works without this script, only less live.
"use strict";

(function () {
  const POLL_MS = 2500;
  const root = document.body.dataset.root || "/app";
  const live = document.body.dataset.live === "offers";
  const list = document.getElementById("offers");
  const bell = document.getElementById("bell-count");
  const notice = document.getElementById("live-notice");
  const empty = document.getElementById("no-offers");

  function words(seconds) {
    if (seconds <= 0) return "Closed: the time ran out";
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    if (minutes >= 60) return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min left";
    return (minutes ? minutes + " min " : "") + rest + " s left";
  }

  function tick() {
    document.querySelectorAll("[data-expires-at]").forEach(function (item) {
      const left = Math.max(0, Math.round((Date.parse(item.dataset.expiresAt) - Date.now()) / 1000));
      const label = item.querySelector(".time-left");
      if (label) label.textContent = words(left);
      if (left === 0) {
        item.classList.add("closed");
        item.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
      }
    });
  }

  function say(text) {
    if (!notice) return;
    const line = document.createElement("p");
    line.className = "notice";
    line.textContent = text;
    notice.replaceChildren(line);
  }

  function ids(container) {
    return new Set(Array.from(container.querySelectorAll("[data-offer-id]"), function (item) {
      return item.dataset.offerId;
    }));
  }

  async function poll() {
    let answer;
    try {
      answer = await fetch(root + "/offers/live", { credentials: "same-origin", headers: { Accept: "text/html" } });
    } catch (error) {
      return; // offline for a moment: the next poll tries again
    }
    if (answer.redirected || answer.status === 401) {
      window.location.assign(root + "/sign-in");
      return;
    }
    if (!answer.ok) return;
    const count = answer.headers.get("X-Offer-Count");
    if (bell && count !== null) bell.textContent = count;
    if (!list) return;
    const fresh = document.createElement("template");
    fresh.innerHTML = await answer.text();
    const before = ids(list);
    const after = ids(fresh.content);
    const closed = Array.from(before).filter(function (id) { return !after.has(id); });
    const added = Array.from(after).filter(function (id) { return !before.has(id); });
    if (!closed.length && !added.length) return; // unchanged: keep the focus where it is
    closed.forEach(function (id) {
      const gone = list.querySelector('[data-offer-id="' + id + '"]');
      if (gone) gone.remove();
    });
    Array.from(fresh.content.querySelectorAll("[data-offer-id]")).reverse().forEach(function (item) {
      if (!before.has(item.dataset.offerId)) list.prepend(item);
    });
    if (empty) empty.hidden = list.children.length > 0;
    if (closed.length) {
      say(closed.length === 1
        ? "An offer closed: another agent took the lead or its time ran out."
        : closed.length + " offers closed: taken by other agents or out of time.");
    } else {
      say(added.length === 1 ? "A new lead to claim." : added.length + " new leads to claim.");
    }
    tick();
  }

  tick();
  window.setInterval(tick, 1000);
  if (live) {
    poll();
    window.setInterval(poll, POLL_MS);
  }
})();
