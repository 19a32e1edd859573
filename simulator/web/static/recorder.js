// Recording a console session as a scenario in the library's format (scenarios/README.md): the world's
// actions taken from the page become `customer`, `visitor`, `email` and `wait` steps, and the call and
// interaction notifications seen on the console feed become `expect` steps, in the order they happened.
// Ids the simulator made up are referred to through the step that created them (`save: call1`, then
// `${call1.id}`), so `gwsim run` can play the file on a fresh simulator.
"use strict";

const EXPECTED = { "/v2/me/calls": "call", "/v2/me/interactions": "interaction" };

export class Recorder {
  constructor() {
    this.active = false;
  }

  // `agents`: [{userName, state}] with each agent's voice state now, so the scenario starts them alike.
  start(agents) {
    this.active = true;
    this.agents = agents;
    this.entries = [];
    this.names = new Map(); // an id the simulator gave -> the save name of the step that made it
    this.counts = {};
  }

  // A world action about to be sent; returns the function to call with its answer (null when refused).
  action(step, kind) {
    if (!this.active) return () => {};
    const entry = { step: { ...step } };
    if (kind) {
      this.counts[kind] = (this.counts[kind] || 0) + 1;
      entry.step.save = `${kind}${this.counts[kind]}`;
    }
    this.entries.push(entry);
    return (answer) => {
      if (!answer) this.entries.splice(this.entries.indexOf(entry), 1);
      else if (kind && answer.id) this.names.set(answer.id, entry.step.save);
    };
  }

  // The reference to an id for a step: `${call1.id}` when a recorded step made it, else null.
  reference(id) {
    return this.names.has(id) ? `\${${this.names.get(id)}.id}` : null;
  }

  notification(userName, topic, data) {
    const field = EXPECTED[topic];
    if (this.active && field && data[field]) this.entries.push({ userName, topic, data });
  }

  // The scenario as YAML: JSON flow mappings are YAML, so each step is one line of JSON.
  stop() {
    this.active = false;
    const used = new Set(this.entries.filter((entry) => entry.userName).map((entry) => entry.userName));
    const agents = this.agents.filter((agent) => used.has(agent.userName)).map((agent) => {
      if (agent.state === "Logout") return { user: agent.userName, session: false };
      return agent.state === "Ready" ? { user: agent.userName, ready: true } : { user: agent.userName };
    });
    const steps = this.entries.map((entry) => (entry.step ? this.resolve(entry.step) : this.expectation(entry)));
    const lines = [
      `name: Recorded on the console ${new Date().toISOString()}`,
      "description: The world's actions taken on the console and the notifications they caused.",
      ...(agents.length ? ["agents:", ...agents.map((agent) => `  - ${JSON.stringify(agent)}`)] : ["agents: []"]),
      ...(steps.length ? ["steps:", ...steps.map((step) => `  - ${JSON.stringify(step)}`)] : ["steps: []"]),
    ];
    return lines.join("\n") + "\n";
  }

  resolve(step) {
    const resolved = { ...step };
    for (const key of ["call", "chat"]) {
      if (typeof resolved[key] === "string") resolved[key] = this.reference(resolved[key]) || resolved[key];
    }
    return resolved;
  }

  expectation({ userName, topic, data }) {
    const field = EXPECTED[topic];
    const item = data[field];
    const match = { messageType: data.messageType };
    if (data.notificationType) match.notificationType = data.notificationType;
    match[`${field}.state`] = item.state;
    const reference = this.reference(item.id);
    if (reference) match[`${field}.id`] = reference;
    return { expect: { agent: userName.split("@")[0], topic, match } };
  }
}
