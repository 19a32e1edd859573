// The timeline: every notification as it came, newest first, each expandable to its JSON document and
// filterable by agent, topic and type (the filters offer what has been seen).
"use strict";

import { $, el } from "/console/dom.js";

function typeOf(data) {
  return (data && (data.messageType || data.notificationType)) || (data && data.channels ? "Channels" : "-");
}

function addOption(select, value, text) {
  if (![...select.options].some((option) => option.value === value)) select.append(el("option", { value }, text || value));
}

export function addEntry(timeline, entry) {
  entry.type = typeOf(entry.data);
  timeline.push(entry);
  addOption($("filter-user"), entry.user, entry.userName);
  addOption($("filter-topic"), entry.channel);
  addOption($("filter-type"), entry.type);
  const item = el("li", { "data-type": entry.type, "data-topic": entry.channel, "data-user": entry.user },
    el("details", {},
      el("summary", {}, el("span", { class: "seq" }, entry.seq ? `#${entry.seq} t=${entry.time.toFixed(1)} ` : ""),
        el("strong", {}, entry.type), " ", el("span", { class: "topic" }, entry.channel), " → ", entry.userName),
      el("pre", {}, JSON.stringify(entry.data, null, 2))));
  item.hidden = !visible(item);
  $("events").prepend(item);
  $("timeline-count").textContent = `(${timeline.length})`;
}

function visible(item) {
  const [user, topic, type] = ["filter-user", "filter-topic", "filter-type"].map((id) => $(id).value);
  return (!user || item.dataset.user === user) && (!topic || item.dataset.topic === topic) && (!type || item.dataset.type === type);
}

function filter() {
  for (const item of $("events").children) item.hidden = !visible(item);
}

export function installFilters() {
  for (const id of ["filter-user", "filter-topic", "filter-type"]) $(id).addEventListener("change", filter);
}
