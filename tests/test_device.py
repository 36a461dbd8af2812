"""MS_LR_DEVICE: the device make test-device runs the suite on, and the CUDA wheel folders for the loader."""
import os
import subprocess
import sys

import mindspore as ms
import pytest

from ms_lr.tools.device import VARIABLE, cuda_library_path, selected_device

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_the_suite_runs_on_the_device_the_variable_names():
    assert ms.get_context("device_target") == selected_device()


@pytest.mark.parametrize("value, device", [(None, "CPU"), ("", "CPU"), ("cpu", "CPU"), ("GPU", "GPU"),
                                           ("gpu", "GPU"), (" Ascend ", "Ascend"), ("ASCEND", "Ascend")])
def test_device_names_in_any_case(value, device):
    assert selected_device({} if value is None else {VARIABLE: value}) == device


@pytest.mark.parametrize("value", ["TPU", "cuda", "GPU:0", "0"])
def test_an_unknown_device_is_refused_by_name(value):
    with pytest.raises(ValueError, match=f"MS_LR_DEVICE='{value}': expected one of CPU, GPU, Ascend"):
        selected_device({VARIABLE: value})


def test_an_unknown_device_stops_the_suite_before_any_test():
    answer = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                             os.path.join(ROOT, "tests", "test_device.py")],
                            env={**os.environ, VARIABLE: "TPU"}, capture_output=True, text=True, cwd=ROOT)
    assert answer.returncode == 4, answer.stdout + answer.stderr        # pytest's usage error
    assert "MS_LR_DEVICE='TPU'" in answer.stdout + answer.stderr


def test_cuda_library_path_lists_the_wheel_folders(tmp_path):
    for library in ("cublas", "cudnn", "cuda_runtime"):
        (tmp_path / "site" / "nvidia" / library / "lib").mkdir(parents=True)
    (tmp_path / "site" / "nvidia" / "__init__.py").write_text("")      # a file, not a library folder
    (tmp_path / "empty").mkdir()
    site = str(tmp_path / "site")
    found = cuda_library_path([str(tmp_path / "empty"), site, site])
    assert found.split(os.pathsep) == [os.path.join(site, "nvidia", name, "lib")
                                       for name in ("cublas", "cuda_runtime", "cudnn")]
    assert cuda_library_path([str(tmp_path / "empty")]) == ""


def test_the_command_prints_the_device_and_the_library_path():
    run = lambda *args, value="gpu": subprocess.run(  # noqa: E731
        [sys.executable, "-m", "ms_lr.tools.device", *args], env={**os.environ, VARIABLE: value},
        capture_output=True, text=True, cwd=ROOT)
    assert run().stdout.strip() == "GPU"
    assert run("--library-path").stdout.strip() == cuda_library_path()
    refused = run(value="tpu")
    assert refused.returncode == 2 and "MS_LR_DEVICE='tpu'" in refused.stderr

