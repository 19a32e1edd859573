"""Reading a contact center from YAML, with every mistake reported as `file:line: field.path reason`.

It lives outside `core`, which does no file I/O and knows nothing of this format.

The file is composed into YAML nodes (not plain data) so that each value keeps its line. Each section is
read into calls of the `ContactCenter` methods, so a file is held to exactly the rules the REST API is;
a refusal is reported at the line of the entry that caused it. The schema is described in
`simulator/contact_center.md` and `simulator/contact_center.schema.json`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from . import yaml_nodes
from .center_entry import BOOL, NULL, STR, Entry, plain
from .core.contact_center import DEFAULT, ContactCenter, ContactCenterError
from .core.devices import Device
from .core.profiles import PROFILES, REFERENCE
from .core.refusals import Refusal
from .core.settings import AGENT_STATES, GENERAL, REPORTING
from .core.site import SiteOptions, is_engine, is_origin
from .core.statistic_definitions import DefinitionError, check_names, read_definition
from .core.users import ROLES
from .core.voice import RemoteRule, VoiceOptions


def load_default() -> ContactCenter:
    text = resources.files("simulator").joinpath(DEFAULT).read_text(encoding="utf-8")
    return parse(text, f"<built-in {DEFAULT}>")


def load(path: str | Path) -> ContactCenter:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as problem:
        raise ContactCenterError(f"{path}: cannot read: {problem.strerror}") from None
    return parse(text, str(path))


def parse(text: str, source: str) -> ContactCenter:
    try:
        root = yaml_nodes.compose(text)
    except yaml_nodes.YamlProblem as problem:
        raise ContactCenterError(f"{source}:{problem.line}: {problem.reason}") from None
    if root is None:
        raise ContactCenterError(f"{source}:1: the file is empty: it must be a mapping with at least users")
    top = Entry(source, root, "")
    top.only(
        "name", "seed", "features", "services", "skills", "users", "devices", "queues", "contacts", "settings",
        "telephony", "multimedia", "server", "statistics", "places",
    )  # fmt: skip
    seed = top.integer("seed", required=False)
    center = ContactCenter(name=top.string("name", required=False) or "Contact center", seed=seed or 0)
    _Builder(center, top).build()
    return center


class _Builder:
    """Reads the sections in dependency order: skills before the users and queues that name them."""

    def __init__(self, center: ContactCenter, top: Entry) -> None:
        self.center = center
        self.top = top

    def build(self) -> None:
        self.features()
        self.services()
        self.skills()
        self.queues()
        self.users()
        self.devices()
        self.places()
        self.contacts()
        self.settings()
        self.telephony()
        self.multimedia()
        self.server()
        self.statistics()

    def statistics(self) -> None:
        """The `statistics` section replaces the built-in list; each entry is refused with its property."""
        if "statistics" not in self.top.fields:
            return
        definitions = []
        for path, node in self.top.items("statistics"):
            data = plain(node)
            label = f"{path} ({data.get('name')})" if isinstance(data, dict) and data.get("name") else path
            try:
                definitions.append(read_definition(data))
                check_names(definitions)
            except DefinitionError as problem:
                self.top.fail(node, f"{label}: {problem}")
        self.center.statistics = definitions

    def features(self) -> None:
        if "features" in self.top.fields:
            ids = self.top.strings("features")
            try:
                self.center.set_features(ids)
            except Refusal as refusal:
                self.top.fail(self.top.fields["features"], refusal.message)

    def services(self) -> None:
        entries = self.top.entries("services")
        if entries:
            self.center.services.clear()
        for entry in entries:
            entry.only("id", "name", "type", "state")
            try:
                self.center.add_service(
                    entry.string("name"),
                    entry.string("type"),
                    entry.string("state", required=False) or "Active",
                    entry.string("id", required=False),
                )
            except Refusal as refusal:
                entry.refused(refusal)

    def skills(self) -> None:
        for path, node in self.top.items("skills"):
            if isinstance(node, yaml.ScalarNode) and node.tag == STR:
                name, description, entry, skill_id = node.value, None, None, None
            else:
                entry = Entry(self.top.source, node, path)
                entry.only("id", "name", "description")
                name = entry.string("name")
                description = entry.string("description", required=False)
                skill_id = entry.string("id", required=False)
            if self.center.skill_named(name) is not None:
                self.top.fail(node, f"{path} {name!r} is declared twice")
            self.center.add_skill(name, description, skill_id)

    def queues(self) -> None:
        for entry in self.top.entries("queues"):
            entry.only(
                "id",
                "name",
                "description",
                "channel",
                "phoneNumber",
                "internal",
                "skills",
                "routingTemplate",
                "callRecording",
                "ringTimeout",
            )
            name = entry.string("name")
            channel = entry.string("channel")
            ring_timeout = entry.seconds("ringTimeout", positive=True)
            if ring_timeout is not None:
                node = entry.fields["ringTimeout"]
                if channel != "voice":
                    entry.fail(
                        node,
                        f"{entry.name('ringTimeout')}: only a voice queue rings agents "
                        "(chat and e-mail invitations wait multimedia.inviteTimeout)",
                    )
            number = entry.string("phoneNumber", required=False)
            internal = entry.boolean("internal")
            skills = entry.strings("skills")
            for (path, node), skill in zip(entry.items("skills"), skills, strict=True):
                if self.center.skill_named(skill) is None:
                    entry.fail(node, f"{path} {skill!r} is not declared under skills")
            recording = entry.child("callRecording")
            percentage = 0
            if recording is not None:
                recording.only("percentage")
                percentage = recording.integer("percentage")
            try:
                self.center.add_queue(
                    name,
                    channel,
                    number,
                    internal if internal is not None else number is None,
                    entry.string("description", required=False),
                    skills,
                    entry.string("routingTemplate", required=False),
                    percentage,
                    entry.string("id", required=False),
                    ring_timeout,
                )
            except Refusal as refusal:
                entry.refused(refusal)

    def users(self) -> None:
        for entry in self.top.entries("users"):
            entry.only(
                "id",
                "userName",
                "password",
                "firstName",
                "lastName",
                "roles",
                "employeeId",
                "changePasswordOnFirstLogin",
                "devices",
                "skills",
            )
            user_name = entry.string("userName")
            if self.center.user_named(user_name) is not None:
                entry.fail(entry.fields["userName"], f"{entry.name('userName')} {user_name!r} is used twice")
            roles = entry.strings("roles") or ["ROLE_AGENT"]
            for (path, node), role in zip(entry.items("roles"), roles, strict=False):
                if role not in ROLES:
                    entry.fail(node, f"{path} {role!r} is not one of {', '.join(ROLES)}")
            try:
                user = self.center.add_user(
                    user_name,
                    entry.string("password"),
                    entry.string("firstName", required=False) or "",
                    entry.string("lastName", required=False) or "",
                    roles,
                    entry.string("employeeId", required=False),
                    bool(entry.boolean("changePasswordOnFirstLogin")),
                    entry.string("id", required=False),
                )
            except Refusal as refusal:
                entry.refused(refusal)
            for device_entry in entry.entries("devices"):
                device = self._device(device_entry)
                self.center.assign_device(user, device)
            for skill_entry in entry.entries("skills"):
                skill_entry.only("name", "level")
                name = skill_entry.string("name")
                skill = self.center.skill_named(name)
                if skill is None:
                    skill_entry.fail(
                        skill_entry.fields["name"], f"{skill_entry.name('name')} {name!r} is not declared under skills"
                    )
                level = skill_entry.integer("level", required=False)
                try:
                    self.center.assign_skill(user, skill, 0 if level is None else level)
                except Refusal as refusal:
                    skill_entry.refused(refusal, "level" if "level" in refusal.message else None)

    def devices(self) -> None:
        for entry in self.top.entries("devices"):
            self._device(entry)

    def _device(self, entry: Entry) -> Device:
        entry.only("id", "phoneNumber", "model", "telephonyNetwork", "location")
        number = entry.string("phoneNumber")
        network = entry.string("telephonyNetwork", required=False) or "Private"
        if network not in ("Private", "Public"):
            entry.fail(entry.fields["telephonyNetwork"], f"{entry.name('telephonyNetwork')} must be Private or Public")
        try:
            return self.center.add_device(
                number,
                entry.string("model", required=False),
                network,
                id=entry.string("id", required=False),
                location=entry.string("location", required=False),
            )
        except Refusal as refusal:
            entry.refused(refusal, "phoneNumber")

    def places(self) -> None:
        """Places of Configuration Server: a name and the numbers of the devices there."""
        for entry in self.top.entries("places"):
            entry.only("name", "devices")
            try:
                self.center.add_place(entry.string("name"), entry.strings("devices"))
            except Refusal as refusal:
                entry.refused(refusal, "devices" if refusal.message.startswith("devices") else "name")

    def telephony(self) -> None:
        """How the simulated network behaves: timers, and what external numbers do when dialed."""
        section = self.top.child("telephony")
        if section is None:
            return
        section.only("noAnswerTimeout", "busyDelay", "wrapUpSeconds", "remoteNumbers", "tserver")
        tserver = section.child("tserver")
        for key, node in tserver.fields.items() if tserver is not None else ():
            if not isinstance(node, yaml.ScalarNode) or node.tag == NULL:
                section.fail(node, f"telephony.tserver.{key} must be a single value")
            self.center.tserver[key] = (
                str(yaml.SafeLoader("").construct_object(node)).lower() if node.tag == BOOL else node.value
            )
        defaults = VoiceOptions()
        rules = []
        for entry in section.entries("remoteNumbers"):
            entry.only("pattern", "outcome", "delay")
            outcome = entry.string("outcome", required=False) or "answer"
            if outcome not in ("answer", "busy", "no_answer"):
                entry.fail(entry.fields["outcome"], f"{entry.name('outcome')} must be answer, busy or no_answer")
            delay = entry.seconds("delay")
            rules.append(RemoteRule(entry.string("pattern") or "*", outcome, 2.0 if delay is None else delay))
        no_answer = section.fields.get("noAnswerTimeout")
        explicit_null = isinstance(no_answer, yaml.ScalarNode) and no_answer.tag == NULL
        timeout = section.seconds("noAnswerTimeout")
        busy = section.seconds("busyDelay")
        self.center.voice_options = VoiceOptions(
            remote_rules=tuple(rules),
            no_answer_timeout=None if explicit_null else (defaults.no_answer_timeout if timeout is None else timeout),
            busy_delay=defaults.busy_delay if busy is None else busy,
            wrap_up_seconds=section.seconds("wrapUpSeconds"),
        )

    def multimedia(self) -> None:
        """Chat and e-mail: how long an invitation waits, the attachment limit, the interactions per agent."""
        section = self.top.child("multimedia")
        if section is None:
            return
        section.only("inviteTimeout", "attachmentLimit", "capacity")
        timeout = section.seconds("inviteTimeout")
        if timeout is not None:
            if timeout <= 0:
                section.fail(section.fields["inviteTimeout"], f"{section.name('inviteTimeout')} must be above 0")
            self.center.multimedia["inviteTimeout"] = timeout
        for key in ("attachmentLimit", "capacity"):
            value = section.integer(key, required=False)
            if value is not None:
                if value < 1:
                    section.fail(section.fields[key], f"{section.name(key)} must be 1 or more")
                self.center.multimedia[key] = value

    def server(self) -> None:
        """How the server faces browsers: CORS origins, CSRF, the release profile, HTTP session lifetime."""
        section = self.top.child("server")
        if section is None:
            return
        section.only("allowOrigins", "csrf", "profile", "sessionIdleTimeout", "maxSessions", "statusAnswers", "engine")
        origins = section.strings("allowOrigins")
        for (path, node), origin in zip(section.items("allowOrigins"), origins, strict=True):
            if not is_origin(origin):
                section.fail(node, f"{path} {origin!r} is not an origin: give scheme://host[:port], or *")
        profile = section.string("profile", required=False) or REFERENCE
        if profile not in PROFILES:
            section.fail(section.fields["profile"], f"{section.name('profile')} must be one of {', '.join(PROFILES)}")
        idle = section.seconds("sessionIdleTimeout")
        if idle == 0:
            section.fail(section.fields["sessionIdleTimeout"], f"{section.name('sessionIdleTimeout')} must be above 0")
        most = section.integer("maxSessions", required=False)
        if most is not None and most < 1:
            section.fail(section.fields["maxSessions"], f"{section.name('maxSessions')} must be 1 or more")
        engine = section.string("engine", required=False)
        if engine is not None and not is_engine(engine):
            section.fail(section.fields["engine"], f"{section.name('engine')} must be memory or redis://HOST:PORT")
        defaults = SiteOptions()
        self.center.site = SiteOptions(
            allow_origins=tuple(origins),
            csrf=bool(section.boolean("csrf")),
            profile=profile,
            session_idle_timeout=defaults.session_idle_timeout if idle is None else idle,
            max_sessions=defaults.max_sessions if most is None else most,
            engine=engine,
            status_answers=bool(section.boolean("statusAnswers")),
        )

    def contacts(self) -> None:
        for entry in self.top.entries("contacts"):
            entry.only("id", "name", "phoneNumber")
            self.center.add_contact(
                entry.string("name"), entry.string("phoneNumber"), entry.string("id", required=False)
            )

    def settings(self) -> None:
        settings = self.top.child("settings")
        if settings is None:
            return
        settings.only("general", "reporting", "agentStates", "groups")
        for section, group in (("general", GENERAL), ("reporting", REPORTING)):
            values = settings.child(section)
            if values is None:
                continue
            known = [setting["name"] for setting in self.center.settings_group(group).settings]
            values.only(*known)
            for name in values.fields:
                value = values.fields[name]
                text = str(value.value) if isinstance(value, yaml.ScalarNode) else None
                if text is None:
                    values.fail(value, f"{values.name(name)} must be a single value")
                try:
                    self.center.update_setting(group, {"name": name, "value": text})
                except Refusal as refusal:
                    values.refused(refusal, name)
        for entry in settings.entries("agentStates"):
            entry.only("id", "operationName", "displayName", "state", "workMode", "reason")
            try:
                self.center.add_setting(
                    AGENT_STATES,
                    {
                        key: entry.string(key, required=key in ("operationName", "displayName", "state"))
                        for key in ("id", "operationName", "displayName", "state", "workMode", "reason")
                    },
                )
            except Refusal as refusal:
                entry.refused(refusal)
        for entry in settings.entries("groups"):
            entry.only("name", "displayName", "key", "settings")
            key = entry.string("key", required=False) or "name"
            try:
                defined = self.center.add_settings_group(entry.string("name"), entry.string("displayName"), key)
            except Refusal as refusal:
                entry.refused(refusal, "name")
            for path, node in entry.items("settings"):
                setting = plain(node)
                if not isinstance(setting, dict):
                    entry.fail(node, f"{path} must be a mapping")
                if key not in setting:
                    entry.fail(node, f"{path}.{key} is missing: it is the key of group {defined.name!r}")
                try:
                    defined.add(setting)
                except Refusal as refusal:
                    entry.fail(node, f"{path}: {refusal.message}")
