"""Code run in a fresh Python process with the layer on its path, as a Lambda container starts: what a cold
start imports can only be seen there (this test session has imported everything already)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def printed_by_fresh_process(code: str) -> str:
    """What `code` prints, stripped; a failure of the process fails the test with its output."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "layers/shared")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()
