"""Call operations of the voice core, one by one: what they change, what they tell, and what they refuse."""

from __future__ import annotations

import pytest
from voice_rig import ANSWERS, BUSY, CUSTOMER, NUMBERS, SILENT, Rig

from simulator.core.voice import CALL_OPERATIONS, VoiceOptions

USER_DATA_OPS = {"AttachUserData", "UpdateUserData", "DeleteUserData", "DeleteUserDataPair"}
# The reference's CallStateChangeMessage example of a Dialing call.
DIALING_CAPABILITIES = {"Hangup", "SendDtmf"} | USER_DATA_OPS
# The reference's recording examples of an Established internal call, without the recording operations.
ESTABLISHED_CAPABILITIES = {
    "Hangup",
    "Hold",
    "SingleStepTransfer",
    "SingleStepConference",
    "InitiateTransfer",
    "InitiateConference",
    "SendDtmf",
    "ClearCall",  # not in the reference's example: real servers offer it (the clear_call option)
} | USER_DATA_OPS


@pytest.fixture
def rig() -> Rig:
    return Rig()


# ----- dialing and answering ------------------------------------------------------------------------


def test_dial_internal_rings_the_other_agent_on_the_same_call(rig: Rig) -> None:
    call_id = rig.dial(1, "5002")
    a, b = rig.view(1, call_id), rig.view(2, call_id)
    assert (a.state, b.state) == ("Dialing", "Ringing")
    assert a.id == b.id and a.call_uuid == b.call_uuid and len(a.id) == 16
    assert a.call_type == b.call_type == "Internal"
    assert (a.ani, a.dnis) == ("5001", "5002")
    assert a.participants == ("5002",) and b.participants == ("5001",)
    assert set(a.capabilities) == DIALING_CAPABILITIES
    assert set(b.capabilities) == {"Answer", "ClearCall"} | USER_DATA_OPS  # the real server's ringing list
    assert [(e.device_id, e.notification_type, e.call.state) for e in rig.call_events()] == [
        ("d1", "StatusChange", "Dialing"),
        ("d2", "StatusChange", "Ringing"),
    ]
    assert all(e.user_id == f"u{e.device_id[1]}" for e in rig.call_events())


def test_answer_establishes_both_ends_with_the_reference_capabilities(rig: Rig) -> None:
    call_id = rig.connect(1, 2)
    for agent in (1, 2):
        view = rig.view(agent, call_id)
        assert view.state == "Established"
        assert set(view.capabilities) == ESTABLISHED_CAPABILITIES | {"MuteCall", "StartCallRecording"}
        assert view.recording_state == "Stopped" and view.mute == "Off"


def test_without_mute_the_established_list_is_exactly_the_reference_example() -> None:
    rig = Rig(mute=False, clear_call=False)
    call_id = rig.connect(1, 2)
    assert set(rig.view(1, call_id).capabilities) == ESTABLISHED_CAPABILITIES - {"ClearCall"} | {"StartCallRecording"}
    rig.refused(lambda: rig.op(1, call_id, "MuteCall"), 2)


def test_without_recording_there_is_no_recording_state_nor_operation() -> None:
    rig = Rig(recording=False)
    call_id = rig.connect(1, 2)
    view = rig.view(1, call_id)
    assert view.recording_state is None
    assert not any("Recording" in name for name in view.capabilities)
    rig.refused(lambda: rig.op(1, call_id, "StartCallRecording"), 2)


def test_dial_refusals_change_nothing(rig: Rig) -> None:
    error = rig.refused(lambda: rig.engine.dial("u1", "d1", None), 1)
    assert error.field == "destination"
    assert rig.refused(lambda: rig.engine.dial("u1", "d1", "12ab"), 1).field == "destination"
    assert rig.refused(lambda: rig.engine.dial("u1", "d1", {"phone": "1"}), 1).field == "destination.phoneNumber"
    assert rig.refused(lambda: rig.engine.dial("u1", "d1", "5001"), 1).field == "destination"
    assert rig.refused(lambda: rig.engine.dial("u1", "d1", "5002", ["x"]), 1).field == "userData"
    rig.refused(lambda: rig.engine.dial("u1", "d2", "5003"), 5)
    rig.refused(lambda: rig.engine.dial("u1", "nope", "5003"), 6)
    call_id = rig.dial(1, {"phoneNumber": "5002"})
    error = rig.refused(lambda: rig.dial(1, "5003"), 2)
    assert error.state == "Dialing" and call_id in error.message


def test_dial_carries_user_data_to_both_ends(rig: Rig) -> None:
    call_id = rig.dial(1, "5002", {"case": 7})
    assert rig.view(2, call_id).user_data == {"case": 7}


def test_operate_refusals_name_field_state_and_owner(rig: Rig) -> None:
    call_id = rig.dial(1, "5002")
    error = rig.refused(lambda: rig.op(1, call_id, "Hold"), 2)
    assert error.state == "Dialing" and "Hold" in error.message and "Dialing" in error.message
    rig.refused(lambda: rig.op(1, call_id, "Answer"), 2)
    assert rig.refused(lambda: rig.op(1, call_id, "Fly"), 1).field == "operationName"
    rig.refused(lambda: rig.op(3, call_id, "Hangup"), 6)  # not on this call
    rig.refused(lambda: rig.op(1, "0000000000000000", "Hangup"), 6)
    assert rig.refused(lambda: rig.op(1, call_id, "SendDtmf"), 1).field == "digits"
    assert rig.refused(lambda: rig.op(1, call_id, "SendDtmf", digits="12a"), 1).field == "digits"
    rig.refused(lambda: rig.engine.operate("u1", call_id, "Hangup", ["not", "a", "body"]), 1)  # type: ignore[arg-type]


def test_parameters_are_read_before_the_state(rig: Rig) -> None:
    """A missing parameter is statusCode 1 even when the operation is also invalid now."""
    call_id = rig.dial(1, "5002")
    assert rig.refused(lambda: rig.op(1, call_id, "SingleStepTransfer"), 1).field == "destination"
    assert rig.refused(lambda: rig.op(1, call_id, "SingleStepTransfer", destination="5003"), 2).state == "Dialing"


def test_hangup_of_a_two_party_call_releases_both_and_empties_call_lists(rig: Rig) -> None:
    call_id = rig.connect(1, 2)
    rig.events.clear()
    rig.op(1, call_id, "Hangup")
    assert [(e.device_id, e.call.state) for e in rig.call_events()] == [("d1", "Released"), ("d2", "Released")]
    assert rig.call_events()[0].call.capabilities == ()
    assert rig.calls(1) == [] and rig.calls(2) == []
    assert rig.engine.call_ids() == []
    rig.refused(lambda: rig.op(2, call_id, "Hangup"), 6)


def test_hangup_while_dialing_stops_the_ringing(rig: Rig) -> None:
    call_id = rig.dial(1, "5002")
    rig.op(1, call_id, "Hangup")
    assert rig.calls(2) == []


def test_clear_call_on_a_ringing_call_ends_it_for_everyone(rig: Rig) -> None:
    call_id = rig.dial(1, "5002")
    rig.op(2, call_id, "ClearCall")
    assert rig.calls(1) == [] and rig.calls(2) == []


def test_clear_call_on_an_established_conference_ends_it_for_everyone(rig: Rig) -> None:
    """Real servers offer ClearCall on an established call too: every party is released, not only the
    one who asked, unlike Hangup."""
    call_id = rig.connect(1, 2)
    rig.op(1, call_id, "SingleStepConference", destination="5003")
    rig.op(3, rig.calls(3)[0].id, "Answer")
    assert "ClearCall" in rig.view(1, call_id).capabilities
    rig.op(2, call_id, "ClearCall")
    assert rig.calls(1) == [] and rig.calls(2) == [] and rig.calls(3) == []


def test_hold_and_retrieve_leave_the_other_end_established(rig: Rig) -> None:
    call_id = rig.connect(1, 2)
    rig.op(1, call_id, "Hold")
    assert (rig.state(1, call_id), rig.state(2, call_id)) == ("Held", "Established")
    assert set(rig.view(1, call_id).capabilities) == {"Retrieve", "Hangup"} | USER_DATA_OPS
    rig.refused(lambda: rig.op(1, call_id, "Hold"), 2)
    rig.op(1, call_id, "Retrieve")
    assert rig.state(1, call_id) == "Established"


def test_one_active_call_per_device(rig: Rig) -> None:
    first = rig.connect(1, 2)
    second = rig.dial(3, "5001")
    assert "Answer" not in rig.view(1, second).capabilities
    rig.refused(lambda: rig.op(1, second, "Answer"), 2)
    rig.op(1, first, "Hold")
    assert "Answer" in rig.view(1, second).capabilities
    rig.op(1, second, "Answer")
    assert "Retrieve" not in rig.view(1, first).capabilities
    assert {"SwapCalls", "MergeWithOtherCall"} <= set(rig.view(1, second).capabilities)


# ----- remote parties and timers ----------------------------------------------------------------------


def test_outbound_call_is_answered_by_the_remote_party_after_its_delay(rig: Rig) -> None:
    call_id = rig.dial(1, ANSWERS)
    view = rig.view(1, call_id)
    assert (view.state, view.call_type, view.participants) == ("Dialing", "Outbound", (ANSWERS,))
    rig.clock.advance(1.9)
    assert rig.state(1, call_id) == "Dialing"
    rig.clock.advance(0.1)
    assert rig.state(1, call_id) == "Established"
    assert rig.engine.remote_parties(call_id) == [(ANSWERS, "Established")]
    rig.clock.advance(5)
    assert rig.view(1, call_id).duration == 7


def test_busy_remote_fails_the_dial_with_an_error_notification(rig: Rig) -> None:
    call_id = rig.dial(1, BUSY)
    rig.clock.advance(1)
    [error] = rig.errors()
    assert (error.device_id, error.connection_id, error.user_id) == ("d1", call_id, "u1")
    assert error.error_message.startswith("Busy") and error.call is not None
    assert rig.calls(1) == []
    assert rig.call_events(1)[-1].call.state == "Released"
    assert rig.events.index(error) < rig.events.index(rig.call_events(1)[-1])


def test_unanswered_remote_times_out_and_the_world_may_answer_before(rig: Rig) -> None:
    call_id = rig.dial(1, SILENT)
    rig.clock.advance(29)
    assert rig.state(1, call_id) == "Dialing"
    rig.clock.advance(1)
    assert rig.errors()[0].error_message.startswith("No answer") and rig.calls(1) == []
    other = rig.dial(1, SILENT)
    rig.engine.remote_answer(other, SILENT)
    assert rig.state(1, other) == "Established"
    rig.clock.advance(60)
    assert rig.state(1, other) == "Established"


def test_internal_ringing_times_out(rig: Rig) -> None:
    call_id = rig.dial(1, "5002")
    rig.clock.advance(30)
    assert rig.calls(1) == [] and rig.calls(2) == []
    assert rig.errors()[0].connection_id == call_id


def test_no_timeout_when_disabled() -> None:
    rig = Rig(no_answer_timeout=None)
    call_id = rig.dial(1, "5002")
    rig.clock.advance(3600)
    assert rig.state(2, call_id) == "Ringing"


def test_inbound_call_rings_the_agent_and_the_customer_hangs_up(rig: Rig) -> None:
    call_id = rig.engine.inbound_call(CUSTOMER, "5001", {"account": "42"})
    view = rig.view(1, call_id)
    assert (view.state, view.call_type, view.ani, view.dnis) == ("Ringing", "Inbound", CUSTOMER, "5001")
    assert view.participants == (CUSTOMER,) and view.user_data == {"account": "42"}
    rig.op(1, call_id, "Answer")
    rig.engine.remote_hangup(call_id, CUSTOMER)
    assert rig.calls(1) == [] and rig.engine.call_ids() == []


def test_an_inbound_call_handed_over_by_routing_keeps_the_dialed_number(rig: Rig) -> None:
    call_id = rig.engine.inbound_call(CUSTOMER, "5002", {"queue": "8000"}, dnis="8000")
    view = rig.view(2, call_id)
    assert (view.ani, view.dnis, view.state, view.user_data) == (CUSTOMER, "8000", "Ringing", {"queue": "8000"})
    rig.refused(lambda: rig.engine.inbound_call(CUSTOMER, "5002", dnis="eight"), 1)


def test_world_refusals(rig: Rig) -> None:
    rig.refused(lambda: rig.engine.inbound_call("5002", "5001"), 1)
    rig.refused(lambda: rig.engine.inbound_call(CUSTOMER, "7777"), 6)
    call_id = rig.inbound(1)
    rig.refused(lambda: rig.engine.remote_answer(call_id, CUSTOMER), 2)
    rig.refused(lambda: rig.engine.remote_hangup(call_id, "5001"), 6)
    rig.refused(lambda: rig.engine.remote_send_dtmf(call_id, CUSTOMER, "x"), 1)


def test_dtmf_from_agent_and_from_customer(rig: Rig) -> None:
    call_id = rig.inbound(1)
    rig.op(1, call_id, "SendDtmf", digits="12#*")
    rig.engine.remote_send_dtmf(call_id, CUSTOMER, "9")
    sent = rig.call_events(1, "DtmfSent")
    assert [(e.digits, e.sent_by) for e in sent] == [("12#*", "5001"), ("9", CUSTOMER)]
    assert sent[0].call.state == "Established"


# ----- Do Not Disturb and forwarding ----------------------------------------------------------------------


def test_a_device_on_do_not_disturb_is_not_rung(rig: Rig) -> None:
    rig.device_op(2, "DoNotDisturbOn")
    call_id = rig.dial(1, "5002")
    assert rig.calls(2) == [] and rig.state(1, call_id) == "Dialing"
    rig.clock.advance(0.5)
    assert rig.errors()[0].error_message.startswith("Busy") and rig.calls(1) == []
    inbound = rig.engine.inbound_call(CUSTOMER, "5002")
    rig.clock.advance(0.5)
    assert inbound not in rig.engine.call_ids()


def test_calls_to_a_forwarded_device_ring_the_destination(rig: Rig) -> None:
    rig.device_op(2, "ForwardCallsOn", destination="5003")
    call_id = rig.dial(1, "5002")
    assert rig.calls(2) == [] and rig.state(3, call_id) == "Ringing"
    assert rig.view(1, call_id).participants == ("5003",)
    rig.device_op(2, "ForwardCallsOff")
    assert rig.state(2, rig.dial(3, "5002")) == "Ringing"


def test_a_forwarding_loop_is_unreachable(rig: Rig) -> None:
    rig.device_op(2, "ForwardCallsOn", destination="5003")
    rig.device_op(3, "ForwardCallsOn", destination="5002")
    rig.dial(1, "5002")
    rig.clock.advance(0.5)
    assert rig.errors() and rig.calls(1) == []


def test_forward_to_an_external_number(rig: Rig) -> None:
    rig.device_op(2, "ForwardCallsOn", destination=ANSWERS)
    call_id = rig.dial(1, "5002")
    rig.clock.advance(2)
    assert rig.view(1, call_id).participants == (ANSWERS,) and rig.state(1, call_id) == "Established"


# ----- user data ------------------------------------------------------------------------------------


def test_user_data_operations_are_shared_by_every_leg(rig: Rig) -> None:
    call_id = rig.connect(1, 2)
    rig.events.clear()
    rig.op(1, call_id, "AttachUserData", userData={"a": 1, "b": {"c": 2}})
    rig.op(2, call_id, "UpdateUserData", userData={"a": 3})
    rig.op(1, call_id, "DeleteUserDataPair", key="b")
    assert rig.view(2, call_id).user_data == {"a": 3}
    rig.op(1, call_id, "DeleteUserData", userData={"a": None})
    assert rig.view(2, call_id).user_data == {}
    rig.op(1, call_id, "AttachUserData", userData={"x": "y", "z": "w"})
    rig.op(1, call_id, "DeleteUserData")
    assert rig.view(1, call_id).user_data == {}
    kinds = {e.notification_type for e in rig.call_events()}
    assert kinds == {"AttachedDataChanged"}
    assert len(rig.call_events(2)) == 6
    assert rig.refused(lambda: rig.op(1, call_id, "AttachUserData"), 1).field == "userData"
    assert rig.refused(lambda: rig.op(1, call_id, "UpdateUserData", userData="x"), 1).field == "userData"
    assert rig.refused(lambda: rig.op(1, call_id, "DeleteUserDataPair", key="nope"), 1).field == "key"
    assert rig.refused(lambda: rig.op(1, call_id, "DeleteUserDataPair"), 1).field == "key"


def test_user_data_is_available_while_ringing_and_held(rig: Rig) -> None:
    call_id = rig.dial(1, "5002")
    rig.op(2, call_id, "AttachUserData", userData={"k": "v"})
    assert rig.view(1, call_id).user_data == {"k": "v"}


# ----- mute and recording ---------------------------------------------------------------------------


def test_mute_and_unmute(rig: Rig) -> None:
    call_id = rig.connect(1, 2)
    rig.op(1, call_id, "MuteCall")
    view = rig.view(1, call_id)
    assert view.mute == "On" and "UnmuteCall" in view.capabilities and "MuteCall" not in view.capabilities
    assert rig.view(2, call_id).mute == "Off"
    assert rig.call_events(1)[-1].notification_type == "StatusChange"
    rig.refused(lambda: rig.op(1, call_id, "MuteCall"), 2)
    rig.op(1, call_id, "UnmuteCall")
    assert rig.view(1, call_id).mute == "Off"


def test_recording_follows_the_reference_examples(rig: Rig) -> None:
    call_id = rig.connect(1, 2)
    steps = [
        ("StartCallRecording", "Recording", {"PauseCallRecording", "StopCallRecording"}),
        ("PauseCallRecording", "Paused", {"ResumeCallRecording", "StopCallRecording"}),
        ("ResumeCallRecording", "Recording", {"PauseCallRecording", "StopCallRecording"}),
        ("StopCallRecording", "Stopped", {"StartCallRecording"}),
    ]
    for operation, state, recording_ops in steps:
        rig.op(2, call_id, operation)
        view = rig.view(2, call_id)
        assert view.recording_state == state
        assert set(view.capabilities) == ESTABLISHED_CAPABILITIES | {"MuteCall"} | recording_ops
        assert rig.call_events(2)[-1].notification_type == "CallRecordingStateChange"
        rig.refused(lambda operation=operation: rig.op(2, call_id, operation), 2)
    assert rig.view(1, call_id).recording_state == "Stopped"


def test_recording_stops_when_the_call_ends_and_is_kept_while_held(rig: Rig) -> None:
    call_id = rig.connect(1, 2)
    rig.op(1, call_id, "StartCallRecording")
    rig.op(1, call_id, "Hold")
    view = rig.view(1, call_id)
    assert view.recording_state == "Recording" and "StopCallRecording" not in view.capabilities
    rig.op(1, call_id, "Retrieve")
    rig.op(2, call_id, "Hangup")
    assert rig.call_events(1)[-1].call.recording_state == "Stopped"


# ----- transfers ------------------------------------------------------------------------------------


def test_single_step_transfer_hands_the_customer_to_another_agent(rig: Rig) -> None:
    call_id = rig.inbound(1)
    rig.op(1, call_id, "SingleStepTransfer", destination="5002")
    assert rig.calls(1) == []
    view = rig.view(2, call_id)
    assert (view.state, view.participants, view.call_type) == ("Ringing", (CUSTOMER,), "Inbound")
    rig.op(2, call_id, "Answer")
    assert rig.engine.remote_parties(call_id) == [(CUSTOMER, "Established")]
    assert rig.state(2, call_id) == "Established"


def test_single_step_transfer_refusals(rig: Rig) -> None:
    call_id = rig.inbound(1)
    assert rig.refused(lambda: rig.op(1, call_id, "SingleStepTransfer", destination="5001"), 1).field == "destination"
    assert rig.refused(lambda: rig.op(1, call_id, "SingleStepTransfer", destination=CUSTOMER), 1).field
    rig.op(1, call_id, "SingleStepConference", destination="5002")
    rig.refused(lambda: rig.op(1, call_id, "SingleStepTransfer", destination="5003"), 2)  # a conference


def test_consult_transfer_end_to_end(rig: Rig) -> None:
    call_id = rig.inbound(1, CUSTOMER)
    rig.op(1, call_id, "AttachUserData", userData={"case": "A1"})
    rig.op(1, call_id, "InitiateTransfer", destination={"phoneNumber": "5002"})
    assert rig.state(1, call_id) == "Held"
    [consult] = [v for v in rig.calls(1) if v.id != call_id]
    assert (consult.state, consult.call_type, consult.user_data) == ("Dialing", "Consult", {"case": "A1"})
    assert "CompleteTransfer" not in rig.view(1, call_id).capabilities
    rig.refused(lambda: rig.op(1, call_id, "CompleteTransfer"), 2)
    rig.op(2, consult.id, "Answer")
    assert "CompleteTransfer" in rig.view(1, call_id).capabilities
    assert "CompleteTransfer" in rig.view(1, consult.id).capabilities
    assert "CompleteConference" not in rig.view(1, consult.id).capabilities
    assert "InitiateTransfer" not in rig.view(1, consult.id).capabilities  # no consult from a consult
    rig.refused(lambda: rig.op(1, consult.id, "CompleteTransfer", consultCallUri="ffffffffffffffff"), 1)
    rig.op(1, consult.id, "CompleteTransfer", consultCallUri=f"http://h/api/v2/me/calls/{consult.id}")
    assert rig.calls(1) == []
    [b] = rig.calls(2)
    assert (b.id, b.state, b.participants, b.user_data) == (call_id, "Established", (CUSTOMER,), {"case": "A1"})
    assert consult.id not in rig.engine.call_ids()
    assert rig.engine.remote_parties(call_id) == [(CUSTOMER, "Established")]


def test_complete_transfer_posted_on_the_original_call(rig: Rig) -> None:
    call_id = rig.connect(1, 2)
    rig.op(1, call_id, "InitiateTransfer", destination="5003")
    consult = rig.calls(3)[0].id
    rig.op(3, consult, "Answer")
    rig.op(1, call_id, "CompleteTransfer")
    assert rig.calls(1) == []
    assert rig.view(2, call_id).participants == ("5003",) and rig.view(3, call_id).participants == ("5002",)


def test_consult_to_a_busy_number_leaves_the_original_held(rig: Rig) -> None:
    call_id = rig.inbound(1)
    rig.op(1, call_id, "InitiateTransfer", destination=BUSY)
    rig.clock.advance(1)
    assert rig.errors() and [v.id for v in rig.calls(1)] == [call_id]
    assert set(rig.view(1, call_id).capabilities) >= {"Retrieve", "Hangup"}
    rig.op(1, call_id, "Retrieve")
    assert "InitiateTransfer" in rig.view(1, call_id).capabilities


def test_hanging_up_the_consult_call_allows_a_new_one(rig: Rig) -> None:
    call_id = rig.inbound(1)
    rig.op(1, call_id, "InitiateConference", destination="5002")
    consult = rig.calls(2)[0].id
    rig.op(1, consult, "Hangup")
    assert rig.calls(2) == []
    rig.op(1, call_id, "Retrieve")
    assert "InitiateConference" in rig.view(1, call_id).capabilities


def test_customer_leaving_during_consultation_keeps_the_consult_call(rig: Rig) -> None:
    call_id = rig.inbound(1)
    rig.op(1, call_id, "InitiateTransfer", destination="5002")
    consult = rig.calls(2)[0].id
    rig.op(2, consult, "Answer")
    rig.engine.remote_hangup(call_id, CUSTOMER)
    assert [v.id for v in rig.calls(1)] == [consult]
    assert "CompleteTransfer" not in rig.view(1, consult).capabilities


# ----- conferences ----------------------------------------------------------------------------------


def conference(rig: Rig) -> str:
    """Agent 1 and the customer, with agent 2 conferenced in through a consultation."""
    call_id = rig.inbound(1)
    rig.op(1, call_id, "InitiateConference", destination="5002")
    consult = rig.calls(2)[0].id
    rig.op(2, consult, "Answer")
    rig.op(1, call_id, "CompleteConference", consultCallUri=consult)
    return call_id


def test_consult_conference_end_to_end(rig: Rig) -> None:
    call_id = conference(rig)
    a, b = rig.view(1, call_id), rig.view(2, call_id)
    assert (a.state, b.state) == ("Established", "Established")
    assert set(a.participants) == {CUSTOMER, "5002"} and set(b.participants) == {CUSTOMER, "5001"}
    assert "RemoveParticipantFromConference" in a.capabilities
    assert "SingleStepTransfer" not in a.capabilities
    assert [v.id for v in rig.calls(1)] == [call_id] and [v.id for v in rig.calls(2)] == [call_id]


def test_complete_conference_needs_the_consult_call(rig: Rig) -> None:
    call_id = rig.inbound(1)
    rig.op(1, call_id, "InitiateConference", destination="5002")
    consult = rig.calls(2)[0].id
    rig.op(2, consult, "Answer")
    assert rig.refused(lambda: rig.op(1, call_id, "CompleteConference"), 1).field == "consultCallUri"
    assert rig.refused(lambda: rig.op(1, call_id, "CompleteTransfer"), 2)
    rig.op(1, consult, "CompleteConference", consultCallUri=consult)
    assert rig.state(1, call_id) == "Established" and rig.state(2, call_id) == "Established"


def test_remove_participant_sends_participants_updated(rig: Rig) -> None:
    call_id = conference(rig)
    rig.events.clear()
    assert rig.refused(lambda: rig.op(1, call_id, "RemoveParticipantFromConference", participant="5001"), 1).field
    assert rig.refused(lambda: rig.op(1, call_id, "RemoveParticipantFromConference", participant="5003"), 1).field
    rig.op(1, call_id, "RemoveParticipantFromConference", participant=CUSTOMER)
    assert [(e.device_id, e.notification_type) for e in rig.call_events()] == [
        ("d1", "ParticipantsUpdated"),
        ("d2", "ParticipantsUpdated"),
    ]
    assert rig.view(1, call_id).participants == ("5002",)
    assert "RemoveParticipantFromConference" not in rig.view(1, call_id).capabilities


def test_removing_an_agent_releases_its_leg(rig: Rig) -> None:
    call_id = conference(rig)
    rig.op(1, call_id, "RemoveParticipantFromConference", participant="5002")
    assert rig.calls(2) == [] and rig.view(1, call_id).participants == (CUSTOMER,)


def test_a_party_leaving_a_conference_leaves_the_others_connected(rig: Rig) -> None:
    call_id = conference(rig)
    rig.op(1, call_id, "Hangup")
    assert rig.view(2, call_id).participants == (CUSTOMER,)
    assert rig.call_events(2)[-1].notification_type == "ParticipantsUpdated"


def test_single_step_conference_rings_the_new_party_on_the_same_call(rig: Rig) -> None:
    call_id = rig.inbound(1)
    rig.op(1, call_id, "SingleStepConference", destination="5002")
    assert rig.state(2, call_id) == "Ringing"
    assert set(rig.view(1, call_id).participants) == {CUSTOMER, "5002"}
    assert rig.call_events(1)[-1].notification_type == "ParticipantsUpdated"
    rig.op(2, call_id, "Answer")
    assert set(rig.view(2, call_id).participants) == {CUSTOMER, "5001"}


def test_single_step_conference_to_a_busy_number_reports_the_error(rig: Rig) -> None:
    call_id = rig.inbound(1)
    rig.op(1, call_id, "SingleStepConference", destination=BUSY)
    rig.clock.advance(1)
    assert rig.errors()[0].device_id == "d1"
    assert rig.view(1, call_id).participants == (CUSTOMER,) and rig.state(1, call_id) == "Established"


def test_a_call_left_with_only_ringing_parties_ends(rig: Rig) -> None:
    """Agent 1 rings agent 2 into the customer's call, drops the customer, then transfers to agent 3:
    nobody would be on the line for the two phones ringing, so the call ends."""
    call_id = rig.inbound(1, CUSTOMER)
    rig.op(1, call_id, "SingleStepConference", destination="5002")
    rig.op(1, call_id, "RemoveParticipantFromConference", participant=CUSTOMER)
    assert (rig.state(1, call_id), rig.state(2, call_id)) == ("Established", "Ringing")
    rig.op(1, call_id, "SingleStepTransfer", destination="5003")
    assert rig.calls(1) == rig.calls(2) == rig.calls(3) == []
    assert call_id not in rig.engine.call_ids()


def test_swap_calls_and_merge(rig: Rig) -> None:
    first = rig.inbound(1, CUSTOMER)
    rig.op(1, first, "Hold")
    second = rig.connect(1, 2)
    rig.refused(lambda: rig.op(1, second, "SwapCalls", otherCallUri="0123456789abcdef"), 6)
    rig.refused(lambda: rig.op(1, second, "SwapCalls", otherCallUri=second), 1)
    assert rig.refused(lambda: rig.op(1, second, "SwapCalls"), 1).field == "otherCallUri"
    rig.op(1, second, "SwapCalls", otherCallUri=f"http://h/api/v2/me/calls/{first}")
    assert (rig.state(1, first), rig.state(1, second)) == ("Established", "Held")
    rig.op(1, first, "MergeWithOtherCall", otherCallUri=second)
    assert [v.id for v in rig.calls(1)] == [first]
    assert set(rig.view(1, first).participants) == {CUSTOMER, "5002"}
    assert [v.id for v in rig.calls(2)] == [first]


def test_swap_refuses_a_call_that_is_not_held(rig: Rig) -> None:
    held = rig.inbound(1, CUSTOMER)
    rig.op(1, held, "Hold")
    active = rig.connect(1, 2)
    ringing = rig.dial(3, "5001")
    error = rig.refused(lambda: rig.op(1, active, "SwapCalls", otherCallUri=ringing), 2)
    assert error.state == "Ringing" and error.field is None


# ----- determinism ----------------------------------------------------------------------------------


def test_same_seed_same_ids_and_events() -> None:
    def story() -> list[object]:
        rig = Rig()
        call_id = rig.connect(1, 2)
        rig.op(1, call_id, "InitiateTransfer", destination=ANSWERS)
        rig.clock.advance(3)
        return rig.events

    assert story() == story()


def test_every_operation_is_in_the_table() -> None:
    assert set(CALL_OPERATIONS) >= {
        "Answer",
        "Hangup",
        "Hold",
        "Retrieve",
        "SingleStepTransfer",
        "SingleStepConference",
        "InitiateTransfer",
        "CompleteTransfer",
        "InitiateConference",
        "CompleteConference",
        "RemoveParticipantFromConference",
        "SendDtmf",
        "MuteCall",
        "UnmuteCall",
        "SwapCalls",
        "MergeWithOtherCall",
        "AttachUserData",
        "UpdateUserData",
        "DeleteUserData",
        "DeleteUserDataPair",
        "StartCallRecording",
        "StopCallRecording",
        "PauseCallRecording",
        "ResumeCallRecording",
    }
    assert VoiceOptions().no_answer_timeout == 30.0
    assert NUMBERS[1] == "5001"


# ----- what each agent is told ------------------------------------------------------------------------


def test_consult_transfer_story_as_the_agents_see_it(rig: Rig) -> None:
    """The notifications of a whole consult transfer, in order: a readable record of the model's choices."""
    call_id = rig.inbound(1, CUSTOMER)
    rig.op(1, call_id, "InitiateTransfer", destination="5002")
    consult = rig.calls(2)[0].id
    rig.op(2, consult, "Answer")
    rig.op(1, call_id, "CompleteTransfer")
    story = [
        (e.device_id, "original" if e.call.id == call_id else "consult", e.notification_type, e.call.state)
        for e in rig.call_events()
    ]
    assert story == [
        ("d1", "original", "StatusChange", "Ringing"),
        ("d1", "original", "StatusChange", "Established"),
        ("d1", "original", "StatusChange", "Held"),
        ("d1", "consult", "StatusChange", "Dialing"),
        ("d2", "consult", "StatusChange", "Ringing"),
        # the held call now offers CompleteTransfer: a capability change is a StatusChange too
        ("d1", "original", "StatusChange", "Held"),
        ("d1", "consult", "StatusChange", "Established"),
        ("d2", "consult", "StatusChange", "Established"),
        ("d1", "original", "StatusChange", "Released"),
        ("d2", "original", "StatusChange", "Established"),
        ("d1", "consult", "StatusChange", "Released"),
        ("d2", "consult", "StatusChange", "Released"),
    ]
    held_again = rig.call_events(1)[4].call
    assert "CompleteTransfer" in held_again.capabilities


def test_a_released_leg_keeps_the_participants_it_had(rig: Rig) -> None:
    call_id = rig.inbound(1, CUSTOMER)
    rig.op(1, call_id, "SingleStepTransfer", destination="5002")
    released = rig.call_events(1)[-1].call
    assert (released.state, released.participants) == ("Released", (CUSTOMER,))
