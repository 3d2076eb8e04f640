"""The functions whose cold start stays near boto3's alone load neither pydantic nor Powertools' event handler
on their way to a first answer (docs/DECISIONS.md, "Cold starts: plain code on the hot paths"). Each check
runs in a fresh interpreter, as a cold start does: a module imported at the top of a shared adapter (as the
stream reader's `STORED` once was, 0.12 s of the publisher's CPU) shows up here, not only in a benchmark."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pydantic", "aws_lambda_powertools.event_handler", "jinja2", "phonenumbers")

# A function's handler module, and what its first sample event then reads without AWS (None: nothing).
LIGHT = {
    "event_publisher": "from leadrouter.adapters.stream_records import lead_change\n"
    "event = json.loads((root / 'events/event_publisher/lead_assigned.json').read_text())\n"
    "assert all(lead_change(record) is not None for record in event['Records'])\n",
    "authorizer": None,
    "openapi": None,
    # A sweep that finds nothing overdue (most sweeps): its one query answered by botocore's stubber.
    "sweeper": "os.environ.update(TABLE_NAME='leads', EVENT_BUS_NAME='bus', AWS_ACCESS_KEY_ID='x',"
    " AWS_SECRET_ACCESS_KEY='x')\n"
    "from botocore.stub import Stubber\n"
    "from leadrouter.wiring import services\n"
    "stubbed = Stubber(services().clients.dynamodb)\n"
    "stubbed.add_response('query', {'Items': []})\n"
    "with stubbed:\n"
    "    assert services().sweeper.sweep().leads == 0\n"
    "stubbed.assert_no_pending_responses()\n",
}


@pytest.mark.parametrize("function", LIGHT)
def test_a_light_function_loads_no_heavy_library_on_its_first_event(function: str) -> None:
    code = (
        "import importlib.util, json, os, sys\n"
        "from pathlib import Path\n"
        f"root = Path({str(ROOT)!r})\n"
        "sys.path.insert(0, str(root / 'layers/shared'))\n"
        "os.environ.setdefault('AWS_DEFAULT_REGION', 'us-east-1')\n"
        f"spec = importlib.util.spec_from_file_location('app', root / 'functions/{function}/app.py')\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        + (LIGHT[function] or "")
        + f"print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1]) == []
