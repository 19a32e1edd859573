// The console's page: sign in, load the agents over REST, then keep every card and the timeline live
// from CometD notifications. An admin's page subscribes to the console feed (every user's notifications,
// tagged with the user); an agent's page to their own /v2/me topics.
"use strict";

import { BayeuxClient } from "/console/bayeux.js";
import { $, el } from "/console/dom.js";
import { Recorder } from "/console/recorder.js";
import { addEntry, installFilters } from "/console/timeline.js";

const AGENT_TOPICS = ["/v2/me/calls", "/v2/me/devices", "/v2/me/channels", "/v2/me/interactions", "/v2/me/workbins", "/v2/me"];
const CONSOLE = "/sim/console";
const STATE_OPERATIONS = ["StartContactCenterSession", "Ready", "NotReady", "AfterCallWork", "DoNotDisturbOn", "DoNotDisturbOff", "EndContactCenterSession"];
const ENDED = ["Released", "Completed", "Revoked"];

// What the page knows; tests read it through window.gwsim.
const state = { auth: null, me: null, admin: false, cards: new Map(), byDevice: new Map(), timeline: [], client: null };
window.gwsim = state;
const recorder = new Recorder();

function say(text, isError = false) {
  $("messages").prepend(el("li", { class: isError ? "error" : "" }, text));
}

// One REST request as the signed-in user; a refusal is shown with the reference's statusMessage.
async function api(method, path, body) {
  const options = { method, headers: { Authorization: state.auth }, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const document = await response.json().catch(() => ({}));
  if (!response.ok || (document.statusCode !== undefined && document.statusCode !== 0)) {
    const problem = new Error(`${method} ${path}: ${document.statusMessage || response.status}`);
    problem.document = document;
    throw problem;
  }
  return document;
}

// `step` (and `kind`, the name its answer's id is saved under) is the action as a scenario step, kept
// when recording.
async function act(what, method, path, body, step, kind) {
  const recorded = step ? recorder.action(step, kind) : () => {};
  try {
    const answer = await api(method, path, body);
    recorded(answer);
    say(`${what}: done`);
    return answer;
  } catch (problem) {
    recorded(null);
    say(problem.message, true);
    return null;
  }
}

// ----- cards -----------------------------------------------------------------------------------------

function cardOf(userId) {
  let card = state.cards.get(userId);
  if (!card) {
    card = { user: { id: userId, userName: userId }, devices: {}, channels: {}, calls: {}, interactions: {}, node: null };
    state.cards.set(userId, card);
  }
  return card;
}

function addUser(user) {
  const card = cardOf(user.id);
  card.user = user;
  for (const device of user.devices || []) {
    card.devices[device.id] = device;
    state.byDevice.set(device.id, user.id);
  }
  for (const channel of user.channels || []) card.channels[channel.channel || channel.id] = channel;
  return card;
}

// A notification changes the card of the user it was delivered to.
function apply(userId, topic, data) {
  const card = cardOf(userId);
  if (topic === "/v2/me/calls" && data.call) {
    if (ENDED.includes(data.call.state)) delete card.calls[data.call.id];
    else card.calls[data.call.id] = data.call;
  } else if (topic === "/v2/me/devices") {
    for (const device of data.devices || []) card.devices[device.id] = device;
  } else if (topic === "/v2/me/channels") {
    for (const channel of data.channels || []) card.channels[channel.channel || channel.id] = channel;
  } else if (topic === "/v2/me/interactions" && data.interaction) {
    if (ENDED.includes(data.interaction.state)) delete card.interactions[data.interaction.id];
    else card.interactions[data.interaction.id] = data.interaction;
  }
  renderCard(card);
}

function stateOf(userState) {
  if (!userState) return el("span", { class: "pill" }, "?");
  return el("span", { class: `pill ${userState.state}` }, userState.displayName || userState.state);
}

function userDataView(userData) {
  const pairs = Object.entries(userData || {});
  return pairs.length ? el("div", { class: "kv" }, pairs.map(([key, value]) => `${key}=${JSON.stringify(value)} `)) : null;
}

function callView(card, call) {
  const mine = state.me && card.user.id === state.me.id;
  const buttons = el("div", { class: "buttons" });
  if (mine) {
    for (const operation of call.capabilities || []) {
      buttons.append(el("button", { "data-operation": operation, onclick: () => act(operation, "POST", `/api/v2/me/calls/${call.id}`, { operationName: operation }) }, operation));
    }
  }
  if (state.admin) {
    buttons.append(el("button", { class: "secondary", onclick: () => act("Caller hangs up", "POST", `/sim/calls/${call.id}`, { operationName: "Hangup" }, { customer: "hangup", call: call.id }) }, "Caller hangs up"));
    buttons.append(el("button", { class: "secondary", onclick: () => {
      const digits = prompt("Keys the caller presses", "1");
      if (digits) act("Caller presses keys", "POST", `/sim/calls/${call.id}`, { operationName: "SendDtmf", digits }, { customer: "dtmf", call: call.id, digits });
    } }, "Caller presses keys"));
  }
  return el("div", { class: "item call", "data-call": call.id },
    el("span", { class: `call-state ${call.state}` }, call.state), " ",
    el("strong", {}, (call.participants || []).map((p) => (typeof p === "string" ? p : p.number || p.phoneNumber)).join(", ") || "call"),
    el("div", { class: "kv" }, `${call.callType || ""} ${call.id} · recording ${call.recordingState || "-"} · mute ${call.mute || "-"}`),
    userDataView(call.userData),
    buttons);
}

function interactionView(card, interaction) {
  const mine = state.me && card.user.id === state.me.id;
  const content = interaction.content || {};
  const last = (content.events || []).filter((event) => event.text).slice(-1)[0];
  const buttons = el("div", { class: "buttons" });
  if (mine) {
    for (const operation of interaction.capabilities || []) {
      buttons.append(el("button", { "data-operation": operation, onclick: () => act(operation, "POST", `/api/v2/me/interactions/${interaction.id}`, { operationName: operation }) }, operation));
    }
  }
  if (state.admin && interaction.channel === "chat") {
    buttons.append(el("button", { class: "secondary", onclick: () => {
      const text = prompt("The visitor writes", "Thank you");
      if (text) act("Visitor writes", "POST", `/sim/chats/${interaction.id}`, { operationName: "SendMessage", text }, { visitor: "message", chat: interaction.id, text });
    } }, "Visitor writes"));
  }
  return el("div", { class: "item interaction", "data-interaction": interaction.id },
    el("span", { class: `call-state ${interaction.state}` }, interaction.state), " ",
    el("strong", {}, interaction.channel), " ", content.subject || interaction.subject || "",
    interaction.currentQueue ? el("div", { class: "kv" }, `${interaction.type || ""} via ${interaction.currentQueue}`) : null,
    last ? el("div", { class: "kv" }, `${last.nickName || ""}: ${last.text}`) : null,
    content.from ? el("div", { class: "kv" }, `from ${content.from}`) : null,
    userDataView(interaction.userData),
    buttons);
}

function renderCard(card) {
  const user = card.user;
  const devices = Object.values(card.devices);
  const channels = Object.values(card.channels);
  const rows = channels.length
    ? channels.map((channel) => [el("span", {}, channel.channel || channel.id), stateOf(channel.userState), el("span", { class: `pill dnd-${channel.dndState}` }, `DND ${channel.dndState}`)])
    : devices.map((device) => [el("span", {}, `voice ${device.phoneNumber}`), stateOf(device.userState), el("span", { class: `pill dnd-${device.doNotDisturb}` }, `DND ${device.doNotDisturb}`)]);
  const node = el("article", { class: "card", "data-user": user.id, "data-username": user.userName },
    el("h2", {}, [user.firstName, user.lastName].filter(Boolean).join(" ") || user.userName),
    el("div", { class: "sub" }, `${user.userName} · ${devices.map((d) => d.phoneNumber).join(", ") || "no phone"} · DND ${user.doNotDisturb || "Off"}`),
    el("div", { class: "channels" }, rows.flat()),
    Object.values(card.calls).map((call) => callView(card, call)),
    Object.values(card.interactions).map((interaction) => interactionView(card, interaction)));
  if (card.node) card.node.replaceWith(node);
  else $("cards").append(node);
  card.node = node;
}

// ----- queues and clock (admins) -----------------------------------------------------------------------

let refreshing = null;
function refreshWorld() {
  if (!state.admin || refreshing) return;
  refreshing = setTimeout(async () => {
    refreshing = null;
    try {
      const { state: world } = await api("GET", "/sim/state");
      $("clock-now").textContent = `(${world.clock.mode}, t=${world.clock.now.toFixed(1)}s)`;
      const rows = Object.entries(world.routing.queues).map(([name, q]) => el("tr", {},
        el("td", {}, name), el("td", {}, q.waiting), el("td", {}, q.offered), el("td", {}, q.answered),
        el("td", {}, q.abandoned), el("td", {}, `${q.longestWait.toFixed(1)}s`)));
      const waiting = world.media.waiting.map((id) => {
        const interaction = world.media.interactions[id] || {};
        return el("li", {}, `${interaction.channel} ${id} in ${interaction.queue}`);
      });
      $("queue-list").replaceChildren(
        el("table", {}, el("tr", {}, ["queue", "waiting", "offered", "answered", "abandoned", "longest"].map((h) => el("th", {}, h))), rows),
        rows.length ? "" : el("p", { class: "kv" }, "no call offered to a queue yet"),
        el("h3", {}, "Chats and e-mails waiting"), waiting.length ? el("ul", {}, waiting) : el("p", { class: "kv" }, "none"));
    } catch (problem) {
      say(problem.message, true);
    }
  }, 150);
}

// ----- sign-in and start --------------------------------------------------------------------------------

async function loadAdmin() {
  const { users } = await api("GET", "/api/v2/users?subresources=*");
  const numbers = [];
  for (const user of users) {
    if (!(user.roles || []).includes("ROLE_AGENT")) continue;
    renderCard(addUser(user));
    for (const device of user.devices || []) numbers.push([device.phoneNumber, `${device.phoneNumber} (${user.firstName || user.userName})`]);
  }
  const { queues } = await api("GET", "/api/v2/queues?fields=*");
  for (const queue of queues) if (queue.channel === "voice" && queue.phoneNumber) numbers.push([queue.phoneNumber, `${queue.phoneNumber} (queue ${queue.name})`]);
  $("call-to").replaceChildren(...numbers.map(([value, text]) => el("option", { value }, text)));
  const { calls } = await api("GET", "/sim/calls");
  for (const call of calls) {
    for (const party of call.parties) {
      const userId = party.device && state.byDevice.get(party.device);
      if (!userId) continue;
      const others = call.parties.filter((other) => other !== party).map((other) => other.number);
      cardOf(userId).calls[call.id] = { id: call.id, state: party.state, participants: others, userData: call.userData, callType: call.type };
      renderCard(cardOf(userId));
    }
  }
  $("world").hidden = false;
  $("queues").hidden = false;
  refreshWorld();
  return [CONSOLE];
}

async function loadAgent() {
  const card = addUser(state.me);
  const { calls } = await api("GET", "/api/v2/me/calls?fields=*");
  for (const call of calls || []) card.calls[call.id] = call;
  const { interactions } = await api("GET", "/api/v2/me/interactions?fields=*");
  for (const interaction of interactions || []) card.interactions[interaction.id] = interaction;
  renderCard(card);
  $("state-buttons").replaceChildren(...STATE_OPERATIONS.map((operation) => el("button", {
    "data-operation": operation,
    onclick: () => act(operation, "POST", "/api/v2/me", operation === "StartContactCenterSession"
      ? { operationName: operation, channels: Object.keys(card.channels) } : { operationName: operation }),
  }, operation)));
  $("me-actions").hidden = false;
  return AGENT_TOPICS;
}

function onMessage(channel, data) {
  if (channel === CONSOLE) {
    apply(data.user, data.channel, data.data);
    recorder.notification(cardOf(data.user).user.userName, data.channel, data.data);
    addEntry(state.timeline, { seq: data.seq, time: data.time, user: data.user, userName: cardOf(data.user).user.userName, channel: data.channel, data: data.data });
    refreshWorld();
  } else {
    apply(state.me.id, channel, data);
    addEntry(state.timeline, { user: state.me.id, userName: state.me.userName, channel, data });
  }
}

function setStatus(text) {
  $("status").textContent = text;
  $("status").className = `status ${text === "live" ? "live" : ""}`;
}

async function signIn(event) {
  event.preventDefault();
  state.auth = "Basic " + btoa(unescape(encodeURIComponent(`${$("username").value}:${$("password").value}`)));
  let me;
  try {
    ({ user: me } = await api("GET", "/api/v2/me?subresources=*"));
  } catch (problem) {
    $("signin-error").textContent = (problem.document && problem.document.statusMessage) || "the user name or password is wrong";
    return;
  }
  state.me = me;
  state.admin = (me.roles || []).includes("ROLE_ADMIN");
  $("signin").hidden = true;
  $("console").hidden = false;
  $("signout").hidden = false;
  $("whoami").textContent = `${me.userName}${state.admin ? " (admin: every agent)" : ""}`;
  const topics = state.admin ? await loadAdmin() : await loadAgent();
  state.client = new BayeuxClient("/api/v2/notifications", onMessage, setStatus);
  try {
    await state.client.start(topics);
    setStatus("live");
    state.ready = true;
  } catch (problem) {
    setStatus("offline");
    say(problem.message, true);
  }
}

function worldForms() {
  const values = (form) => Object.fromEntries(new FormData(form).entries());
  $("place-call").addEventListener("submit", (event) => {
    event.preventDefault();
    const { from, to, userData } = values(event.target);
    let data;
    try {
      data = userData ? JSON.parse(userData) : undefined;
    } catch {
      say("user data must be a JSON object", true);
      return;
    }
    const call = { from, to, ...(data ? { userData: data } : {}) };
    act(`Call from ${from} to ${to}`, "POST", "/sim/calls", call, { customer: "call", ...call }, "call");
  });
  $("start-chat").addEventListener("submit", (event) => {
    event.preventDefault();
    const { nickname, text } = values(event.target);
    act("Chat started", "POST", "/sim/chats", { nickname, text }, { visitor: "chat", nickname, text }, "chat");
  });
  $("receive-email").addEventListener("submit", (event) => {
    event.preventDefault();
    const { from, subject, text } = values(event.target);
    act("E-mail received", "POST", "/sim/emails", { from, subject, text }, { email: from, subject, text }, "email");
  });
  $("clock").addEventListener("submit", async (event) => {
    event.preventDefault();
    const advance = Number(values(event.target).advance);
    await act("Clock advanced", "POST", "/sim/clock", { advance }, { wait: advance });
    refreshWorld();
  });
}

// Record, then Stop: the session so far downloads as a scenario `gwsim run` can play.
function toggleRecording() {
  if (!recorder.active) {
    recorder.start([...state.cards.values()].map((card) => ({ userName: card.user.userName, state: voiceState(card) })));
    $("record").textContent = "Stop and download";
    $("record").classList.add("recording");
    say("Recording: the world's actions and the call and interaction notifications");
    return;
  }
  state.recording = recorder.stop();
  $("record").textContent = "Record";
  $("record").classList.remove("recording");
  const link = el("a", { href: URL.createObjectURL(new Blob([state.recording], { type: "application/yaml" })), download: "console-session.yaml" });
  link.click();
  say("Recording stopped: console-session.yaml");
}

function voiceState(card) {
  const channel = card.channels.voice;
  if (channel && channel.userState) return channel.userState.state;
  const [device] = Object.values(card.devices);
  return device && device.userState ? device.userState.state : "Logout";
}

$("record").addEventListener("click", toggleRecording);
$("signin").addEventListener("submit", signIn);
$("signout").addEventListener("click", () => {
  if (state.client) state.client.stop();
  location.reload();
});
installFilters();
worldForms();
