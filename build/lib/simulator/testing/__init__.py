"""For teams testing their own clients against the simulator: `simulation` (an in-process simulator on a
virtual clock, with agents over real HTTP and Bayeux), the pytest fixtures built on it
(`simulator.pytest_plugin`, registered as the `gwsim` pytest plugin) and hypothesis strategies of
operation sequences (`simulator.testing.strategies`, which needs hypothesis).
"""

from .simulation import Agent, Simulation, SimulatorError, simulation

__all__ = ["Agent", "Simulation", "SimulatorError", "simulation"]
