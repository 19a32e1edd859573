"""The websocket transport: batches arrive as text frames, replies leave as text frames.

A held `/meta/connect` must not block the frames that follow it (a client subscribes while its connect
waits), so each held connect waits in a task of its own; one writer task keeps outgoing frames in order.
"""

from __future__ import annotations

import asyncio
import contextlib

import orjson
from aiohttp import WSMsgType, web

from .server import BayeuxServer, Context, HeldConnect, error_string
from .session import Message


async def handle(server: BayeuxServer, request: web.Request) -> web.WebSocketResponse:
    socket = web.WebSocketResponse(max_msg_size=server.options.max_message_size, autoping=True)
    await socket.prepare(request)
    context = Context("websocket", request, request.cookies.get(server.options.browser_cookie))
    outbox: asyncio.Queue[tuple[list[Message], HeldConnect | None, int | None]] = asyncio.Queue()
    writer = asyncio.create_task(_write(server, socket, outbox))
    waiting: dict[asyncio.Task[None], str] = {}  # held connects of this socket -> their session id
    try:
        async for frame in socket:
            if frame.type == WSMsgType.TEXT or frame.type == WSMsgType.BINARY:
                try:
                    decoded = orjson.loads(frame.data)
                except orjson.JSONDecodeError as problem:
                    error = error_string(400, f"malformed JSON: {problem}")
                    outbox.put_nowait(([{"successful": False, "error": error}], None, None))
                    continue
                batch = decoded if isinstance(decoded, list) else [decoded]
                outcome = await server.process(batch, context)
                ended = {r.get("clientId") for r in outcome.replies if r.get("channel") == "/meta/disconnect"}
                if flushing := [task for task, client_id in waiting.items() if client_id in ended]:
                    # A disconnect has woken these; their replies must go out before its own, as with the
                    # reference server: the CometD client closes its websocket on a /meta/disconnect reply
                    # only when no /meta/connect is outstanding, and otherwise leaves it open for good.
                    await asyncio.wait(flushing)
                if outcome.replies:
                    outbox.put_nowait((outcome.replies, None, None))
                if outcome.held is not None and (outcome.held.timeout <= 0 or outcome.held.waiter.done()):
                    # Due at once (messages are queued, or an immediate reply was asked for): a task to wait in
                    # would cost more than the reply itself. It goes out after this batch's other replies.
                    messages, batch_number = server.finish(outcome.held)
                    outbox.put_nowait((messages, outcome.held, batch_number))
                elif outcome.held is not None:
                    task = asyncio.create_task(_hold(server, outcome.held, context, outbox))
                    waiting[task] = outcome.held.session.id
                    task.add_done_callback(lambda done: waiting.pop(done, None))
                    task.add_done_callback(lambda done, held=outcome.held: _release_if_cancelled(held, done))
            elif frame.type == WSMsgType.ERROR:
                break
    finally:
        for task in waiting:
            task.cancel()
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError, RuntimeError):
            await writer
        # Whatever is still in the outbox was never written: connect replies give their messages back.
        while not outbox.empty():
            replies, held, batch = outbox.get_nowait()
            if held is not None:
                server.undelivered(held, replies, batch)
    return socket


async def _hold(server: BayeuxServer, held: HeldConnect, context: Context, outbox: asyncio.Queue) -> None:
    messages, batch = await server.wait(held, context)
    outbox.put_nowait((messages, held, batch))


def _release_if_cancelled(held: HeldConnect, task: asyncio.Task[None]) -> None:
    """Release a held connect whose task was cancelled, even one cancelled before it ever ran.

    `server.wait` releases the hold when it is cancelled, but a task cancelled before its first step
    never enters it: when the socket closes in the same read as a connect, the session would otherwise
    look held forever, and the sweeper, which spares held sessions, would never expire it.
    """
    if task.cancelled():
        held.session.release(held.waiter)


async def _write(server: BayeuxServer, socket: web.WebSocketResponse, outbox: asyncio.Queue) -> None:
    while True:
        replies, held, batch = await outbox.get()
        if socket.closed:  # a closed socket would swallow the frame without a word
            if held is not None:
                server.undelivered(held, replies, batch)
            continue
        try:
            await socket.send_str(orjson.dumps(replies).decode())
        except (ConnectionError, RuntimeError, asyncio.CancelledError):
            if held is not None:
                server.undelivered(held, replies, batch)
            raise
