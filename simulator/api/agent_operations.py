"""Agent-state, Do Not Disturb and forwarding operations: on /me, on /me/channels/{channel}, on
/channels/{channel} and on /devices/{id}.

The voice channel's state is the voice core's, so every one of these is handed to it: on /me and on the
voice channel for all the agent's devices at once (all or none change), on /devices/{id} for that device.
The agent-state operations are Ready, NotReady (`reason`, `workMode`), AfterCallWork,
StartContactCenterSession / EndContactCenterSession and the operationName of every definition in the
agent-states settings, custom ones included.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..core.agent_state import STATE_PARAMETERS, TEXT_LIST, StateParameter
from ..core.refusals import NOT_FOUND
from . import passwords
from .resources import AGENTS, Context
from .responses import Failure
from .route_factories import Operation
from .validation import Field, Schema

DND = ("DoNotDisturbOn", "DoNotDisturbOff")
FORWARDING = ("ForwardCallsOn", "ForwardCallsOff")
SESSION = ("StartContactCenterSession", "EndContactCenterSession")
AGENT_STATES = ("Ready", "NotReady", "AfterCallWork")


def _field(parameter: StateParameter) -> Field:
    if parameter.kind == TEXT_LIST:
        return Field(parameter.name, type="array", items="string", description=parameter.description)
    choices = f" ({', '.join(parameter.choices)})" if parameter.choices else ""
    return Field(parameter.name, description=parameter.description + choices)


_PARAMETERS: dict[str, tuple[Field, ...]] = {
    **{name: tuple(_field(parameter) for parameter in row) for name, row in STATE_PARAMETERS.items()},
    "ForwardCallsOn": (Field("destination", type="any", description="The number calls are forwarded to"),),
}


def _schema(name: str) -> Schema:
    """Open: the voice core reads the parameters, so every refusal names its field the same way."""
    return Schema(name, _PARAMETERS.get(name, ()), open=True)


def _user_operation(name: str) -> Operation:
    async def run(ctx: Context, values: dict[str, Any]) -> None:
        if (must_change := passwords.first_login_refusal(ctx.viewer)) is not None:
            raise must_change
        ctx.world.agent_operate(ctx.viewer.id, name, values)

    return Operation(_schema(name), AGENTS, run, f"{name} on every device and channel of the current user")


def me_operations() -> dict[str, Operation]:
    """The fixed operations of /me besides ChangePassword."""
    return {name: _user_operation(name) for name in (*SESSION, *AGENT_STATES, *DND)}


def defined_agent_states(ctx: Context) -> Mapping[str, Operation]:
    """The agent-state definitions' operationNames (AuxWork, Offline, custom ones) as operations."""
    return _user_operations(tuple(ctx.center.agent_states))


@functools.lru_cache(maxsize=64)
def _user_operations(names: tuple[str, ...]) -> Mapping[str, Operation]:
    """Built once per list of definitions, not on every request that posts an agent state: the
    operations hold no state of their own."""
    return MappingProxyType({name: _user_operation(name) for name in names})


def _channel_operation(name: str) -> Operation:
    async def run(ctx: Context, values: dict[str, Any]) -> None:
        channel = ctx.arg("channel_id")
        if channel not in ctx.viewer.channels:
            have = ", ".join(ctx.viewer.channels) or "none"
            raise Failure(NOT_FOUND, f"you have no channel {channel!r} (channels: {have})")
        ctx.world.channel_operate(ctx.viewer.id, channel, name, values)

    return Operation(_schema(name), AGENTS, run, f"{name} on one channel of the current user (voice: every device)")


def channel_operations(names: tuple[str, ...]) -> dict[str, Operation]:
    return {name: _channel_operation(name) for name in names}


def defined_channel_states(ctx: Context) -> Mapping[str, Operation]:
    return _channel_operations(tuple(ctx.center.agent_states))


@functools.lru_cache(maxsize=64)
def _channel_operations(names: tuple[str, ...]) -> Mapping[str, Operation]:
    return MappingProxyType(channel_operations(names))


def _device_operation(name: str) -> Operation:
    async def run(ctx: Context, values: dict[str, Any]) -> None:
        ctx.world.device_operate(ctx.viewer.id, ctx.arg("device_id"), name, values)

    return Operation(_schema(name), AGENTS, run, f"{name} on one of the current user's devices")


def device_operations() -> dict[str, Operation]:
    """Do Not Disturb and forwarding, and StopCallRecording, which stops every recording of the device."""
    return {name: _device_operation(name) for name in (*DND, *FORWARDING, "StopCallRecording")}
