"""`/contacts`: users and queues (read-only, derived) and custom contacts (writable by admins).

Transfer dialogs of real desktops list contacts with search, sorting and paging parameters
(`searchTerm`, `sortBy`, `order`, `limit`, `offset`) and read each contact's `phoneNumbers` and
`availability` (computed from the agent's state: Available, Busy, NotAvailable, Offline). Parameters
that only tune a search on real servers (`includeUsersInBusinessUnits`, and any `include...`,
`exclude...`, `search...` or `match...` one) are accepted and change nothing here; any other parameter
filters on a field, as on every list.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiohttp import web

from ..core.center_reads import CenterReads
from ..core.contacts import CUSTOM, QUEUE, USER, Contact
from ..core.numerals import is_whole_number
from ..core.refusals import INVALID
from .login import SWITCH
from .resources import ADMINS, EVERYONE, Context, Kind, RouteTable, listing, parse_query, register
from .responses import Failure, ok
from .route_factories import (
    bulk_delete_route,
    bulk_update_route,
    create_route,
    custom_route,
    delete_route,
    read_route,
    update_route,
)
from .validation import DIALABLE, Field, Schema

PAGING = ("searchTerm", "sortBy", "order", "sortOrder", "limit", "offset")
TUNING_PREFIXES = ("include", "exclude", "search", "match")

CONTACT = register(
    Kind(
        "contact",
        "contacts",
        "contact",
        "/contacts",
        document=lambda center, contact: document(center, contact),
        find=lambda center, contact_id: center.contact(contact_id),
        for_viewer=lambda ctx, contact, doc: with_availability(ctx, contact, doc),
        fields=(
            "id", "name", "type", "phoneNumber", "userName", "firstName", "lastName", "employeeId", "availability",
        ),
        self_link=True,
    )
)  # fmt: skip


def document(center: CenterReads, contact: Contact) -> dict[str, Any]:
    """The contact with the numbers real servers send, and the place of its availability, which depends on
    calls going on: only the World knows them, and `with_availability` fills it in."""
    doc: dict[str, Any] = contact.document()
    numbers = [] if contact.phoneNumber is None else [contact.phoneNumber]
    description = {USER: "Work", QUEUE: "Queue", CUSTOM: "Contact"}[contact.type]
    doc["phoneNumbers"] = [{"phoneNumber": n, "description": description, "switchName": SWITCH} for n in numbers]
    doc["availability"] = None
    return doc


def with_availability(ctx: Context, contact: Contact, doc: dict[str, Any]) -> dict[str, Any]:
    doc["availability"] = availability(ctx, contact)
    return doc


def availability(ctx: Context, contact: Contact) -> str:
    """Available (Ready, no call), Busy (on a call or Do Not Disturb), NotAvailable (NotReady, after-call
    work), Offline (logged out); queues are Available and custom contacts Unknown."""
    if contact.type == QUEUE:
        return "Available"
    user = ctx.center.users.get(contact.id) if contact.type == USER else None
    if user is None:
        return "Unknown"
    state, dnd = ctx.center.voice_state_of(user.id)
    if state.get("state") in ("Logout", "LoggedOut"):
        return "Offline"
    if dnd == "On" or ctx.world.calls_of(user.id):
        return "Busy"
    return "Available" if state.get("state") == "Ready" else "NotAvailable"


async def _list(ctx: Context) -> web.Response:
    """The list convention, after a search, a sort and a page (tuning parameters set aside)."""
    query = ctx.request.query
    kept = {name: value for name, value in query.items() if name not in PAGING and not name.startswith(TUNING_PREFIXES)}
    inner = replace(ctx, request=ctx.request.clone(rel_url=ctx.request.rel_url.with_query(kept)))
    options = parse_query(inner, CONTACT, listing=True)
    contacts = ctx.center.contacts()
    term = query.get("searchTerm", "").strip().lower()
    if term:
        contacts = [contact for contact in contacts if term in _searched(contact)]
    order = (query.get("order") or query.get("sortOrder") or "Ascending").lower()
    if order not in ("ascending", "descending", "asc", "desc"):
        raise Failure(INVALID, f"order {order!r} must be Ascending or Descending")
    sort_by = query.get("sortBy")
    if sort_by is not None:
        if sort_by not in CONTACT.fields:
            raise Failure(
                INVALID, f"sortBy {sort_by!r} is not a field of contact (fields: {', '.join(CONTACT.fields)})"
            )
        contacts.sort(key=lambda contact: str(_sort_document(ctx, contact).get(sort_by) or "").lower(),
                      reverse=order.startswith("desc"))  # fmt: skip
    offset, limit = _count(query, "offset") or 0, _count(query, "limit")
    body = listing(inner, CONTACT, contacts, options)
    if "offset" not in query and "limit" not in query:
        return ok(**body)
    key = next(iter(body))
    total = len(body[key])
    body[key] = body[key][offset : None if limit is None else offset + limit]
    return ok(**body, totalCount=total)  # a page says how many there are in all


def _sort_document(ctx: Context, contact: Contact) -> dict[str, Any]:
    return with_availability(ctx, contact, document(ctx.center, contact))


def _searched(contact: Contact) -> str:
    fields = (contact.name, contact.userName, contact.firstName, contact.lastName, contact.phoneNumber)
    return " ".join(value for value in fields if value).lower()


def _count(query: Any, name: str) -> int | None:
    text = query.get(name)
    if text is None:
        return None
    if not is_whole_number(text):
        raise Failure(INVALID, f"{name} must be a whole number, 0 or more")
    return int(text)


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
    return ctx.world.add_contact(**values)


def _contact(ctx: Context) -> Contact:
    return ctx.center.contact(ctx.arg("contact_id"))


def add_routes(table: RouteTable) -> None:
    table.add(
        replace(
            custom_route(
                "GET",
                "/contacts",
                _list,
                EVERYONE,
                "List the contacts: users, queues and custom contacts (also searchTerm, sortBy, order, limit, offset)",
                "list",
            ),
            kind=CONTACT,
            filters=True,
        ),
        create_route(
            "/contacts", CONTACT, CREATE, _create, ADMINS, "Create a custom contact, or several under `contacts`"
        ),
        bulk_update_route(
            "/contacts",
            CONTACT,
            UPDATE,
            lambda ctx, contact, values: ctx.world.update_contact(contact, values),
            ADMINS,
            "Update custom contacts: one `{id, ...}`, or several under `contacts`",
        ),
        bulk_delete_route(
            "/contacts",
            CONTACT,
            lambda ctx, contact: ctx.world.remove_contact(contact),
            ADMINS,
            "Delete the custom contacts whose URIs are given",
        ),
        read_route("/contacts/{contact_id}", CONTACT, _contact, EVERYONE, "Read a contact"),
        update_route(
            "/contacts/{contact_id}",
            CONTACT,
            _contact,
            UPDATE,
            lambda ctx, contact, values: ctx.world.update_contact(contact, values),
            ADMINS,
            "Update a custom contact (user and queue contacts are read-only)",
        ),
        delete_route(
            "/contacts/{contact_id}",
            CONTACT,
            _contact,
            lambda ctx, contact: ctx.world.remove_contact(contact),
            ADMINS,
            "Delete a custom contact",
        ),
    )
