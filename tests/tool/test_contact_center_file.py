"""Contact-center files: the built-in one, and every mistake in a user's file reported as file:line: reason."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from simulator.center_file import load, load_default, parse
from simulator.core.contact_center import ContactCenterError

GOOD_USER = """\
  - userName: a@example.com
    password: secret
"""


def fails(text: str) -> str:
    with pytest.raises(ContactCenterError) as caught:
        parse(textwrap.dedent(text), "center.yaml")
    return str(caught.value)


def test_the_default_contact_center_holds_what_the_readme_promises():
    center = load_default()
    numbers = {
        user.userName: [center.devices[d].phoneNumber for d in user.device_ids] for user in center.users.values()
    }
    assert numbers["agent1@example.com"] == ["5001"]
    assert numbers["agent2@example.com"] == ["5002"]
    assert numbers["agent3@example.com"] == ["5003"]
    for name in ("agent1", "agent2", "agent3", "supervisor", "admin"):
        assert center.user_named(f"{name}@example.com").has_password("password")
    assert center.user_named("supervisor@example.com").has_role("ROLE_SUPERVISOR")
    assert center.user_named("admin@example.com").has_role("ROLE_ADMIN")
    queues = {queue.channel: queue.phoneNumber for queue in center.queues.values()}
    assert queues["voice"] == "8000" and {"chat", "email"} <= set(queues)
    levels = {center.skills[s].name: level for s, level in center.user_named("agent1@example.com").skill_levels.items()}
    assert levels == {"Sales": 8, "Support": 3}


def test_the_same_file_gives_the_same_ids():
    first, second = load_default(), load_default()
    assert list(first.users) == list(second.users)
    assert list(first.devices) == list(second.devices)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("users:\n  - userName: a@example.com\n    firstName: A\n", "center.yaml:2: users[0].password is missing"),
        (
            "users:\n" + GOOD_USER + "  - userName: b@example.com\n    pasword: x\n",
            "center.yaml:5: users[1].pasword is not a known field",
        ),
        (
            "users:\n  - userName: a@example.com\n    password: p\n    devices: [{phoneNumber: 5001}]\n",
            'center.yaml:4: users[0].devices[0].phoneNumber must be a string (quote it: "5001")',
        ),
        (
            "skills: [Sales]\nusers:\n  - userName: a@example.com\n    password: p\n    skills:\n"
            "      - {name: Cooking, level: 3}\n",
            "center.yaml:6: users[0].skills[0].name 'Cooking' is not declared under skills",
        ),
        (
            "skills: [Sales]\nusers:\n  - userName: a@example.com\n    password: p\n    skills:\n"
            "      - {name: Sales, level: 300}\n",
            "center.yaml:6: users[0].skills[0].level: level must be an integer between 0 and 100",
        ),
        ("users:\n" + GOOD_USER + GOOD_USER, "center.yaml:4: users[1].userName 'a@example.com' is used twice"),
        (
            "users:\n  - userName: a@example.com\n    password: p\n    roles: [ROLE_AGENT, ROLE_BOSS]\n",
            "center.yaml:4: users[0].roles[1] 'ROLE_BOSS' is not one of ROLE_AGENT, ROLE_SUPERVISOR, ROLE_ADMIN",
        ),
        (
            "users:\n  - userName: a@example.com\n    password: p\n    devices: [{phoneNumber: '5001'}]\n"
            "devices:\n  - {phoneNumber: '5001'}\n",
            "center.yaml:6: devices[0].phoneNumber: device with phoneNumber '5001' already exists",
        ),
        (
            "queues:\n  - {name: Q, channel: voice, phoneNumber: '8000', internal: true}\n",
            "center.yaml:2: queues[0]: phoneNumber cannot be given for an internal queue",
        ),
        (
            "queues:\n  - {name: Q, channel: fax, phoneNumber: '8000'}\n",
            "center.yaml:2: queues[0]: channel 'fax' is not one of voice, chat, email",
        ),
        (
            "settings:\n  agentStates:\n"
            "    - {operationName: Nap, displayName: Nap, state: Ready, workMode: AuxWork}\n",
            "center.yaml:3: settings.agentStates[0]: workMode 'AuxWork' does not apply to state Ready",
        ),
        (
            "settings:\n  reporting:\n    defaultTargetServiceLevelPercentage: 150\n",
            "center.yaml:3: settings.reporting.defaultTargetServiceLevelPercentage: value of "
            "defaultTargetServiceLevelPercentage must be between 1 and 100",
        ),
        ("features: [api-voice, api-teleport]\n", "center.yaml:1: features[1] 'api-teleport' is not one of"),
        ("users: {userName: a@example.com}\n", "center.yaml:1: users must be a list"),
        ("- just a list\n", "center.yaml:1: the file must be a mapping"),
        ("users:\n  - userName: [a\n", "center.yaml:3: not valid YAML"),
        ("", "center.yaml:1: the file is empty"),
        ("name: Mine\ncolour: blue\n", "center.yaml:2: colour is not a known field"),
    ],
)
def test_mistakes_are_reported_with_file_line_and_field_path(text, expected):
    assert fails(text).startswith(expected)


def test_an_unreadable_file(tmp_path: Path):
    with pytest.raises(ContactCenterError, match="nowhere.yaml: cannot read"):
        load(tmp_path / "nowhere.yaml")


def test_a_file_of_ones_own(tmp_path: Path):
    path = tmp_path / "small.yaml"
    path.write_text(
        textwrap.dedent("""\
        name: Small shop
        skills: [Repairs]
        users:
          - userName: fixer@example.com
            password: wrench
            roles: [ROLE_AGENT]
            devices: [{phoneNumber: "7001"}]
            skills: [{name: Repairs, level: 4}]
        queues:
          - {name: Repairs line, channel: voice, phoneNumber: "7100", skills: [Repairs]}
    """)
    )
    center = load(path)
    assert center.name == "Small shop"
    fixer = center.user_named("fixer@example.com")
    assert [skill.level for skill in center.skills_of(fixer)] == [4]
    assert [queue.phoneNumber for queue in center.queues.values()] == ["7100"]


def test_gwsim_serve_refuses_a_bad_file_and_exits_non_zero(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Broken\nusers:\n  - userName: a@example.com\n    firstName: A\n")
    result = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "serve", "--contact-center", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"gwsim: {bad}:3: users[0].password is missing"
    assert result.stdout == ""


def test_gwsim_serve_prints_the_url_and_the_credentials_of_the_default_center():
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line.rstrip())
            if "press Ctrl+C" in line:
                break
    finally:
        process.terminate()
        process.wait(timeout=30)
    banner = "\n".join(lines)
    port = re.search(r"http://127\.0\.0\.1:(\d+)/api/v2", banner)
    assert port is not None and int(port.group(1)) > 0, banner  # the port bound, not the 0 asked for
    for user in (
        "agent1@example.com",
        "agent2@example.com",
        "agent3@example.com",
        "supervisor@example.com",
        "admin@example.com",
    ):
        assert f"{user} / password" in banner


def test_the_default_file_follows_the_published_json_schema():
    jsonschema = pytest.importorskip("jsonschema")
    import json
    from importlib import resources

    import yaml

    schema = json.loads(resources.files("simulator").joinpath("contact_center.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    document = yaml.safe_load(resources.files("simulator").joinpath("default_contact_center.yaml").read_text())
    jsonschema.validate(document, schema)
    broken = {**document, "users": [{"userName": "a@example.com"}]}
    with pytest.raises(jsonschema.ValidationError, match="'password' is a required property"):
        jsonschema.validate(broken, schema)


def test_the_telephony_section_sets_timers_and_what_external_numbers_do():
    center = parse(
        textwrap.dedent(
            """
            users: [{userName: a@example.com, password: p}]
            telephony:
              noAnswerTimeout: null
              busyDelay: 0.25
              wrapUpSeconds: 30
              remoteNumbers:
                - {pattern: "9*", outcome: busy, delay: 1}
                - {pattern: "+1555*", outcome: no_answer}
            """
        ),
        "t.yaml",
    )
    options = center.voice_options
    assert (options.no_answer_timeout, options.busy_delay, options.wrap_up_seconds) == (None, 0.25, 30.0)
    assert options.remote_rule("912").outcome == "busy" and options.remote_rule("912").delay == 1.0
    assert options.remote_rule("+15551").outcome == "no_answer"
    assert options.remote_rule("44").outcome == "answer"
    with pytest.raises(ContactCenterError, match=r"t.yaml:2: telephony.remoteNumbers\[0\].delay must be 0 or more"):
        parse("telephony:\n  remoteNumbers: [{pattern: '*', delay: -1}]\nusers: []\n", "t.yaml")
