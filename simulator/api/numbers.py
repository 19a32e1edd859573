"""`/phone-numbers` and `/voice-environments`: the numbers devices and queues hold, and the switches their
T-Servers serve, which devices and queues link to (`phoneNumberUri`, `voiceEnvironmentUri`), so
`resolveUri=phoneNumberUri` brings a number's details in one request. Both are read-only: a number exists
while a device or queue holds it."""

from __future__ import annotations

from ..core.devices import Device
from ..core.numbering import PhoneNumber
from .resources import EVERYONE, Context, Kind, RouteTable, register
from .route_factories import list_route, read_route


def _readable(ctx: Context, number: PhoneNumber) -> bool:
    """Staff read every number; an agent the numbers of their own devices, as with devices."""
    return ctx.is_staff or (isinstance(number.holder, Device) and number.holder.user_id == ctx.viewer.id)


PHONE_NUMBER = register(
    Kind(
        "phoneNumber",
        "phoneNumbers",
        "phoneNumber",
        "/phone-numbers",
        document=lambda center, number: center.numbering.document(number),
        find=lambda center, number_id: center.numbering.get(number_id),
        fields=("id", "phoneNumber", "e164Number", "localNumber", "country", "location", "type"),
        readable=_readable,
    )
)
VOICE_ENVIRONMENT = register(
    Kind(
        "voiceEnvironment",
        "voiceEnvironments",
        "voiceEnvironment",
        "/voice-environments",
        document=lambda center, environment: environment.document(),
        find=lambda center, environment_id: center.numbering.voice_environment(environment_id),
        fields=("id", "name", "switchName", "tserverName", "state"),
    )
)


def add_routes(table: RouteTable) -> None:
    table.add(
        list_route(
            "/phone-numbers",
            PHONE_NUMBER,
            lambda ctx: ctx.center.numbering.all(),
            EVERYONE,
            "List the phone numbers of devices and queues (an agent: those of their own devices)",
        ),
        read_route(
            "/phone-numbers/{phone_number_id}",
            PHONE_NUMBER,
            lambda ctx: PHONE_NUMBER.find(ctx.center, ctx.arg("phone_number_id")),
            EVERYONE,
            "Read a phone number: e164Number, localNumber, country, location, type",
        ),
        list_route(
            "/voice-environments",
            VOICE_ENVIRONMENT,
            lambda ctx: ctx.center.numbering.voice_environments(),
            EVERYONE,
            "List the voice environments: the switch of each Voice service (T-Server)",
        ),
        read_route(
            "/voice-environments/{voice_environment_id}",
            VOICE_ENVIRONMENT,
            lambda ctx: VOICE_ENVIRONMENT.find(ctx.center, ctx.arg("voice_environment_id")),
            EVERYONE,
            "Read a voice environment",
        ),
    )
