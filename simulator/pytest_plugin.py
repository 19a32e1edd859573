"""The `gwsim` pytest plugin: a fresh in-process simulator on a virtual clock per test, and logged-in agents.

Fixtures (async, so they need pytest-asyncio; without it, using one fails with a message saying so):

- `gwsim_contact_center`: the contact-center file to load, None for the built-in one; override it in a
  conftest.py to test against your own.
- `gwsim`: a `simulator.testing.Simulation`: `await gwsim.call(from, to)`, `await gwsim.advance(s)`,
  `gwsim.url` for your own client.
- `gwsim_agent`: `await gwsim_agent("agent1@example.com", ready=True)` logs an agent in (REST + Bayeux on
  every /v2/me topic) and returns a `simulator.testing.Agent`.

Installing the package loads this module into every pytest run, so it imports nothing but pytest (and
pytest-asyncio, which pytest has loaded already when it is installed): the simulator is imported when a
test first uses a fixture.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .testing.simulation import Agent, Simulation

MISSING_ASYNCIO = (
    "the gwsim fixtures are coroutines and need pytest-asyncio: pip install pytest-asyncio "
    "(or pip install 'gws-simulator[test]'), then mark the test with @pytest.mark.asyncio or set asyncio_mode = auto"
)

try:
    import pytest_asyncio
except ModuleNotFoundError:
    pytest_asyncio = None  # type: ignore[assignment]


@pytest.fixture
def gwsim_contact_center() -> str | None:
    """The contact-center file the simulator loads (None: the built-in one). Override to use your own."""
    return None


if pytest_asyncio is not None:

    @pytest_asyncio.fixture
    async def gwsim(gwsim_contact_center: str | None) -> AsyncIterator[Simulation]:
        """A simulator on a virtual clock, served on a loopback port for the test."""
        from .testing.simulation import simulation

        async with simulation(gwsim_contact_center) as sim:
            yield sim

    @pytest_asyncio.fixture
    async def gwsim_agent(gwsim: Simulation) -> Callable[..., Awaitable[Agent]]:
        """Log agents in: `await gwsim_agent(user, password="password", session=True, ready=False)`."""

        async def login(user: str, *args: Any, **kwargs: Any) -> Agent:
            return await gwsim.agent(user, *args, **kwargs)

        return login

else:

    @pytest.fixture
    def gwsim(gwsim_contact_center: str | None) -> None:
        """Without pytest-asyncio: fails the test, saying what to install."""
        pytest.fail(MISSING_ASYNCIO, pytrace=False)

    @pytest.fixture
    def gwsim_agent(gwsim: None) -> None:
        """Without pytest-asyncio: fails the test, saying what to install."""
        pytest.fail(MISSING_ASYNCIO, pytrace=False)
