"""Statistics of the simulated traffic, computed from the World's event stream, for the Statistics API."""

from .sampler import Statistics

__all__ = ["Statistics"]
