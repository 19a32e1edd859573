"""The websocket transport: batches arrive as text frames, replies leave as text frames.

A held `/meta/connect` must not block the frames that follow it (a client subscribes while its connect
waits), so each held connect waits in a task of its own; one writer task keeps outgoing frames in order.

A client that does not read must cost bounded memory. The writer completes a connect reply (takes its
messages from the session) only when it is about to write it, and waits for each frame to be taken by
the network; meanwhile messages stay in the session, where its bounds count them. The outbox between
the reader and the writer is bounded too, so a client that sends without reading stops being read. A
frame that cannot be written within the session's expiry time closes the connection.
"""

from __future__ import annotations

import asyncio
import contextlib

import orjson
from aiohttp import WSMsgType, web

from . import origin
from .held import HeldConnect
from .replies import error_string
from .server import BayeuxServer, Context
from .session import Message

OUTBOX = 16  # replies waiting for the writer before the reader stops reading the client's frames
Outgoing = tuple[list[Message], HeldConnect | None]  # ready replies, or a connect to complete and write


async def handle(server: BayeuxServer, request: web.Request) -> web.StreamResponse:
    foreign = origin.refused(request, server.options.allowed_origins)
    if foreign is not None:
        error = error_string(403, f"websocket with cookies: {foreign}", "origin_denied")
        return web.json_response([{"successful": False, "error": error}], status=403)
    socket = web.WebSocketResponse(max_msg_size=server.options.max_message_size, autoping=True)
    await socket.prepare(request)
    context = Context("websocket", request, request.cookies.get(server.options.browser_cookie))
    outbox: asyncio.Queue[Outgoing] = asyncio.Queue(OUTBOX)
    writer = asyncio.create_task(_write(server, request, socket, outbox))
    waiting: dict[asyncio.Task[None], str] = {}  # held connects of this socket -> their session id
    try:
        async for frame in socket:
            if frame.type == WSMsgType.TEXT or frame.type == WSMsgType.BINARY:
                try:
                    decoded = orjson.loads(frame.data)
                except orjson.JSONDecodeError as problem:
                    error = error_string(400, f"malformed JSON: {problem}")
                    await outbox.put(([{"successful": False, "error": error}], None))
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
                    await outbox.put((outcome.replies, None))
                if outcome.held is not None and (outcome.held.timeout <= 0 or outcome.held.waiter.done()):
                    # Due at once (messages are queued, or an immediate reply was asked for): a task to wait in
                    # would cost more than the reply itself. It goes out after this batch's other replies.
                    await outbox.put(([], outcome.held))
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
        # Whatever is still in the outbox was never written nor taken from its session: held connects
        # have to be let go, so that their sessions can expire.
        while not outbox.empty():
            _, held = outbox.get_nowait()
            if held is not None:
                held.session.release(held.waiter)
    return socket


async def _hold(server: BayeuxServer, held: HeldConnect, context: Context, outbox: asyncio.Queue) -> None:
    await server.wait(held, context)
    await outbox.put(([], held))


def _release_if_cancelled(held: HeldConnect, task: asyncio.Task[None]) -> None:
    """Release a held connect whose task was cancelled, even one cancelled before it ever ran.

    `server.wait` releases the hold when it is cancelled, but a task cancelled before its first step
    never enters it: when the socket closes in the same read as a connect, the session would otherwise
    look held forever, and the sweeper, which spares held sessions, would never expire it.
    """
    if task.cancelled():
        held.session.release(held.waiter)


async def _write(
    server: BayeuxServer, request: web.Request, socket: web.WebSocketResponse, outbox: asyncio.Queue[Outgoing]
) -> None:
    patience = (server.options.interval + server.options.max_interval) / 1000
    while True:
        replies, held = await outbox.get()
        if held is not None:
            replies = server.finish(held)
        if socket.closed:  # a closed socket would swallow the frame without a word
            if held is not None:
                server.undelivered(held)
            continue
        try:
            async with asyncio.timeout(patience):  # the send waits while the network does not take it
                await socket.send_str(orjson.dumps(replies).decode())
        except TimeoutError:
            if held is not None:
                server.undelivered(held)
            if request.transport is not None:
                request.transport.abort()  # half a frame may have gone: the connection cannot go on
            raise
        except (ConnectionError, RuntimeError, asyncio.CancelledError):
            if held is not None:
                server.undelivered(held)
            raise
