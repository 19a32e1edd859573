"""One simulator over several `gwsim serve` processes and Redis (`gwsim serve --engine redis://HOST:PORT`).

`lease` decides which process owns the World (a Redis key with a time to live, renewed by its holder);
`forward` sends every operation a process receives to the World and answers with the World's answer;
`stream` carries the World's notifications through a Redis Stream to every process, which delivers them
to its own CometD sessions; `engine` composes them for `create_app`. Needs the `redis` package (the
`redis` extra); nothing here is imported when the simulator runs as one process.
"""

from .engine import RedisEngine

__all__ = ["RedisEngine"]
