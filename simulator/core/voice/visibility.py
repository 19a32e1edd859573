"""Who a party of a monitored call sees, and what its call document says of the monitoring: the reading
of supervisor monitoring (see `monitoring`) applied to calls and their legs."""

from __future__ import annotations

from .call import Call, Leg, RemoteParty
from .monitoring import BARGAIN, COACH, LISTEN_IN, monitoring_document, silent


def sees(viewer: Leg, party: Leg | RemoteParty) -> bool:
    """Whether `party` is among the participants `viewer` is shown."""
    monitor = getattr(party, "monitor", None)
    if viewer.monitor is not None or monitor is None or monitor.state == BARGAIN:
        return True
    return monitor.state == COACH and viewer.device_id == monitor.device_id


def talking_parties(call: Call) -> list[Leg | RemoteParty]:
    return [party for party in call.live_parties() if not silent(party)]


def visible_parties(leg: Leg) -> tuple[str, ...]:
    """The numbers of everyone else live on the call whom the leg is shown, in joining order."""
    return tuple(party.number for party in leg.call.live_parties() if party is not leg and sees(leg, party))


def call_monitoring(leg: Leg) -> tuple[dict[str, str], bool, bool]:
    """(monitoring, supervisorListeningIn, monitoredUserMuted) of a leg's call document."""
    monitor = leg.monitor
    if monitor is not None:
        if not leg.live or not monitor.active:
            return {}, False, False
        agent = leg.call.leg_of(monitor.device_id)
        document = monitoring_document(monitor)
        document["monitoredDeviceId"] = monitor.device_id
        return document, False, agent is not None and agent.mute == "On"
    for party in leg.call.live_parties():
        watching = getattr(party, "monitor", None)
        if watching is not None and watching.device_id == leg.device_id and party is not leg:
            document = monitoring_document(watching)
            document["supervisorDeviceId"] = getattr(party, "device_id", "")
            document["supervisorPhoneNumber"] = party.number
            return document, watching.state in (LISTEN_IN, COACH), False
    return {}, False, False
