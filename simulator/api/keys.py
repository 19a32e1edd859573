"""Typed keys of what the aiohttp application holds."""

from aiohttp import web

from ..core.contact_center import ContactCenter
from .auth import Authenticator

CENTER = web.AppKey("contact_center", ContactCenter)
AUTH = web.AppKey("authenticator", Authenticator)
