"""What a run prints, and the JUnit XML file CI systems read.

One scenario at a time, every step is printed as it ends (`ok` or `FAIL`, real milliseconds, simulated
time). With several copies running at once (`--repeat`) step lines would interleave, so each copy prints
one line when it ends, with a running count, and failures are detailed in the summary.
"""

from __future__ import annotations

import csv
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TextIO

from .model import Traffic
from .runner import ScenarioResult, StepResult
from .traffic import TrafficLine

TRAFFIC_HEADER = ("time", "to", "offered", "answered", "abandoned", "waiting", "avg wait", "max wait")
CSV_HEADER = ("scenario", "copy", "step", "time", "to", "offered", "answered", "abandoned", "waiting",
              "averageWait", "longestWait", "final")  # fmt: skip


class Console:
    def __init__(self, stream: TextIO | None = None, *, per_step: bool = True, total: int = 0) -> None:
        self.stream = stream or sys.stdout
        self.per_step = per_step
        self.total = total
        self.done = 0
        self._traffic_shown: set[tuple[int, int]] = set()  # (copy, step number) whose header was printed

    def say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def scenario_started(self, source: str, name: str) -> None:
        if self.per_step:
            self.say(f"{source}: {name}")

    def step(self, result: ScenarioResult, step: StepResult) -> None:
        if not self.per_step:
            return
        mark = "ok  " if step.passed else "FAIL"
        what = step.step.describe()
        what = what if len(what) <= 90 else what[:87] + "..."
        timing = f"[{step.real * 1000:.0f} ms, t={round(step.simulated, 3):g} s]"
        self.say(f"  {mark} {step.step.number:>3} {what}  {timing}")
        if not step.passed:
            self.say(f"         line {step.step.line}: {step.message}")

    def traffic(self, result: ScenarioResult, step: Traffic, line: TrafficLine) -> None:
        """A traffic step's periodic line, as SIPp prints one: a header first, then a line per interval."""
        if not self.per_step:
            return
        if (result.copy, step.number) not in self._traffic_shown:
            self._traffic_shown.add((result.copy, step.number))
            self.say("        {:>11} {:>8} {:>8} {:>8} {:>9} {:>7} {:>9} {:>9}".format(*TRAFFIC_HEADER))
        when = f"{line.time:g} s" + ("*" if line.final else " ")
        self.say(
            f"        {when:>11} {line.to:>8} {line.offered:>8} {line.answered:>8} {line.abandoned:>9} "
            f"{line.waiting:>7} {line.average_wait:>7.1f} s {line.longest_wait:>7.1f} s"
        )

    def scenario_done(self, result: ScenarioResult) -> None:
        self.done += 1
        verdict = "passed" if result.passed else "FAILED"
        if self.per_step:
            if result.error:
                self.say(f"  error: {result.error}")
            skipped = len(result.scenario.steps) - len(result.steps)
            rest = f", {skipped} not run" if skipped and not result.passed else ""
            self.say(f"  {verdict} ({len(result.steps)} steps{rest}, {result.real:.2f} s)")
        else:
            copy = f" #{result.copy + 1}"
            self.say(f"[{self.done}/{self.total}] {verdict} {result.scenario.source}{copy} ({result.real:.2f} s)")

    def summary(self, results: list[ScenarioResult], elapsed: float) -> None:
        failed = [result for result in results if not result.passed]
        if failed and not self.per_step:
            self.say("failures:")
            for result in failed:
                self.say(f"  {result.scenario.source} #{result.copy + 1}: {result.failure}")
        self.say(
            f"{len(results)} scenario runs: {len(results) - len(failed)} passed, {len(failed)} failed ({elapsed:.2f} s)"
        )


def write_junit(path: str | Path, results: list[ScenarioResult], elapsed: float) -> None:
    """One testsuite per scenario file, one testcase per run of it, a failure element for each failed run."""
    root = ET.Element("testsuites", tests=str(len(results)), time=f"{elapsed:.3f}")
    root.set("failures", str(sum(1 for result in results if not result.passed)))
    suites: dict[str, ET.Element] = {}
    for result in results:
        source = result.scenario.source
        suite = suites.get(source)
        if suite is None:
            suite = suites[source] = ET.SubElement(root, "testsuite", name=source, tests="0", failures="0")
        suite.set("tests", str(int(suite.get("tests", "0")) + 1))
        name = result.scenario.name + (f" #{result.copy + 1}" if result.copy else "")
        case = ET.SubElement(suite, "testcase", classname=source, name=name, time=f"{result.real:.3f}")
        if not result.passed:
            suite.set("failures", str(int(suite.get("failures", "0")) + 1))
            failure = ET.SubElement(case, "failure", message=result.failure or "failed")
            failure.text = "\n".join(
                f"{'ok' if step.passed else 'FAIL'} {step.step.number} (line {step.step.line}) "
                f"{step.step.describe()}{': ' + step.message if step.message else ''}"
                for step in result.steps
            )
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


class StatsCsv:
    """The traffic lines as CSV, one row per line, flushed as each comes, for plots while a run goes on."""

    def __init__(self, path: str | Path) -> None:
        self._file = Path(path).open("w", newline="", encoding="utf-8")  # noqa: SIM115 (open for the whole run)
        self._writer = csv.writer(self._file)
        self._writer.writerow(CSV_HEADER)
        self._file.flush()

    def traffic(self, result: ScenarioResult, step: Traffic, line: TrafficLine) -> None:
        self._writer.writerow(
            (result.scenario.source, result.copy + 1, step.number, line.time, line.to, line.offered, line.answered,
             line.abandoned, line.waiting, line.average_wait, line.longest_wait, int(line.final))
        )  # fmt: skip
        self._file.flush()

    def close(self) -> None:
        self._file.close()
