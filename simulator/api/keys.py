"""Typed keys of what the aiohttp application and each request hold."""

from aiohttp import web

from ..core.center_reads import CenterReads
from ..core.users import User
from ..core.world import World
from ..engine import Engine
from ..notify import Notifier
from ..recorded_calls import RecordedCalls
from ..statistics import Statistics
from .auth import Authenticator

CENTER: web.AppKey[CenterReads] = web.AppKey("contact_center")  # read-only: changes go through WORLD
AUTH = web.AppKey("authenticator", Authenticator)
WORLD = web.AppKey("world", World)
NOTIFIER = web.AppKey("notifier", Notifier)
STATISTICS = web.AppKey("statistics", Statistics)
ENGINE = web.AppKey("engine", Engine)  # only when the simulator is shared with other processes
RECORDED_CALLS = web.AppKey("recorded_calls", RecordedCalls)
VIEWER = web.RequestKey("viewer", User)
BODY = web.RequestKey("body", bytes)  # the body as read_body read it, for the request journal
