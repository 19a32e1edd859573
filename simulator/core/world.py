"""The World: one contact center brought to life, and the only way into it at run time.

Every change (a REST request, a /sim request, a scenario step, a timer, an admin provisioning the
contact center) is a method of the World (provisioning is its base, `world_provisioning`), and every
change is appended to the World's one ordered stream of events (`events`), which notification,
statistics, the console and recording subscribe to. The World is synchronous and free of I/O; time
comes from its clock.

An operation that spans channels (an agent state posted on /me applies to voice, chat and e-mail) is
planned on every core it touches and applied only when all of them accept it (`world_agents`).
"""

from __future__ import annotations

import copy
import dataclasses
import time
from collections.abc import Mapping
from typing import Any

from .catalog import MONITORING_FEATURE, SERVICE_STATES
from .contact_center import ContactCenter
from .directory import CenterDirectory
from .events import CenterChanged, Change, EventStream, ServiceStateChanged, WorldReset
from .media import Interaction, MediaOptions, Multimedia, Workbin
from .media.email import Attachment
from .places import SessionPlaces
from .queues import Queue
from .refusals import INVALID, NOT_FOUND, Refusal
from .routing import Router
from .voice import CallView, Clock, DeviceView, Telephony, VirtualClock
from .world_agents import WorldAgents
from .world_provisioning import WorldProvisioning


class World(WorldAgents, WorldProvisioning):
    """A contact center brought to life. `reset` returns it to what was loaded, with no call going on."""

    def __init__(self, center: ContactCenter, clock: Clock) -> None:
        self.center = center
        self.clock = clock
        self.events = EventStream(clock)
        self._loaded = copy.deepcopy(center)
        self._generation = 0
        self._epoch: float | None = None
        self._start()

    def _start(self) -> None:
        """Fresh voice and multimedia cores and routing over the contact center. Events of older cores
        (their timers may still fire) are dropped: they belong to a world that is gone."""
        self._generation += 1
        generation = self._generation

        def emit(change: Change) -> None:
            if generation == self._generation:
                self.events.append(change)

        # "In contact centers where call recording is enabled": without the feature, calls have no
        # recordingState and no recording operations (read when the voice core starts, and at reset).
        recording = "api-voice-recording" in self.center.feature_ids
        options = dataclasses.replace(
            self.center.voice_options, recording=self.center.voice_options.recording and recording
        )
        self.telephony = Telephony(
            CenterDirectory(self.center), self.clock, emit, options, seed=self.center.seed, wall_clock=self.wall_time
        )
        self.router = Router(self.center, self.telephony, self.clock, emit=emit)
        self.media = Multimedia(self.center, self.clock, emit, None)
        self.media.configure(self.center.multimedia)
        self.center.attach(self.telephony, self.media)
        self.places = SessionPlaces()
        self.center.listener = self._center_changed
        self.center.queued_work = (self.router, self.media.queues)

    def wall_time(self) -> float:
        """Simulated time as seconds since the epoch: the clock's first reading is taken to be the wall
        clock's time then (read when first asked: a real clock can be read only once its loop runs)."""
        if self._epoch is None:
            self._epoch = time.time() - self.clock.now()
        return self._epoch + self.clock.now()

    def _center_changed(self, change: CenterChanged) -> None:
        """Routing brings its index up to date with the change first (the users it touched only, when it
        touched users one by one), then the change is told, then what became routable is offered."""
        self.router.provisioned(change)
        self.media.queues.provisioned(change)
        self.events.append(change)
        self.router.after_action()
        self.media.route()

    def reset(self) -> None:
        """Back to the contact center as loaded (users, devices, settings), with no call or interaction.

        The contact center is restored in place, so everything holding it (the authenticator, the API)
        sees the restored one; clients are not notified, as after a server restart.
        """
        restored = copy.deepcopy(self._loaded)
        revisions = self.center.revision + 1, self.center.directory_revision + 1  # none an index saw before
        for field in dataclasses.fields(ContactCenter):
            setattr(self.center, field.name, getattr(restored, field.name))
        self.center.restore_ids(restored)
        self.center.revision, self.center.directory_revision = revisions
        self._start()
        self.events.append(WorldReset())

    # ------------------------------------------------------------------ supervisors

    def supervise(self, supervisor_id: str, device_id: str, operation: str, params: Mapping[str, Any]) -> None:
        """ListenIn, Coach, Bargain or CancelSupervisorMonitoring by a supervisor on an agent's device
        (see `voice.monitoring`); without the feature the operations do not exist."""
        if MONITORING_FEATURE not in self.center.feature_ids:
            raise Refusal(NOT_FOUND, f"{operation}: feature {MONITORING_FEATURE} is not enabled")
        self.telephony.supervise(supervisor_id, device_id, operation, params)

    def supervisor_capabilities(self, device_id: str, supervisor_id: str) -> tuple[str, ...]:
        """The monitoring operations the supervisor may post on the device now (none without the feature)."""
        if MONITORING_FEATURE not in self.center.feature_ids:
            return ()
        return self.telephony.supervisor_capabilities(device_id, supervisor_id)

    # ------------------------------------------------------------------ calls

    def dial(self, user_id: str, device_id: str, destination: Any, user_data: Any = None) -> str:
        return self.telephony.dial(user_id, device_id, destination, user_data)

    def call_operate(self, user_id: str, call_id: str, operation: str, params: Mapping[str, Any]) -> None:
        self.telephony.operate(user_id, call_id, operation, params)

    def calls_of(self, user_id: str) -> list[CallView]:
        return self.telephony.calls_of_user(user_id)

    def call_of(self, user_id: str, call_id: str) -> CallView:
        return self.telephony.call_view(user_id, call_id)

    def device_state(self, device_id: str) -> DeviceView:
        return self.telephony.device_view(device_id)

    # ------------------------------------------------------------------ chat, e-mail, workbins

    def interactions(self) -> list[Interaction]:
        return self.media.live()

    def interactions_of(self, user_id: str) -> list[Interaction]:
        return self.media.of_user(user_id)

    def interaction(self, interaction_id: str) -> Interaction:
        return self.media.get(interaction_id)

    def interaction_document(self, interaction: Interaction, user_id: str | None = None) -> dict[str, Any]:
        return self.media.document(interaction, user_id)

    def interaction_operate(
        self, user_id: str, interaction_id: str, operation: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        return self.media.operate(user_id, interaction_id, operation, params)

    def create_email(self, user_id: str, params: dict[str, Any]) -> str:
        return self.media.create(user_id, params)

    def pull(self, user_id: str, workbin: Any, interaction_id: Any) -> None:
        self.media.pull(user_id, workbin, interaction_id)

    @property
    def media_options(self) -> MediaOptions:
        return self.media.options

    def configure_media(self, values: dict[str, Any]) -> MediaOptions:
        return self.media.configure(values)

    def add_attachment(self, user_id: str, interaction_id: str, name: str, mime_type: str, data: bytes) -> str:
        return self.media.add_attachment(user_id, interaction_id, name, mime_type, data)

    def attachment(self, user_id: str, interaction_id: str, document_id: str) -> Attachment:
        return self.media.attachment(user_id, interaction_id, document_id)

    def delete_attachment(self, user_id: str, interaction_id: str, document_id: str) -> None:
        self.media.delete_attachment(user_id, interaction_id, document_id)

    def workbins_of(self, user_id: str) -> list[Workbin]:
        return self.media.workbins_of(user_id)

    def workbin_content(self, user_id: str, workbin_id: str) -> list[dict[str, Any]]:
        return self.media.workbin_content(user_id, workbin_id)

    def tell_workbin_content(self, user_id: str, workbin: Any) -> None:
        self.media.tell_workbin_content(user_id, workbin)

    def place_in_workbin(self, user_id: str, workbin_id: str, interaction_id: Any) -> None:
        self.media.place_in_workbin(user_id, workbin_id, interaction_id)

    def subscribe_workbin(self, user_id: str, workbin_id: str, on: bool) -> None:
        self.media.subscribe(user_id, workbin_id, on)

    # ------------------------------------------------------------------ the world outside the agents

    def place_call(self, from_number: Any, to_number: Any, user_data: Any = None) -> str:
        """An external caller dials `to_number`: an agent's number rings that device, a queue's number is
        handed to queue routing. Returns the call id."""
        queue = self._queue_numbered(to_number)
        if queue is not None and queue.channel != "voice":
            raise Refusal(INVALID, f"to: {queue.phoneNumber} is queue {queue.name!r} of the {queue.channel} channel")
        return self.telephony.inbound_call(from_number, to_number, user_data)

    def _queue_numbered(self, number: Any) -> Queue | None:
        if not isinstance(number, str):
            return None
        return next((queue for queue in self.center.queues.values() if queue.phoneNumber == number), None)

    def remote_parties(self, call_id: str) -> list[tuple[str, str]]:
        return self.telephony.remote_parties(call_id)

    def remote_operate(self, call_id: str, party: str, operation: str, digits: Any = None) -> None:
        """The external party of a call answers, hangs up or presses keys."""
        if operation == "Answer":
            self.telephony.remote_answer(call_id, party)
        elif operation == "Hangup":
            self.telephony.remote_hangup(call_id, party)
        else:
            self.telephony.remote_send_dtmf(call_id, party, digits)

    def start_chat(self, *values: Any) -> str:
        """A visitor starts a chat (queue, nickname, subject, text, userData)."""
        return self.media.start_chat(*values)

    def visitor_operate(self, interaction_id: Any, operation: str, text: Any = None) -> None:
        """The visitor of a chat writes, types or leaves."""
        if operation == "SendMessage":
            self.media.visitor_send(interaction_id, text)
        elif operation == "Leave":
            self.media.visitor_leave(interaction_id)
        else:
            self.media.visitor_typing(interaction_id, operation == "StartTyping")

    def receive_email(self, *values: Any) -> str:
        """An e-mail arrives (queue, from, to, subject, text, cc, attachments, userData)."""
        return self.media.receive_email(*values)

    def sent_emails(self) -> list[dict[str, Any]]:
        return list(self.media.outbox)

    # ------------------------------------------------------------------ the system's services

    def set_service_state(self, service_id: str, state: str) -> None:
        """A service of the system goes down (Inactive), read-only or back up (Active); a reset brings every
        service back as loaded. Told to everyone on /notifications/services."""
        service = self.center.services.get(service_id)
        if service is None:
            raise Refusal(NOT_FOUND, f"service {service_id!r} does not exist", field="service")
        if state not in SERVICE_STATES:
            raise Refusal(INVALID, f"state must be one of {', '.join(SERVICE_STATES)}, not {state!r}", field="state")
        if service.state != state:
            service.state = state
            self.events.append(ServiceStateChanged(service_id, state))

    # ------------------------------------------------------------------ time

    def advance(self, seconds: float) -> None:
        """Move a virtual clock forward, running every timer due on the way."""
        if not isinstance(self.clock, VirtualClock):
            raise Refusal(INVALID, "advance: the clock runs in real time; only a virtual clock can be advanced")
        self.clock.advance(seconds)

    # ------------------------------------------------------------------ debugging

    def calls(self) -> list[dict[str, Any]]:
        """Every call still going on, with all its parties. Each party has a `role`: `agent` (a device's
        leg), `external` (a number outside, which POST /sim/calls/{id} can act as) or `unreachable` (a
        number being played busy: Do Not Disturb, a forwarding loop)."""
        return [self._call_document(call_id, call) for call_id, call in self.telephony.snapshot()["calls"].items()]

    def call(self, call_id: str) -> dict[str, Any]:
        """One call going on, as `calls` lists it (statusCode 6 when it is over or never was)."""
        return self._call_document(call_id, self.telephony.call_snapshot(call_id))

    def call_if_going_on(self, call_id: str) -> dict[str, Any] | None:
        """The call as `call` shows it, or None when it is already over."""
        return self.call(call_id) if self.telephony.has_call(call_id) else None

    def _call_document(self, call_id: str, call: dict[str, Any]) -> dict[str, Any]:
        external = {number for number, _state in self.telephony.remote_parties(call_id)}
        parties = [
            {**party, "role": "agent" if "device" in party else
             "external" if party["number"] in external else "unreachable"}
            for party in call["parties"]
        ]  # fmt: skip
        return {"id": call_id, **call, "parties": parties}

    def state(self) -> dict[str, Any]:
        """The whole simulated state as plain data."""
        return {
            "clock": {
                "mode": "virtual" if isinstance(self.clock, VirtualClock) else "real",
                "now": self.clock.now(),
            },
            "events": self.events.seq,
            "voice": self.telephony.snapshot(),
            "routing": self.router.statistics(),
            "media": self.media.snapshot(),
            "users": {
                user.id: {"userName": user.userName, "devices": list(user.device_ids)}
                for user in self.center.users.values()
            },
        }
