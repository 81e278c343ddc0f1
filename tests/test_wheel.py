"""An installed wheel carries its routines: the skill works away from the source tree."""

from __future__ import annotations

import subprocess
import sys

import pytest

from skill.content.loader import routine_files

from .helpers import ROOT

pytest.importorskip("hatchling", reason="building the wheel needs hatchling (pip install .[test])")

CHECK = """
import skill, skill.settings
from skill.model.package import model_path, package_folder
from skill.content.loader import load_catalog
settings = skill.settings.Settings.from_env({})
catalog = load_catalog(settings.routines)
print(skill.__file__)
print(settings.routines[0])
print(len(catalog))
print(model_path(package_folder(), "en-US").is_file())
"""


def test_an_installed_wheel_finds_its_routines(tmp_path):
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
    subprocess.run([*pip, "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path / "dist")], check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("stretch_coach-*.whl")
    site = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=tmp_path, capture_output=True,
                            text=True, env={"PYTHONPATH": str(site)}, timeout=60, check=True)
    module, routines, count, model = result.stdout.split()
    assert module.startswith(str(site))
    assert routines == str(site / "skill" / "routines")
    assert count == str(len(routine_files([ROOT / "routines"])))
    assert model == "True"  # the simulator's interaction model travels too
