"""The package as users get it: optimized imports, optional dependencies, a clean working tree."""
import os
import subprocess
import sys

import pytest

import ms_lr

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_imports_and_builds_under_python_OO():
    # -OO strips docstrings; declaring a schedule must not depend on them.
    code = "import ms_lr; print(float(ms_lr.evaluate(ms_lr.CosineAnnealingLR(0.1, 10), [5])[0]))"
    result = subprocess.run([sys.executable, "-OO", "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert abs(float(result.stdout.strip().splitlines()[-1]) - 0.05) < 1e-7


def test_yaml_without_pyyaml_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "yaml", None)     # as if PyYAML were not installed
    schedule = ms_lr.StepLR(0.1, 10)
    for action in (lambda: ms_lr.dump(schedule, str(tmp_path / "s.yaml")),
                   lambda: ms_lr.load(str(tmp_path / "s.yaml"))):
        (tmp_path / "s.yaml").write_text("type: StepLR\nbase_lr: 0.1\nstep_size: 10\n")
        with pytest.raises(ImportError, match="PyYAML"):
            action()
    ms_lr.dump(schedule, str(tmp_path / "s.json"))      # JSON needs nothing extra
    assert ms_lr.load(str(tmp_path / "s.json")).get_config() == schedule.get_config()


def test_a_failed_trial_compile_leaves_no_dump_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("MS_OM_PATH", raising=False)
    monkeypatch.chdir(tmp_path)

    def python_if(k):
        if k < 10:
            return 0.1
        return 1.0

    with pytest.raises(TypeError, match="could not be compiled"):
        ms_lr.LambdaLR(0.1, python_if)
    assert os.listdir(tmp_path) == []
    assert "MS_OM_PATH" not in os.environ


def test_the_wheel_declares_its_license():
    text = open(os.path.join(ROOT, "setup.py"), encoding="utf-8").read()
    assert 'license="Apache-2.0"' in text and 'license_files=["LICENSE"]' in text
    assert "Apache License" in open(os.path.join(ROOT, "LICENSE"), encoding="utf-8").read(200)
