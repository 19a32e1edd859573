"""Supervisor monitoring on `/devices/{id}`: ListenIn, Coach, Bargain and CancelSupervisorMonitoring,
posted by a user with ROLE_SUPERVISOR on an agent's device, and the capabilities that offers them.

The voice core reads the parameters and keeps the table (`core.voice.monitoring`); this module only hands
the request to the World and adds the operations to a device document for a supervisor who may post them
now. Without the feature `api-supervisor-monitoring` the operations and capabilities do not exist.
"""

from __future__ import annotations

from typing import Any

from ..core.users import SUPERVISOR
from ..core.voice.monitoring import MONITOR_PARAMETERS
from .resources import Context
from .route_factories import Operation
from .validation import Field, Schema

SUPERVISORS = frozenset({SUPERVISOR})


def _schema(name: str) -> Schema:
    """Open: the voice core reads the parameters, so every refusal names its field one way."""
    fields = tuple(
        Field(
            p.name,
            type="any",
            json_schema={"type": "string", "enum": list(p.choices)},
            description=f"{p.description} (default {p.default})",
        )
        for p in MONITOR_PARAMETERS[name]
    )
    return Schema(name, fields, open=True)


def _operation(name: str) -> Operation:
    async def run(ctx: Context, values: dict[str, Any]) -> None:
        ctx.world.supervise(ctx.viewer.id, ctx.arg("device_id"), name, values)

    description = f"{name} on an agent's device (supervisors; one supervisor at a time per device)"
    return Operation(_schema(name), SUPERVISORS, run, description)


def supervisor_operations() -> dict[str, Operation]:
    return {name: _operation(name) for name in MONITOR_PARAMETERS}


def with_supervisor_capabilities(ctx: Context, device: Any, document: dict[str, Any]) -> dict[str, Any]:
    """The device document as the viewer sees it: a supervisor also sees the monitoring operations they
    may post on it now (the reference: "users who have the role ROLE_SUPERVISOR may see ...")."""
    if not ctx.viewer.has_role(SUPERVISOR):
        return document
    extra = ctx.world.supervisor_capabilities(device.id, ctx.viewer.id)
    if extra and "capabilities" in document:
        document["capabilities"] = [*document["capabilities"], *extra]
    return document
