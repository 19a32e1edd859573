"""`/contacts`: users and queues (read-only, derived) and custom contacts (writable by admins)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..core.contacts import CUSTOM, Contact
from .resources import (
    ADMINS,
    EVERYONE,
    Context,
    Kind,
    RouteTable,
    create_route,
    delete_route,
    list_route,
    read_route,
    register,
    update_route,
)
from .validation import DIALABLE, Field, Schema

CONTACT = register(
    Kind(
        "contact",
        "contacts",
        "contact",
        "/contacts",
        document=lambda center, contact: contact.document(),
        find=lambda center, contact_id: center.contact(contact_id),
        fields=("id", "name", "type", "phoneNumber", "userName", "firstName", "lastName", "employeeId"),
    )
)

_NUMBER = Field(
    "phoneNumber",
    required=True,
    pattern=DIALABLE,
    pattern_text="a phone number such as +1 650-555-0100",
    description="The number at which the contact can be reached",
)
CREATE = Schema(
    "contact",
    (
        Field("name", required=True, description="The name of the contact"),
        _NUMBER,
        Field("type", choices=(CUSTOM,), description="Only Custom contacts can be created"),
    ),
    read_only=("id", "userName", "firstName", "lastName", "employeeId"),
)
UPDATE = Schema(
    "contact",
    (Field("name"), replace(_NUMBER, required=False)),
    read_only=("id", "type", "userName", "firstName", "lastName", "employeeId"),
)


def _create(ctx: Context, values: dict[str, Any]) -> Contact:
    values.pop("type", None)
    return ctx.center.add_contact(**values)


def _contact(ctx: Context) -> Contact:
    return ctx.center.contact(ctx.arg("contact_id"))


def add_routes(table: RouteTable) -> None:
    table.add(
        list_route(
            "/contacts",
            CONTACT,
            lambda ctx: ctx.center.contacts(),
            EVERYONE,
            "List the contacts: users, queues and custom contacts",
        ),
        create_route(
            "/contacts", CONTACT, CREATE, _create, ADMINS, "Create a custom contact, or several under `contacts`"
        ),
        read_route("/contacts/{contact_id}", CONTACT, _contact, EVERYONE, "Read a contact"),
        update_route(
            "/contacts/{contact_id}",
            CONTACT,
            _contact,
            UPDATE,
            lambda ctx, contact, values: ctx.center.update_contact(contact, values),
            ADMINS,
            "Update a custom contact (user and queue contacts are read-only)",
        ),
        delete_route(
            "/contacts/{contact_id}",
            CONTACT,
            _contact,
            lambda ctx, contact: ctx.center.remove_contact(contact),
            ADMINS,
            "Delete a custom contact",
        ),
    )
