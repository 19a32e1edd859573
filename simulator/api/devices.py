"""`/devices`: every phone of the contact center. Agents see only their own."""

from __future__ import annotations

from ..core.devices import TELEPHONY_NETWORKS, Device
from .agent_operations import device_operations
from .monitoring import supervisor_operations, with_supervisor_capabilities
from .resources import ADMINS, EVERYONE, Context, Kind, Link, RouteTable, register
from .route_factories import bulk_delete_route, create_route, delete_route, list_route, operations_route, read_route
from .validation import PHONE, Field, Schema


def _readable(ctx: Context, device: Device) -> bool:
    return ctx.is_staff or device.user_id == ctx.viewer.id


DEVICE = register(
    Kind(
        "device",
        "devices",
        "device",
        "/devices",
        document=lambda center, device: center.device_document(device),
        find=lambda center, device_id: center.device(device_id),
        fields=(
            "id",
            "phoneNumber",
            "e164Number",
            "telephonyNetwork",
            "vendor",
            "model",
            "deviceState",
            "doNotDisturb",
            "forwardTo",
            "capabilities",
            "userState",
            "country",
            "userUri",
            "description",
            "channels",
            "dynamicPhoneNumber",
            "voiceEnvironmentUri",
            "phoneNumberUri",
            "localNumber",
            "location",
            "type",
        ),
        links={
            "userUri": Link("user", lambda center, device: center.owner_of(device)),
            "voiceEnvironmentUri": Link(
                "voiceEnvironment", lambda center, device: center.numbering.voice_environment_of(device)
            ),
            # The Resolving URIs examples put a device's resolved number under `phoneNumber`.
            "phoneNumberUri": Link("phoneNumber", lambda center, device: center.numbering.of(device)),
        },
        readable=_readable,
        for_viewer=with_supervisor_capabilities,
    )
)

CREATE = Schema(
    "device",
    (
        Field(
            "phoneNumber",
            required=True,
            pattern=PHONE,
            pattern_text="digits, optionally after a +",
            description="The number that reaches the device; unique among devices and queues",
        ),
        Field("model", description="The device model"),
        Field("telephonyNetwork", choices=TELEPHONY_NETWORKS, description="Private (the default) or Public"),
    ),
)


def _device(ctx: Context) -> Device:
    return ctx.center.device(ctx.arg("device_id"))


def add_routes(table: RouteTable) -> None:
    table.add(
        list_route(
            "/devices",
            DEVICE,
            lambda ctx: ctx.center.devices.values(),
            EVERYONE,
            "List the devices (an agent sees only their own)",
        ),
        create_route(
            "/devices",
            DEVICE,
            CREATE,
            lambda ctx, values: ctx.world.add_device(**values),
            ADMINS,
            "Create a device, or several under `devices`",
            identity="phoneNumber",
        ),
        bulk_delete_route(
            "/devices",
            DEVICE,
            lambda ctx, device: ctx.world.remove_device(device),
            ADMINS,
            "Delete the devices whose URIs are given",
        ),
        read_route("/devices/{device_id}", DEVICE, _device, EVERYONE, "Read a device (an agent: only their own)"),
        operations_route(
            "/devices/{device_id}",
            {**device_operations(), **supervisor_operations()},
            "Do Not Disturb and call forwarding on one's own device; supervisor monitoring of an agent's device",
        ),
        delete_route(
            "/devices/{device_id}",
            DEVICE,
            _device,
            lambda ctx, device: ctx.world.remove_device(device),
            ADMINS,
            "Delete a device",
        ),
    )
