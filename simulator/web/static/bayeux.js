// A small Bayeux 1.0 client over long-polling: handshake, subscribe, then one held /meta/connect at a
// time. The page signs in over REST first, so the handshake rides on the session cookie that set.
"use strict";

export class BayeuxClient {
  constructor(url, onMessage, onStatus) {
    this.url = url;
    this.onMessage = onMessage; // (channel, data) for every message of a subscribed channel
    this.onStatus = onStatus; // (text) for the connection indicator
    this.clientId = null;
    this.running = false;
    this.advice = { interval: 0 };
  }

  async send(messages) {
    const response = await fetch(this.url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(messages),
    });
    if (!response.ok) throw new Error(`Bayeux HTTP ${response.status}`);
    const replies = await response.json();
    const meta = [];
    for (const reply of replies) {
      if (reply.advice) this.advice = { ...this.advice, ...reply.advice };
      if (reply.channel.startsWith("/meta/")) meta.push(reply);
      else this.onMessage(reply.channel, reply.data);
    }
    return meta;
  }

  // Handshake and subscribe to `channels`; resolves with the subscribe replies, then keeps connecting.
  async start(channels) {
    const [handshake] = await this.send([
      { channel: "/meta/handshake", version: "1.0", supportedConnectionTypes: ["long-polling"] },
    ]);
    if (!handshake || !handshake.successful) {
      throw new Error(`handshake refused: ${handshake ? handshake.error : "no reply"}`);
    }
    this.clientId = handshake.clientId;
    const replies = await this.send(
      channels.map((subscription) => ({ channel: "/meta/subscribe", clientId: this.clientId, subscription })),
    );
    const refused = replies.filter((reply) => reply.channel === "/meta/subscribe" && !reply.successful);
    if (refused.length) throw new Error(`subscription refused: ${refused.map((r) => r.subscription).join(", ")}`);
    this.running = true;
    this.loop();
    return replies;
  }

  async loop() {
    let failures = 0;
    while (this.running) {
      try {
        const replies = await this.send([
          { channel: "/meta/connect", clientId: this.clientId, connectionType: "long-polling" },
        ]);
        const connect = replies.find((reply) => reply.channel === "/meta/connect");
        if (connect && !connect.successful) {
          this.onStatus("disconnected: " + (connect.error || "refused"));
          this.running = false;
          return;
        }
        failures = 0;
        this.onStatus("live");
      } catch (problem) {
        failures += 1;
        this.onStatus("reconnecting");
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * failures)));
      }
      if (this.advice.interval > 0) await new Promise((resolve) => setTimeout(resolve, this.advice.interval));
    }
  }

  stop() {
    this.running = false;
    if (this.clientId) this.send([{ channel: "/meta/disconnect", clientId: this.clientId }]).catch(() => {});
  }
}
