"""The contact center itself: synchronous, deterministic, free of I/O.

`contact_center.ContactCenter` holds everything and makes every change, checking before it mutates and
raising `refusals.Refusal` (a reference statusCode and a message) otherwise. One module per thing held:
`users`, `skills`, `devices`, `queues`, `contacts`, `channels`, `settings`, `catalog` (features, services,
routing templates); `simulator.center_file`, outside the core, reads one from YAML. `directory` shows it to `voice`, the
telephony state machines; `world` runs a contact center: its voice core, its clock and the callers outside;
`routing` offers the calls waiting in queues to agents. `agent_state` is the one agent-state machine of
every channel (voice devices, chat, e-mail), `machine` the `transitions` table every machine is built
with, `params` how operations' parameters are read. `numerals` says what a whole number written as text
is, for every reader of requests, files and options.
"""
