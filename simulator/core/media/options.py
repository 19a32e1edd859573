"""The multimedia switches of a contact center, apart from the engine so its parts can name them."""

from __future__ import annotations

from dataclasses import dataclass

from .workbin import DEFAULT_WORKBINS


@dataclass(frozen=True)
class MediaOptions:
    """The multimedia switches of a contact center."""

    invite_timeout: float = 30.0  # seconds an invitation waits for Accept before it is revoked
    capacity: int = 1  # interactions of one channel an agent is offered at once
    attachment_limit: int = 1024 * 1024  # bytes of one attachment
    workbins: tuple[str, ...] = DEFAULT_WORKBINS
