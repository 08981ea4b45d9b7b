"""`contacthub build` and `contacthub package-report`: deployable artefacts without sam build, Docker or python3.12.

`build` writes what `sam build` would, in `.aws-sam/build/`: one directory per function and layer, and a template
pointing at them, which `sam deploy` picks up. Dependencies are installed by this interpreter's pip for the
template's runtime and architecture (``--platform manylinux2014_aarch64 --python-version 3.12
--only-binary=:all:``), so any Python >= 3.11 can build. `package-report` prints each artefact's zipped size.

Bytecode: Lambda's code directories are read-only, so modules shipped without a matching ``.pyc`` are compiled
from source on every cold start (the runtime's own boto3 ships compiled). When a python of the runtime's
version is found (``python3.12`` on PATH, or one uv manages), every artefact gets its ``.pyc`` files, as
unchecked-hash bytecode (a zip's timestamps cannot invalidate it); otherwise the build says what it skipped.
"""
from __future__ import annotations

import argparse
import copy
import io
import json
import re
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from .cli import subcommand
from .template import PROJECT_ROOT, TEMPLATE_PATH, load_template, resources

BUILD_DIR = PROJECT_ROOT / ".aws-sam" / "build"
# In the python3.12 runtime already; bundling them would add ~25 MB unzipped to the layer for no gain (the
# runtime's versions have every API the functions call: DynamoDB, SES v2, Bedrock Converse, SSM, Secrets Manager).
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath")
PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "requirements.txt", "README.md", "*.egg-info")


def _pip_target(requirements: Path, target: Path, architecture: str, python_version: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--no-compile", "--target", str(target), "--platform", PLATFORMS[architecture],
                    "--implementation", "cp", "--python-version", python_version, "--only-binary=:all:",
                    "-r", str(requirements)], check=True, cwd=requirements.parent)


def _drop_runtime_provided(site: Path) -> None:
    for entry in site.iterdir():
        name = re.split(r"[-.]", entry.name, maxsplit=1)[0].lower().replace("_", "-")
        if name in RUNTIME_PROVIDED or entry.name == "bin":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def _drop_duplicates(site: Path, shared: Path) -> None:
    """What a function would ship again although a layer it uses has it already."""
    for entry in list(site.iterdir()):
        if (shared / entry.name).exists():
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def build(build_dir: Path = BUILD_DIR, template_path: Path = TEMPLATE_PATH) -> dict[str, Path]:
    """Every function and layer of the template, built; returns logical id -> artefact directory."""
    template = load_template(template_path)
    root = template_path.parent
    defaults = template.get("Globals", {}).get("Function", {})
    runtime = defaults.get("Runtime", "python3.12")
    python_version = runtime.removeprefix("python")
    if build_dir.exists():
        shutil.rmtree(build_dir)
    built: dict[str, Path] = {}
    for name, layer in resources(template, "AWS::Serverless::LayerVersion").items():
        source = root / layer["Properties"]["ContentUri"]
        architecture = layer.get("Metadata", {}).get("BuildArchitecture", "x86_64")
        site = build_dir / name / "python"
        site.mkdir(parents=True)
        if (source / "requirements.txt").exists():
            _pip_target(source / "requirements.txt", site, architecture, python_version)
            _drop_runtime_provided(site)
        shutil.copytree(source, site, ignore=SKIPPED, dirs_exist_ok=True)
        built[name] = build_dir / name
    dependencies = [built[ref["Ref"]] / "python" for ref in defaults.get("Layers", [])
                    if isinstance(ref, dict) and ref.get("Ref") in built]
    for name, function in resources(template, "AWS::Serverless::Function").items():
        props = function["Properties"]
        source = root / props.get("CodeUri", defaults.get("CodeUri"))
        target = build_dir / name
        shutil.copytree(source, target, ignore=SKIPPED)
        if (source / "requirements.txt").exists():
            architecture = (props.get("Architectures") or defaults.get("Architectures") or ["x86_64"])[0]
            _pip_target(source / "requirements.txt", target, architecture, python_version)
            _drop_runtime_provided(target)
            for shared in dependencies:
                _drop_duplicates(target, shared)
        built[name] = target
    (build_dir / "template.yaml").write_text(built_template(template, built, build_dir))
    interpreter = runtime_python(python_version)
    if interpreter is None:
        print(f"contacthub: no python{python_version} found (PATH, uv): artefacts ship without bytecode, and each "
              "cold start compiles the modules it imports", file=sys.stderr)
    else:
        for name, path in built.items():
            layer = resources(template, "AWS::Serverless::LayerVersion").get(name) is not None
            compile_bytecode(interpreter, path, "/opt" if layer else "/var/task")
    return built


def runtime_python(version: str) -> str | None:
    """An interpreter of the runtime's version: the one on PATH, else one uv or pyenv manages (never downloaded
    here). pyenv's shim on PATH answers only where that version is selected, hence the look in its versions."""
    for found in _interpreters(version):
        probe = subprocess.run([found, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                               capture_output=True, text=True, check=False)
        if probe.stdout.strip() == version:
            return found
    return None


def _interpreters(version: str):
    found = shutil.which(f"python{version}")
    if found:
        yield found
    if shutil.which("uv"):
        result = subprocess.run(["uv", "python", "find", "--no-python-downloads", version], capture_output=True,
                                text=True, check=False)
        if result.returncode == 0 and result.stdout.strip():
            yield result.stdout.strip()
    if shutil.which("pyenv"):
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False).stdout.strip()
        if root:
            yield from (str(p) for p in sorted(Path(root).glob(f"versions/{version}.*/bin/python{version}"),
                                               reverse=True))


def compile_bytecode(interpreter: str, artefact: Path, deployed_at: str) -> None:
    """``.pyc`` beside every module, naming the path the code has once deployed (/var/task, /opt) in tracebacks."""
    subprocess.run([interpreter, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
                    "-s", str(artefact), "-p", deployed_at, str(artefact)], check=True,
                   env={**os.environ, "PYTHONWARNINGS": "ignore"}, stdout=subprocess.DEVNULL)


def built_template(template: dict, built: dict[str, Path], build_dir: Path) -> str:
    """The template with each function's CodeUri and each layer's ContentUri on its built directory, as sam build
    writes it. JSON (a subset of YAML) with the long form of the intrinsic functions the reader produced."""
    template = copy.deepcopy(template)
    template.get("Globals", {}).get("Function", {}).pop("CodeUri", None)
    for name, path in built.items():
        resource = template["Resources"][name]
        key = "CodeUri" if resource["Type"] == "AWS::Serverless::Function" else "ContentUri"
        resource["Properties"][key] = path.relative_to(build_dir).as_posix()
        resource.pop("Metadata", None)  # already built: sam deploy must not build it again
    return json.dumps(template, indent=1) + "\n"


def zipped_size(directory: Path) -> tuple[int, int]:
    """(zipped bytes, unzipped bytes) of a directory, as Lambda would receive it."""
    buffer = io.BytesIO()
    unzipped = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(directory).as_posix())
                unzipped += path.stat().st_size
    return buffer.tell(), unzipped


def _configure_build(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--build-dir", type=Path, default=BUILD_DIR, help=f"where to build (default {BUILD_DIR})")


@subcommand("build", "Build every function and layer into .aws-sam/build/ (no sam, Docker or python3.12 needed; "
                     "with a python3.12, bytecode is compiled too).",
            _configure_build)
def build_command(args: argparse.Namespace) -> int:
    built = build(args.build_dir)
    for name, path in built.items():
        print(f"built {name}: {path}")
    print(f"template: {args.build_dir / 'template.yaml'} (sam deploy uses it)")
    return 0


@subcommand("package-report", "Print each built artefact's zipped and unzipped size (after `contacthub build`).",
            _configure_build)
def package_report(args: argparse.Namespace) -> int:
    if not (args.build_dir / "template.yaml").exists():
        print(f"contacthub: nothing built in {args.build_dir}: run `make build` first", file=sys.stderr)
        return 1
    rows = [(path.name, *zipped_size(path)) for path in sorted(args.build_dir.iterdir()) if path.is_dir()]
    width = max(len(name) for name, *_ in rows)
    print(f"{'artefact':<{width}}  {'zipped MB':>9}  {'unzipped MB':>11}")
    for name, zipped, unzipped in rows:
        print(f"{name:<{width}}  {zipped / 1e6:>9.2f}  {unzipped / 1e6:>11.2f}")
    return 0
