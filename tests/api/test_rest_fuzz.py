"""The served OpenAPI document fuzzed by schemathesis with every check, as an admin and as an agent:
every answer is documented (status, content type, schema), no 5xx, valid data accepted, invalid refused.

Bounded and seeded, so a run is reproducible (`st run ... --seed` with the same options) and short.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from rest_client import ADMIN, AGENT1, PASSWORD

pytest.importorskip("schemathesis")

CONFIG = Path(__file__).parents[1] / "schemathesis.toml"
SEED = 20261202
EXAMPLES = 1  # per operation: the suite's budget; a longer run is `st run` with more (see README)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("user", [ADMIN, AGENT1])
async def test_the_openapi_document_holds_under_schemathesis(live_server, user, tmp_path):
    st = Path(sys.executable).with_name("st")
    command = [
        str(st),
        "--config-file",
        str(CONFIG),
        "run",
        f"{live_server.url}/api/v2/openapi.json",
        "--auth",
        f"{user}:{PASSWORD}",
        "--checks",
        "all",
        "--phases",
        "examples,fuzzing",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--no-color",
    ]
    env = {key: value for key, value in os.environ.items() if not key.startswith("SCHEMATHESIS_")}
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=tmp_path, env=env
    )
    output, _ = await process.communicate()
    report = output.decode(errors="replace")
    (tmp_path / "schemathesis.txt").write_text(report)
    assert process.returncode == 0, report[-6000:]
    assert "No issues found" in report or " passed" in report, report[-2000:]
