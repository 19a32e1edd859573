"""The contact center itself: synchronous, deterministic, free of I/O.

`contact_center.ContactCenter` holds everything and makes every change, checking before it mutates and
raising `refusals.Refusal` (a reference statusCode and a message) otherwise. One module per thing held:
`users`, `skills`, `devices`, `queues`, `contacts`, `channels`, `settings`, `catalog` (features, services,
routing templates); `simulator.center_file`, outside the core, reads one from YAML. `directory` shows it to `voice`, the
telephony state machines; `media` is the chat and e-mail engine; `world` runs a contact center, the one
way in: its voice and media engines, routing, the clock, the callers outside and the event stream
(`events`), with every run-time change of the directory in `world_provisioning`; `center_reads` is what
the REST layer may read of the contact center directly; `routing` offers the calls and interactions
waiting in queues to agents. `agent_state` is the one agent-state machine of every channel (voice
devices, chat, e-mail), `machine` the `transitions` table every machine is built with, `params` how
operations' parameters are read, `clock` the time every timer of the core runs on. `numerals` says what
a whole number written as text is, for every reader of requests, files and options.
"""
