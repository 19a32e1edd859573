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
