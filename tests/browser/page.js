// An agent desktop reduced to what the browser tests look at: it logs in the way a real desktop does,
// connects with the official CometD client and the acknowledge extension, subscribes to the agent's calls
// and records every step in `window.events`, which the test reads over the DevTools Protocol.
//
// Query parameters: `transport` (websocket, long-polling or callback-polling: the preferred one; the client
// may still fall back to a later one, which is why the page reports `getTransport().type`, the one really used), `user` and
// `password` (the Basic credentials of the login request), `login=skip` (no login, so no session cookie).

import {AckExtension, CometD} from "/_test/cometd/cometd.js";

const params = new URLSearchParams(location.search);
const events = [];
window.events = events;

function report(type, detail = {}) {
    events.push({type, ...detail});
}

const cometd = new CometD();
window.cometd = cometd;
cometd.registerExtension("ack", new AckExtension());

// The registry tries transports in order (websocket, long-polling, callback-polling): dropping those
// before the requested one makes it preferred while leaving the client's usual fallbacks in place.
const wanted = params.get("transport") || "websocket";
for (const type of cometd.getTransportTypes()) {
    if (type === wanted) {
        break;
    }
    cometd.unregisterTransport(type);
}
cometd.configure({
    url: new URL("/api/v2/notifications", location.origin).href,
    logLevel: params.get("log") || "info", // `log=debug` shows every message in the browser's console
});

// Report only changes of the connection's state: a held /meta/connect returns every 30 seconds.
let connected = false;
cometd.addListener("/meta/connect", (message) => {
    const now = message.successful === true;
    if (now !== connected) {
        connected = now;
        report(now ? "connected" : "connection broken", {transport: cometd.getTransport()?.type});
    }
});

function onHandshake(reply) {
    report("handshake", {successful: reply.successful, error: reply.error, transport: cometd.getTransport()?.type});
    if (!reply.successful) {
        return;
    }
    cometd.subscribe(
        "/v2/me/calls",
        (message) => report("message", {channel: message.channel, data: message.data}),
        (subscribeReply) => report("subscribe", {successful: subscribeReply.successful, error: subscribeReply.error}),
    );
}

// The test calls this and awaits the disconnect reply (a failure carries the client's reason for it).
window.disconnect = () => new Promise((resolve) => {
    cometd.disconnect((reply) => {
        const outcome = {successful: reply.successful, error: reply.error, failure: reply.failure?.reason};
        report("disconnect", outcome);
        resolve(outcome);
    });
});

async function start() {
    if (params.get("login") !== "skip") {
        // A browser cannot put an Authorization header on a websocket: like a real desktop, log in with
        // a REST request first and let the JSESSIONID cookie it sets authenticate the CometD handshake.
        const credentials = btoa(`${params.get("user")}:${params.get("password")}`);
        const response = await fetch("/api/v2/me", {headers: {Authorization: `Basic ${credentials}`}});
        report("login", {status: response.status});
        if (!response.ok) {
            return;
        }
    }
    cometd.handshake(onHandshake);
}

start().catch((error) => report("error", {message: String(error)}));
