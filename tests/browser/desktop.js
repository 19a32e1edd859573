// An agent desktop served from another origin than the simulator, as front-end teams work (a dev server
// on another port). It does what desktops written for real servers do: log in with Basic credentials and
// keep the JSESSIONID cookie (`credentials: "include"`), read the CSRF header's name and the token from the
// login answer, send the token on every change, and follow /v2/me/calls with the official CometD client. Every step is recorded in `window.events`, which the test reads.
//
// Query parameters: `api` (the simulator's origin), `user`, `password`, and `token`: `sent` (the one the
// login answer gave, the default), `wrong` (another), `none` (no CSRF header at all); `transport`: the
// CometD transport, `long-polling` (the default) or `websocket`.

import {CometD} from "/cometd/cometd.js";

const params = new URLSearchParams(location.search);
const api = params.get("api");
const events = [];
window.events = events;

function report(type, detail = {}) {
    events.push({type, ...detail});
}

let csrf = {};

// One REST change, authenticated by the cookie alone, carrying the CSRF header as the page chose.
window.change = async (path, body) => {
    const headers = {"Content-Type": "application/json", ...csrf};
    const response = await fetch(`${api}/api/v2${path}`, {
        method: "POST", credentials: "include", headers, body: JSON.stringify(body),
    });
    const answer = await response.json();
    report("change", {path, operation: body.operationName, status: response.status, answer});
    return response.status;
};

async function login() {
    const credentials = btoa(`${params.get("user")}:${params.get("password")}`);
    const response = await fetch(`${api}/api/v2/me?subresources=features,devices,channels,settings`, {
        credentials: "include", headers: {Authorization: `Basic ${credentials}`},
    });
    const name = response.headers.get("X-CSRF-HEADER");
    const token = response.headers.get("X-CSRF-TOKEN");
    report("login", {status: response.status, header: name, token});
    const choice = params.get("token") || "sent";
    if (choice === "sent" && name) {
        csrf = {[name]: token};
    } else if (choice === "wrong") {
        csrf = {[name || "X-CSRF-TOKEN"]: "not-the-token"};
    }
    return response.ok;
}

function follow() {
    const cometd = new CometD();
    window.cometd = cometd;
    const transport = params.get("transport") || "long-polling";
    for (const type of cometd.getTransportTypes()) {
        if (type !== transport) {
            cometd.unregisterTransport(type);
        }
    }
    cometd.configure({url: `${api}/api/v2/notifications`, logLevel: "info"});
    cometd.handshake((reply) => {
        report("handshake", {successful: reply.successful, error: reply.error, transport: cometd.getTransport()?.type});
        if (!reply.successful) {
            return;
        }
        cometd.subscribe(
            "/v2/me/calls",
            (message) => report("message", {data: message.data}),
            (subscribeReply) => report("subscribe", {successful: subscribeReply.successful}),
        );
    });
}

async function start() {
    if (!await login()) {
        return;
    }
    if (await window.change("/me", {operationName: "StartContactCenterSession", channels: ["voice"]}) !== 200) {
        return;
    }
    await window.change("/me/channels/voice", {operationName: "Ready"});
    follow();
}

start().catch((error) => report("error", {message: String(error)}));
