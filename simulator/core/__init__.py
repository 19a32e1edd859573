"""The contact center itself: synchronous, deterministic, free of I/O."""
