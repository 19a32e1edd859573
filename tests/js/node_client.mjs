// The official CometD JavaScript client, run in Node through cometd-nodejs-client, driven by a test.
//
// It is configured the way a Node application would configure it, and the library is used unchanged:
// the test learns what happened only from the client's own callbacks and listeners. Every event is one
// JSON line on stdout; commands ("disconnect", "exit") arrive as lines on stdin.
//
// Usage: node node_client.mjs '<JSON config>' where the config has
//   url        the Bayeux endpoint, e.g. http://127.0.0.1:8080/api/v2/notifications
//   transport  "websocket" (the library's default order, websocket first, with its fallbacks),
//              "long-polling" or "callback-polling" (only that transport is left registered)
//   auth       "userinfo": credentials in the URL (the `ws` package sends them as HTTP Basic on the
//                          upgrade request, and Node's http module on every long-polling POST);
//              "header":   an Authorization header in `requestHeaders` (HTTP transports only: a
//                          WebSocket cannot carry custom headers);
//              "cookie":   a REST request (GET /api/v2/me) with Basic credentials through the adapter's
//                          XMLHttpRequest first, whose JSESSIONID cookie the adapter then sends with the
//                          CometD requests, as a browser's shared cookie jar would;
//              "none":     no credentials at all
//   user, password, channel (default /v2/me/calls), logLevel (default "warn")

import * as readline from "node:readline";

// The library logs through window.console; keep stdout for the events alone.
for (const level of ["log", "info", "debug"]) {
    console[level] = (...args) => console.error(...args);
}

const {adapt} = await import("cometd-nodejs-client");
adapt();
const {CometD, AckExtension} = await import("cometd");

const config = JSON.parse(process.argv[2]);
const channel = config.channel || "/v2/me/calls";

function emit(event) {
    process.stdout.write(JSON.stringify(event) + "\n");
}

function describeFailure(message) {
    const failure = message.failure;
    if (!failure) {
        return undefined;
    }
    return {
        reason: failure.reason,
        httpCode: failure.httpCode,
        exception: failure.exception === undefined ? undefined : String(failure.exception),
    };
}

function basic(user, password) {
    return "Basic " + Buffer.from(`${user}:${password}`, "utf8").toString("base64");
}

/** GET /api/v2/me through the adapter's XMLHttpRequest, so its cookie jar keeps the JSESSIONID. */
function restLogin(bayeuxUrl) {
    return new Promise((resolve, reject) => {
        const xhr = new window.XMLHttpRequest();
        xhr.open("GET", new URL("/api/v2/me", bayeuxUrl).href);
        xhr.setRequestHeader("Authorization", basic(config.user, config.password));
        xhr.onload = () => resolve(xhr.status);
        xhr.onerror = () => reject(new Error(`GET /api/v2/me failed: ${xhr.statusText}`));
        xhr.send();
    });
}

const cometd = new CometD();
cometd.registerExtension("ack", new AckExtension());

if (config.transport === "long-polling") {
    cometd.unregisterTransport("websocket");
    cometd.unregisterTransport("callback-polling");
} else if (config.transport === "callback-polling") {
    cometd.unregisterTransport("websocket");
    cometd.unregisterTransport("long-polling");
} else if (config.transport !== "websocket") {
    throw new Error(`unknown transport ${config.transport}`);
}

const url = new URL(config.url);
const configuration = {url: url.href, logLevel: config.logLevel || "warn"};
if (config.auth === "userinfo") {
    url.username = encodeURIComponent(config.user);
    url.password = encodeURIComponent(config.password);
    configuration.url = url.href;
} else if (config.auth === "header") {
    configuration.requestHeaders = {Authorization: basic(config.user, config.password)};
} else if (config.auth === "cookie") {
    emit({event: "rest-login", status: await restLogin(config.url)});
} else if (config.auth !== "none") {
    throw new Error(`unknown auth ${config.auth}`);
}
cometd.configure(configuration);

cometd.onTransportException = (failure, oldTransport, newTransport) => {
    emit({event: "transport-exception", from: oldTransport, to: newTransport, reason: failure && failure.reason});
};

// Connection state from /meta/connect replies, as the CometD documentation recommends.
let connected = false;
let everConnected = false;
cometd.addListener("/meta/connect", (message) => {
    if (cometd.isDisconnected()) {
        return;
    }
    const wasConnected = connected;
    connected = message.successful === true;
    if (!wasConnected && connected) {
        emit({event: "connection", state: everConnected ? "restored" : "established",
            transport: cometd.getTransport().type});
        everConnected = true;
    } else if (wasConnected && !connected) {
        emit({event: "connection", state: "broken", error: message.error, failure: describeFailure(message)});
    }
});

// Every handshake reply, including any re-handshake the client might start by itself.
cometd.addListener("/meta/handshake", (message) => {
    const transport = cometd.getTransport();
    emit({
        event: "handshake",
        successful: message.successful === true,
        clientId: message.clientId,
        transport: transport ? transport.type : null,
        ack: message.ext ? message.ext.ack : undefined,
        error: message.error,
        advice: message.advice,
        failure: describeFailure(message),
    });
    if (message.successful) {
        cometd.subscribe(channel, (received) => {
            emit({event: "message", channel: received.channel, data: received.data});
        }, (reply) => {
            emit({event: "subscribe", successful: reply.successful === true, subscription: reply.subscription,
                error: reply.error});
        });
    } else {
        // The library decides within this same turn whether to retry; report where it landed.
        setTimeout(() => emit({event: "status", status: cometd.getStatus()}), 0);
    }
});

cometd.handshake();

readline.createInterface({input: process.stdin}).on("line", (line) => {
    const command = line.trim();
    if (command === "disconnect") {
        cometd.disconnect((reply) => {
            emit({event: "disconnect", successful: reply.successful === true, error: reply.error});
        });
    } else if (command === "status") {
        emit({event: "status", status: cometd.getStatus()});
    } else if (command === "exit") {
        process.exit(0);
    } else if (command) {
        emit({event: "error", error: `unknown command ${command}`});
    }
});
