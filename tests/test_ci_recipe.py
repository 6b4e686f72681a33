"""The CI recipe works as written: ``docs/ci/github-actions.yml``'s shell steps, taken from the
YAML and run in a throw-away git repository with a base and a head commit of a profile.

The install step really installs netsep-check (this checkout, in place of the recipe's git URL)
into a fresh virtual environment, offline: dependencies come from the running environment.
GitHub's variables are given as GitHub would (``RUNNER_TEMP``, ``github.base_ref``); ``uses:``
steps (checkout, setup-python, uploads) are GitHub's own and are not run. A pull request that
breaks a rule fails, one that only changes an evidence file fails, one that leaves a known gap
as it was passes. ``.pre-commit-hooks.yaml`` is checked against what pre-commit reads.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RECIPE = ROOT / "docs" / "ci" / "github-actions.yml"
GITHUB = {"github.base_ref": "main", "github.event_name": "pull_request"}
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
USAGE_TASKS = "\n  tasks: [email, calendar, messaging, video_meeting, document_collaboration]\n"


def _recipe() -> dict[str, Any]:
    return yaml.safe_load(RECIPE.read_text(encoding="utf-8"))


def _github_value(text: str) -> str:
    """``${{ github.base_ref }}`` as GitHub fills it in; anything else is not for a shell."""
    def fill(match: re.Match[str]) -> str:
        assert match.group(1) in GITHUB, f"unexpected expression in an env value: {text}"
        return GITHUB[match.group(1)]
    return EXPRESSION.sub(fill, str(text))


def _steps(job: str) -> list[dict[str, Any]]:
    """The ``run:`` steps of a job, each with its env merged over the workflow's and job's."""
    recipe = _recipe()
    spec = recipe["jobs"][job]
    steps = []
    for step in spec["steps"]:
        if "run" not in step:
            assert "uses" in step, step
            continue
        assert "${{" not in step["run"], f"an expression inlined into a shell step: {step}"
        env = {**recipe.get("env", {}), **spec.get("env", {}), **step.get("env", {})}
        steps.append({"name": step["name"], "run": step["run"],
                      "env": {k: _github_value(v) for k, v in env.items()}})
    return steps


def _shell() -> list[str]:
    """GitHub runs ``shell: bash`` as ``bash --noprofile --norc -eo pipefail {0}``."""
    assert _recipe()["defaults"]["run"]["shell"] == "bash"
    return ["bash", "--noprofile", "--norc", "-eo", "pipefail"]


def _run_step(step: dict[str, Any], workspace: Path, temp: Path, path: str,
              overrides: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    script = temp / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    env = {"PATH": path, "HOME": str(temp), "LANG": "C.UTF-8", "RUNNER_TEMP": str(temp),
           "GITHUB_WORKSPACE": str(workspace), "PIP_CONFIG_FILE": os.devnull,
           **step["env"], **(overrides or {})}
    return subprocess.run([*_shell(), str(script)], cwd=workspace, env=env, text=True,
                          capture_output=True, timeout=300)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=ci", "-c", "user.email=ci@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> str:
    """PATH with netsep-check installed by the recipe's own install step."""
    if shutil.which("git") is None or shutil.which("bash") is None:
        pytest.skip("git and bash are needed to run the recipe")
    work = tmp_path_factory.mktemp("install")
    source = work / "netsep-check"  # this checkout, as the recipe's git URL would give it
    source.mkdir()
    for name in ("netsep_check", "policies"):
        shutil.copytree(ROOT / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = subprocess.run([str(venv / "bin" / "python"), "-c",
                           "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # the running environment's packages (pip, setuptools, click, ...) without the network
    parents = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (Path(site) / "parent.pth").write_text("\n".join(parents) + "\n", encoding="utf-8")
    path = f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    install = next(s for s in _steps("check") if s["name"] == "Install netsep-check")
    assert install["env"]["NETSEP_CHECK"].startswith("netsep-check @ git+https://")
    offline = {"NETSEP_CHECK": str(source), "PIP_NO_INDEX": "1", "PIP_NO_DEPS": "1",
               "PIP_NO_BUILD_ISOLATION": "0", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    done = _run_step(install, work, work, path, offline)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (venv / "bin" / "netsep-check").is_file()
    return path


def _profile_repo(tmp_path: Path, base: Callable[[Path], None] | None = None,
                  head: Callable[[Path], None] | None = None) -> Path:
    """A repository as the recipe expects: profiles/ with evidence, a base commit on main
    (what ``actions/checkout`` with fetch-depth 0 shows as origin/main) and a head commit."""
    repo = tmp_path / "repo"
    profiles = repo / "profiles"
    profiles.mkdir(parents=True)
    shutil.copy2(EXAMPLES / "m365-compliant.yaml", profiles / "m365.yaml")
    shutil.copytree(EXAMPLES / "evidence", profiles / "evidence")
    if base:
        base(repo)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    _git(repo, "checkout", "-q", "-b", "pull-request")
    if head:
        head(repo)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "head")
    return repo


def _edit(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(repo: Path) -> None:
        path = repo / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    return edit


UNAPPROVED_TASK = _edit("profiles/m365.yaml", USAGE_TASKS,
                        USAGE_TASKS.replace("]", ", customer_chat]"))
HARMLESS = _edit("profiles/m365.yaml", "firm:\n", "# reviewed again this quarter\nfirm:\n")
EVIDENCE_SWAPPED = _edit("profiles/evidence/fsi-evaluation-microsoft-2024.txt", "2024", "2025")


def _job(job: str, repo: Path, path: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run a job's shell steps in order, as GitHub does: the first that fails ends the job."""
    temp = tmp_path / f"runner-temp-{job}"
    temp.mkdir()
    result = None
    for step in _steps(job):
        if "pip install" in step["run"]:
            continue  # done once, by the fixture
        result = _run_step(step, repo, temp, path)
        if result.returncode != 0:
            break
    assert result is not None
    return result


def test_recipe_installs_from_the_repository_not_pypi():
    for job in ("check", "new-failures"):
        install = [s for s in _steps(job) if "pip install" in s["run"]]
        assert [s["run"].strip() for s in install] == ['python -m pip install "$NETSEP_CHECK"']
        assert "git+https://" in install[0]["env"]["NETSEP_CHECK"]
    assert "netsep-check==" not in RECIPE.read_text(encoding="utf-8")


def test_no_regression_passes(installed, tmp_path):
    repo = _profile_repo(tmp_path, head=HARMLESS)
    checked = _job("check", repo, installed, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert (repo / "netsep.sarif").is_file() and (repo / "netsep.json").is_file()
    compared = _job("new-failures", repo, installed, tmp_path)
    assert compared.returncode == 0, compared.stdout + compared.stderr
    assert "every failing finding counts as new" not in compared.stdout


def test_a_rule_that_newly_fails_fails_the_pull_request(installed, tmp_path):
    repo = _profile_repo(tmp_path, head=UNAPPROVED_TASK)
    compared = _job("new-failures", repo, installed, tmp_path)
    assert compared.returncode == 1, compared.stdout + compared.stderr
    assert "SCOPE-TASKS" in compared.stdout


def test_an_evidence_regression_fails_without_a_profile_change(installed, tmp_path):
    repo = _profile_repo(tmp_path, head=EVIDENCE_SWAPPED)
    compared = _job("new-failures", repo, installed, tmp_path)
    assert compared.returncode == 1, compared.stdout + compared.stderr
    assert "EVID-SHA256-MATCH" in compared.stdout


def test_a_known_gap_does_not_block_an_unrelated_change(installed, tmp_path):
    repo = _profile_repo(tmp_path, base=UNAPPROVED_TASK, head=HARMLESS)
    compared = _job("new-failures", repo, installed, tmp_path)
    assert compared.returncode == 0, compared.stdout + compared.stderr
    assert "SCOPE-TASKS" in compared.stdout  # reported, but already failing on main


def test_pre_commit_hook_manifest(installed, tmp_path):
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list) and len(hooks) == 1
    hook = hooks[0]
    known = {"id", "name", "entry", "language", "files", "exclude", "types", "types_or",
             "exclude_types", "always_run", "fail_fast", "verbose", "pass_filenames",
             "require_serial", "description", "language_version", "minimum_pre_commit_version",
             "args", "stages", "additional_dependencies", "log_file"}
    assert set(hook) <= known, set(hook) - known
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert hook["language"] == "python"  # pre-commit pip-installs this repository
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])
    for matched in ("profiles/m365.yaml", "a/profiles/b/x.json", "bank.profile.yml"):
        assert files.search(matched) and not exclude.search(matched), matched
    for skipped in ("README.md", "policies/sandbox-2024/pack.yaml", "profile.yaml",
                    "profiles/evidence/scubagear.json", "profiles/waivers.yaml"):
        assert not files.search(skipped) or exclude.search(skipped), skipped
    repo = _profile_repo(tmp_path, head=UNAPPROVED_TASK)
    env = {"PATH": installed, "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    entry = shlex.split(hook["entry"]) + list(hook.get("args", []))
    ran = subprocess.run([*entry, "profiles/m365.yaml"], cwd=repo, env=env, text=True,
                         capture_output=True, timeout=120)
    assert ran.returncode == 1 and "SCOPE-TASKS" in ran.stdout, ran.stdout + ran.stderr
    _git(repo, "checkout", "-q", "main")
    ran = subprocess.run([*entry, "profiles/m365.yaml"], cwd=repo, env=env, text=True,
                         capture_output=True, timeout=120)
    assert ran.returncode == 0, ran.stdout + ran.stderr
