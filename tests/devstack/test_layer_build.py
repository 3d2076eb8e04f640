"""The Lambda layer as `sam build` makes it (layers/shared/Makefile): exactly the locked packages, none of the
runtime's own (boto3, botocore), bytecode that Lambda's read-only /opt can use, for the template's
architecture; and locks that still hold what their readable inputs ask for."""

import re
import shutil
import subprocess
import sys
from email.parser import HeaderParser
from pathlib import Path

import pytest

from devstack.cfn_yaml import load_yaml

REPO = Path(__file__).resolve().parents[2]
LAYER = REPO / "layers" / "shared"
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    return {_canonical(name): version for name, version in _PIN.findall(path.read_text())}


@pytest.fixture(scope="module")
def built_layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    artifacts = tmp_path_factory.mktemp("SharedLayer")
    # The Makefile runs python3.13: this interpreter's folder first, as under `make build`.
    bin_dir = str(Path(sys.executable).parent)
    env = {"PATH": bin_dir + ":/usr/bin:/bin", "ARTIFACTS_DIR": str(artifacts), "HOME": str(Path.home())}
    make = shutil.which("make")
    assert make, "make is needed to build the layer"
    subprocess.run([make, "-f", str(LAYER / "Makefile"), "build-SharedLayer"], env=env, check=True, timeout=600)
    return artifacts / "python"


def test_the_layer_holds_exactly_the_locked_packages(built_layer: Path) -> None:
    installed = {}
    for metadata in built_layer.glob("*.dist-info/METADATA"):
        headers = HeaderParser().parsestr(metadata.read_text(encoding="utf-8"))
        installed[_canonical(headers["Name"])] = headers["Version"]
    assert installed == _pins(LAYER / "requirements.lock")
    assert {"aws-lambda-powertools", "pydantic", "tzdata", "aws-xray-sdk"} <= installed.keys()
    # The runtime's SDK serves the service and the X-Ray SDK: a second copy would only add megabytes.
    for runtime_package in ("boto3", "botocore", "s3transfer", "urllib3", "dateutil"):
        assert not (built_layer / runtime_package).exists()
    assert (built_layer / "tzdata" / "zoneinfo" / "America" / "Chicago").is_file()


def test_the_layer_is_compiled_to_bytecode_that_needs_no_writable_disk(built_layer: Path) -> None:
    sources = list((built_layer / "leadrouter").rglob("*.py"))
    assert sources
    for source in sources:
        compiled = source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"
        header = compiled.read_bytes()[:16]
        # PEP 552: flags 0b01 is hash-based and never checked against the source (no stat, no rewrite).
        assert int.from_bytes(header[4:8], "little") == 1, compiled


def test_the_layer_is_built_for_the_architecture_the_functions_run_on() -> None:
    template = load_yaml(REPO / "template.yaml")
    functions = template["Globals"]["Function"]["Architectures"]
    layer = template["Resources"]["SharedLayer"]
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    makefile_default = re.search(r"^ARCHITECTURE \?= (\S+)$", (LAYER / "Makefile").read_text(), re.MULTILINE)
    assert makefile_default
    assert functions == layer["Properties"]["CompatibleArchitectures"] == [layer["Metadata"]["BuildArchitecture"]]
    assert [makefile_default.group(1)] == functions


@pytest.mark.parametrize(
    ("inputs", "lock"),
    [
        ("layers/shared/requirements.txt", "layers/shared/requirements.lock"),
        ("requirements-dev.txt", "requirements-dev.lock"),
    ],
)
def test_each_lock_pins_what_its_inputs_ask_for_with_hashes(inputs: str, lock: str) -> None:
    asked, locked = _pins(REPO / inputs), _pins(REPO / lock)
    assert asked, inputs
    # `make lock` rewrites the lock after an input changes: a stale lock fails here.
    assert {name: locked.get(name) for name in asked} == asked
    # Each entry (a pin and its indented continuation lines) carries the hashes pip --require-hashes checks.
    entries = [entry for entry in re.split(r"\n(?=\S)", (REPO / lock).read_text()) if _PIN.match(entry)]
    assert len(entries) == len(locked)
    for entry in entries:
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), entry.splitlines()[0]


def test_the_development_environment_runs_the_versions_the_layer_ships() -> None:
    layer, development = _pins(LAYER / "requirements.lock"), _pins(REPO / "requirements-dev.lock")
    assert {name: development.get(name) for name in layer} == layer
