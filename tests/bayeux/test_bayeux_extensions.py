"""Server extensions: they see every message received and every reply sent, and may refuse a message."""

from __future__ import annotations

from typing import Any

import bayeux


class Recorder(bayeux.Extension):
    """Marks the replies it sees, and refuses publications on /forbidden/**."""

    def __init__(self) -> None:
        self.incoming_channels: list[str] = []
        self.gone: list[str] = []

    def incoming(self, session: bayeux.ServerSession | None, message: dict[str, Any]) -> bool:
        self.incoming_channels.append(message["channel"])
        return not message["channel"].startswith("/forbidden/")

    def outgoing(self, session: bayeux.ServerSession, reply: dict[str, Any]) -> None:
        reply.setdefault("ext", {})["seen"] = True

    def removed(self, session: bayeux.ServerSession) -> None:
        self.gone.append(session.id)


async def test_an_extension_sees_incoming_messages_and_marks_outgoing_replies(bare):
    harness, client = await bare(policy=bayeux.SecurityPolicy(publish_channels=("/**",)))
    recorder = Recorder()
    harness.server.add_extension(recorder)
    raw = client()
    hello = await raw.handshake(ack=True)
    assert hello["ext"] == {"ack": True, "seen": True}, "the acknowledge extension ran first, then this one"
    subscribe = await raw.send("/meta/subscribe", subscription="/chat/room")
    assert subscribe["successful"] and subscribe["ext"] == {"seen": True}
    connect = (await raw.connect(advice={"timeout": 0}))[-1]
    assert connect["ext"]["seen"] is True and isinstance(connect["ext"]["ack"], int)
    assert recorder.incoming_channels == ["/meta/handshake", "/meta/subscribe", "/meta/connect"]

    refused = await raw.send("/forbidden/room", data={"n": 1})
    assert refused["successful"] is False and refused["error"] == "403::extension_denied"
    published = await raw.send("/chat/room", data={"n": 2})
    assert published["successful"] is True
    delivered = await raw.connect(advice={"timeout": 0})
    assert [m.get("data") for m in delivered[:-1]] == [{"n": 2}], "the refused message reached nobody"

    await raw.send("/meta/disconnect")
    assert recorder.gone == [raw.client_id]


async def test_a_refused_handshake_makes_no_session(bare):
    class NoHandshakes(bayeux.Extension):
        def incoming(self, session: bayeux.ServerSession | None, message: dict[str, Any]) -> bool:
            return message["channel"] != "/meta/handshake"

    harness, client = await bare()
    harness.server.add_extension(NoHandshakes())
    raw = client()
    hello = await raw.handshake(ack=True)
    assert hello["successful"] is False and hello["error"] == "403::extension_denied"
    assert harness.server.sessions == {}
    acks = harness.server.extension(bayeux.AcknowledgeExtension)
    assert acks is not None and not acks._sessions, "the acknowledge extension forgot the refused session"
