"""Skills, and the level at which a user holds one: what routing will match calls against."""

from __future__ import annotations

from dataclasses import dataclass

MAX_LEVEL = 100


@dataclass
class Skill:
    id: str
    name: str
    description: str | None = None

    def document(self) -> dict[str, object]:
        doc: dict[str, object] = {"id": self.id, "name": self.name}
        if self.description is not None:  # the reference omits a description that was never given
            doc["description"] = self.description
        # The reference shows contact-center skills with level "0": a level only means something per user.
        doc["level"] = "0"
        return doc


@dataclass(frozen=True)
class SkillAssignment:
    """A skill as one user holds it. Not stored: the user keeps skill id -> level, this is the view of one."""

    user_id: str
    skill: Skill
    level: int

    def document(self) -> dict[str, object]:
        doc = self.skill.document()
        doc["level"] = str(self.level)  # a string, as in the reference's examples
        return doc
