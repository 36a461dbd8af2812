"""The device the test suite, the benchmark and the demo run on, named by the environment variable ``MS_LR_DEVICE``.

``MS_LR_DEVICE`` is ``CPU`` (the default), ``GPU`` or ``Ascend``, in any letter case. ``make test-device`` and
``make bench`` pass it on; the suite's ``conftest.py`` calls :func:`use_selected_device` before any cell is built.

MindSpore's GPU plugin (``mindspore/lib/plugin/libmindspore_gpu.so.11.6``) loads the CUDA 11 libraries by soname
(``libcudart.so.11.0``, ``libcublas.so.11``, ``libcufft.so.10``, ``libcurand.so.10``, ``libcusolver.so.11``,
``libcusparse.so.11``, ``libnvrtc.so.11.2``, ``libcudnn.so.8``). The package index has them as ``nvidia-*-cu11``
wheels (``pip install "ms_lr[gpu]"``), which land in ``site-packages/nvidia/<library>/lib``, where the dynamic loader
does not look. The loader reads ``LD_LIBRARY_PATH`` once, when the process starts, so the folders must be named before
Python starts::

    LD_LIBRARY_PATH="$(python -m ms_lr.tools.device --library-path)" MS_LR_DEVICE=GPU python train.py
"""
import argparse
import glob
import os
import sys
from typing import Iterable, Mapping, Optional

__all__ = ["DEVICES", "VARIABLE", "cuda_library_path", "selected_device", "use_selected_device"]

VARIABLE = "MS_LR_DEVICE"
DEVICES = ("CPU", "GPU", "Ascend")


def selected_device(environ: Optional[Mapping[str, str]] = None) -> str:
    """The device ``MS_LR_DEVICE`` names, spelled as MindSpore spells it; ``CPU`` when it is unset or empty.

    Raises:
        ValueError: If ``MS_LR_DEVICE`` names another device.
    """
    value = (os.environ if environ is None else environ).get(VARIABLE, "").strip()
    if not value:
        return "CPU"
    for device in DEVICES:
        if value.lower() == device.lower():
            return device
    raise ValueError(f"{VARIABLE}={value!r}: expected one of {', '.join(DEVICES)}")


def use_selected_device(environ: Optional[Mapping[str, str]] = None) -> str:
    """Point MindSpore at the device ``MS_LR_DEVICE`` names, and return its name."""
    import mindspore as ms

    device = selected_device(environ)
    ms.set_device(device)
    return device


def cuda_library_path(search_paths: Optional[Iterable[str]] = None) -> str:
    """The ``nvidia/<library>/lib`` folders of the ``nvidia-*-cu11`` wheels, joined for ``LD_LIBRARY_PATH``.

    Looks in every entry of ``search_paths`` (``sys.path`` by default); an empty string when no wheel is installed.
    """
    folders = []
    for root in sys.path if search_paths is None else search_paths:
        for folder in sorted(glob.glob(os.path.join(root or ".", "nvidia", "*", "lib"))):
            if folder not in folders:
                folders.append(folder)
    return os.pathsep.join(folders)


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ms_lr.tools.device", description=__doc__.split("\n\n")[0])
    parser.add_argument("--library-path", action="store_true",
                        help="print the CUDA 11 wheel folders for LD_LIBRARY_PATH")
    args = parser.parse_args(argv)
    if args.library_path:
        print(cuda_library_path())
    else:
        try:
            print(selected_device())
        except ValueError as error:
            parser.error(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
