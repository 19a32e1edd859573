"""A traffic step's live report: one line per interval of simulated time, as the run goes (calls offered,
answered, abandoned, waiting, average and longest wait), on the console and, with --stats-csv, as CSV."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from simulator import cli
from simulator.scenario.model import Traffic
from simulator.scenario.reader import read
from simulator.scenario.runner import ScenarioResult, StepResult, TrafficWatch, run
from simulator.scenario.traffic import TrafficLine

SCENARIO = """\
name: Ten minutes on the Sales line
agents:
  - {user: agent1@example.com, ready: true}
  - {user: agent2@example.com, ready: true}
steps:
  - traffic:
      to: "8000"
      duration: 600
      seed: 11
      arrivals: {exponential: 20}
      talk: {exponential: 60}
      wrapUp: {constant: 5}
      patience: {exponential: 30}
    save: traffic
"""


def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "traffic.yaml"
    path.write_text(SCENARIO)
    return path


async def test_a_line_per_interval_arrives_while_the_step_runs(tmp_path: Path) -> None:
    told: list[Any] = []

    def line(result: ScenarioResult, step: Traffic, traffic: TrafficLine) -> None:
        told.append(traffic)

    def step_done(result: ScenarioResult, step: StepResult) -> None:
        told.append(step)

    result = await run(read(scenario_file(tmp_path)), on_step=step_done, watch=TrafficWatch(line, 120))
    assert result.passed, result.failure
    lines, done = told[:-1], told[-1]
    assert isinstance(done, StepResult) and all(isinstance(item, TrafficLine) for item in lines)  # live: before
    assert [item.time for item in lines[:5]] == [120, 240, 360, 480, 600]
    assert lines[-1].final and not any(item.final for item in lines[:-1])
    for item in lines:
        assert item.to == "8000"
        assert item.offered == item.answered + item.abandoned + item.waiting
    for before, after in zip(lines, lines[1:], strict=False):
        assert after.offered >= before.offered and after.longest_wait >= before.longest_wait
    saved = result.saved["traffic"]
    last = lines[-1]
    assert (last.offered, last.answered, last.abandoned, last.waiting) == (
        saved["offered"], saved["answered"], saved["abandoned"], 0
    )  # fmt: skip
    assert (last.average_wait, last.longest_wait) == (saved["averageWait"], saved["longestWait"])
    assert saved["offered"] > 10 and saved["answered"] > 0


def test_gwsim_run_prints_the_lines_and_writes_them_as_csv(tmp_path: Path, capsys: Any) -> None:
    stats = tmp_path / "stats.csv"
    assert cli.main(["run", str(scenario_file(tmp_path)), "--interval", "60", "--stats-csv", str(stats)]) == 0
    out = capsys.readouterr().out.splitlines()
    header = next(index for index, text in enumerate(out) if text.split()[:3] == ["time", "to", "offered"])
    printed = [parts for parts in (text.split() for text in out[header + 1 :]) if parts[1:2] in (["s"], ["s*"])]
    rows = list(csv.DictReader(stats.open()))
    assert len(printed) == len(rows) >= 11  # 60, 120, ... 600 s, then the end of the step
    assert [row["time"] for row in rows[:10]] == [f"{60.0 * n}" for n in range(1, 11)]
    assert rows[-1]["final"] == "1" and printed[-1][1] == "s*"
    for shown, row in zip(printed, rows, strict=True):
        # time s to offered answered abandoned waiting avg s max s
        assert shown[2:7] == [row["to"], row["offered"], row["answered"], row["abandoned"], row["waiting"]]
        assert float(shown[7]) == round(float(row["averageWait"]), 1)
        assert float(shown[9]) == round(float(row["longestWait"]), 1)


def test_a_wrong_interval_or_csv_path_is_refused(tmp_path: Path, capsys: Any) -> None:
    path = str(scenario_file(tmp_path))
    assert cli.main(["run", path, "--interval", "0"]) == 2
    assert "--interval must be a number of seconds above 0" in capsys.readouterr().err
    assert cli.main(["run", path, "--stats-csv", str(tmp_path / "missing" / "stats.csv")]) == 2
    assert "--stats-csv" in capsys.readouterr().err
