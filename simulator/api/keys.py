"""Typed keys of what the aiohttp application and each request hold."""

from aiohttp import web

from ..core.contact_center import ContactCenter
from ..core.users import User
from .auth import Authenticator

CENTER = web.AppKey("contact_center", ContactCenter)
AUTH = web.AppKey("authenticator", Authenticator)
VIEWER = web.RequestKey("viewer", User)
