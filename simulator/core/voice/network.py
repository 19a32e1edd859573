"""The simulated network of the voice engine: ringing a number, the far end answering or failing,
releasing a party, and settling what a call has left. The engine's operations and timers change calls
through these helpers; each marks what it touched, so the engine tells every user afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..clock import Clock
from .call import DIALING, ESTABLISHED, RELEASED, RINGING, Call, Leg, RemoteParty
from .device import DeviceVoice
from .directory import Directory, Line
from .events import CallOperationFailed, CallView, VoiceEvent
from .options import ANSWER, BUSY, VoiceOptions
from .queueing_hook import QueueRouting
from .visibility import talking_parties, visible_parties


class CallNetwork:
    """The network helpers of `Telephony`, its base: they need its calls, devices, clock and options."""

    _directory: Directory
    _clock: Clock
    _options: VoiceOptions
    _calls: dict[str, Call]
    _device_legs: dict[str, list[Leg]]
    _outbox: list[VoiceEvent]
    router: QueueRouting | None

    if TYPE_CHECKING:  # the engine's own helpers (see telephony.Telephony and supervision)

        def _device(self, device_id: str) -> DeviceVoice: ...
        def _line(self, device_id: str) -> Line: ...
        def _monitor_left(self, leg: Leg) -> None: ...
        def _new_leg(
            self,
            call: Call,
            line: Line,
            state: str,
            *,
            placed_by: str | None = None,
            mute: str = "Off",
            recording: str = "Stopped",
        ) -> Leg: ...
        def _new_remote(self, call: Call, number: str, state: str, placed_by: str | None) -> RemoteParty: ...
        def _next_seq(self) -> int: ...
        def _timed(self, action: Callable[..., None], *args: Any) -> None: ...
        def _touch(self, leg: Leg) -> None: ...
        def _touch_call(self, call: Call) -> None: ...
        def _user_of(self, device_id: str) -> str | None: ...
        def _view(self, leg: Leg) -> CallView: ...
        def _wrap_up(self, device_id: str) -> None: ...

    def _add_party(self, call: Call, number: str, placed_by: str | None) -> None:
        """Ring `number` on the call: a voice queue's number puts the call in that queue, for routing to
        offer to an agent; otherwise follow forwarding, then ring an internal device or reach a remote party.

        A number that cannot ring (Do Not Disturb, a forwarding loop, a forward to someone already on the
        call, a queue the call is in already) is played as busy under the number that was dialed, which
        the callers have checked is not on the call yet, so participants never name anyone twice.
        """
        if self.router is not None and self.router.queue_of_number(number) is not None:
            if self.router.queued(call.id):
                self._ring_unreachable(call, number, placed_by)
            else:
                self.router.enqueue(call.id, number)
            return
        target = number
        for _hop in range(self._options.forward_hops + 1):
            if target != number and call.party_numbered(target) is not None:
                break
            line = self._directory.line_of_number(target)
            if line is None:
                self._ring_remote(call, target, placed_by)
                return
            device = self._device(line.device_id)
            if device.forwarding == "On" and device.forward_to:
                target = device.forward_to
                continue
            if device.dnd == "On" or call.leg_of(line.device_id) is not None:
                break
            leg = self._new_leg(call, line, RINGING, placed_by=placed_by)
            self._ring_timeout(leg)
            return
        self._ring_unreachable(call, number, placed_by)

    def _ring_remote(self, call: Call, number: str, placed_by: str | None) -> None:
        party = self._new_remote(call, number, RINGING, placed_by)
        rule = self._options.remote_rule(number)
        if rule.outcome == ANSWER:
            self._clock.call_later(rule.delay, lambda: self._timed(self._remote_answer_due, party))
        elif rule.outcome == BUSY:
            self._clock.call_later(rule.delay, lambda: self._timed(self._fail_party, party, "Busy"))
        elif self._options.no_answer_timeout is not None:
            self._clock.call_later(self._options.no_answer_timeout, lambda: self._timed(self._no_answer, party))

    def _ring_unreachable(self, call: Call, number: str, placed_by: str | None) -> None:
        party = self._new_remote(call, number, RINGING, placed_by)
        party.unreachable = True
        self._clock.call_later(self._options.busy_delay, lambda: self._timed(self._fail_party, party, "Busy"))

    def _ring_timeout(self, leg: Leg) -> None:
        if self._options.no_answer_timeout is not None:
            self._clock.call_later(self._options.no_answer_timeout, lambda: self._timed(self._no_answer, leg))

    def _remote_answer_due(self, party: RemoteParty) -> None:
        if party.state == RINGING:
            self._remote_answers(party)

    def _remote_answers(self, party: RemoteParty) -> None:
        party.state = ESTABLISHED
        self._connect_dialers(party.call)
        self._touch_call(party.call)

    def _no_answer(self, party: Leg | RemoteParty) -> None:
        if party.state == RINGING:
            self._fail_party(party, "No answer")

    def _fail_party(self, party: Leg | RemoteParty, message: str) -> None:
        """A party could not be reached: tell the device that brought it in, release it, settle the call."""
        if not party.live:
            return
        call = party.call
        if party.placed_by is not None:
            placer = call.leg_of(party.placed_by)
            if placer is not None:
                self._outbox.append(
                    CallOperationFailed(
                        user_id=self._user_of(placer.device_id),
                        device_id=placer.device_id,
                        phone_number=placer.number,
                        error_message=f"{message}: {party.number}",
                        connection_id=call.id,
                        call_uuid=call.uuid,
                        call=self._view(placer),
                    )
                )
        self._release_party(party)
        self._settle(call)

    def _connect_dialers(self, call: Call) -> None:
        """Someone answered: every leg still dialing on the call is now established."""
        for leg in call.legs():
            if leg.state == DIALING:
                leg.fire("connected")
                leg.ever_established = True
                self._touch(leg)

    def _release_party(self, party: Leg | RemoteParty) -> None:
        if isinstance(party, Leg):
            self._release_leg(party, "released")
        elif party.live:
            party.state = RELEASED
            self._touch_call(party.call)

    def _release_leg(self, leg: Leg, trigger: str, *, wrap_up: bool = True) -> None:
        """Release one leg through `trigger` (the operation's own transition, or the network's `released`);
        recording stops, the leg leaves its device's call list, consult links through it are cut, and an
        established call that ends starts after-call work."""
        leg.final_participants = visible_parties(leg)
        leg.fire(trigger)
        if leg.may("call_ended"):
            leg.fire("call_ended")
        legs = self._device_legs[leg.device_id]
        if leg in legs:
            legs.remove(leg)
        self._unlink(leg)
        self._touch(leg)
        if leg.monitor is not None:
            self._monitor_left(leg)
        if wrap_up and leg.ever_established:
            self._wrap_up(leg.device_id)

    def _unlink(self, leg: Leg) -> None:
        call, device_id = leg.call, leg.device_id
        consult = call.consults.pop(device_id, None)
        if consult is not None:
            consult.consult_of, consult.consult_device = None, None
            self._touch_call(consult)
        if call.consult_of is not None and call.consult_device == device_id:
            call.consult_of.consults.pop(device_id, None)
            self._touch_call(call.consult_of)
            call.consult_of, call.consult_device = None, None

    def _settle(self, call: Call) -> None:
        """A call needs two parties, one of them not merely ringing: a phone rings because someone is on
        the line calling it. When that no longer holds (the last party alone; or only ringing parties left,
        say after a transfer away from a conference whose other members were still being rung), everyone
        left is released and the call is over. A call waiting in a queue keeps its parties until an agent
        is offered it."""
        talking = talking_parties(call)
        waits = self.router is not None and self.router.waits(call.id)
        if not waits and (len(talking) < 2 or all(party.state == RINGING for party in talking)):
            for party in call.live_parties():
                self._release_party(party)
        self._touch_call(call)

    def _move_parties(self, source: Call, target: Call) -> None:
        """Every live party of `source` joins `target` (agents get a new leg there, in the same state)."""
        for party in source.live_parties():
            if target.party_numbered(party.number) is not None:
                self._release_party(party)
            elif isinstance(party, Leg):
                moved = self._new_leg(
                    target,
                    self._line(party.device_id),
                    party.state,
                    placed_by=party.placed_by,
                    mute=party.mute,
                    recording=party.recording_state,
                )
                moved.ever_established = party.ever_established
                self._release_leg(party, "released", wrap_up=False)
                if moved.state == RINGING:
                    self._ring_timeout(moved)
            else:
                source.parties.remove(party)
                party.call = target
                party.seq = self._next_seq()
                target.parties.append(party)
        self._touch_call(source)
        self._touch_call(target)
