"""Field names of the reference's documents, written down from its examples for the tests to hold the
simulator to: kept apart from the simulator's own lists, so a test never checks the code against itself."""

# The `call` object of CallStateChangeMessage and of the call-recording examples.
CALL_KEYS = frozenset(
    {
        "id",
        "state",
        "callUuid",
        "deviceUri",
        "uri",
        "participants",
        "participantsInfo",
        "ani",
        "dnis",
        "callType",
        "capabilities",
        "userData",
        "duration",
        "mute",
        "recordingState",
    }
)

# One entry of a call's `participantsInfo`.
PARTICIPANT_INFO_KEYS = frozenset({"country", "formattedPhoneNumber", "location", "E164digits", "isValidNumber"})

# What real 8.5.2 servers send on every call besides the reference's fields, in every profile (see
# desktop_shapes for their types): the leg's connId, the path, and the monitoring and case fields.
REAL_SERVER_CALL_KEYS = frozenset(
    {"connId", "path", "monitoring", "supervisorListeningIn", "monitoredUserMuted", "case"}
)

# ... and on every CallStateChangeMessage.
REAL_SERVER_MESSAGE_KEYS = frozenset({"extensions", "metrics"})
