"""Package sizes after `sam build`: every function and the layer, unzipped and zipped, and the biggest
packages in the layer."""

import io
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def _zipped(path: Path) -> int:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in path.rglob("*"):
            if item.is_file():
                archive.write(item, item.relative_to(path))
    return buffer.tell()


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        build = Path(scratch) / "build"
        # sam and python3.13 come from this virtual environment, as under make.
        venv_bin = str(Path(sys.executable).parent)
        env = {**os.environ, "SAM_CLI_TELEMETRY": "0", "PATH": venv_bin + os.pathsep + os.environ.get("PATH", "")}
        subprocess.run(
            [
                str(Path(venv_bin) / "sam"),
                "build",
                "--build-dir",
                str(build),
                "--cache-dir",
                str(Path(scratch) / "cache"),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        print("package sizes after sam build (unzipped / zipped)")
        artifacts: dict[str, Any] = {}
        for artifact in sorted(path for path in build.iterdir() if path.is_dir()):
            unzipped, zipped = _size(artifact), _zipped(artifact)
            artifacts[artifact.name] = {"unzipped_bytes": unzipped, "zipped_bytes": zipped}
            print(f"  {artifact.name:22s} {_megabytes(unzipped)} / {_megabytes(zipped)}")
        biggest: list[tuple[str, int]] = []
        layer = build / "SharedLayer" / "python"
        if layer.exists():
            biggest = sorted(
                ((item.name, _size(item)) for item in layer.iterdir() if item.is_dir()), key=lambda x: -x[1]
            )
            print("  biggest in the layer: " + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in biggest[:6]))
        # Compiled ahead of time (Lambda's /opt is read-only): worth telling apart from the sources.
        bytecode = sum(item.stat().st_size for item in layer.rglob("*.pyc")) if layer.exists() else 0
        print(f"  of the layer, bytecode: {bytecode / 1e6:.2f} MB")
        return {"artifacts": artifacts, "layer_biggest": dict(biggest[:10]), "layer_bytecode_bytes": bytecode}


def _megabytes(size: int) -> str:
    # A function's own code is a few kilobytes (the layer holds the rest): in kB, not "0.00 MB".
    return f"{size / 1e6:8.2f} MB" if size >= 100_000 else f"{size / 1e3:8.1f} kB"
