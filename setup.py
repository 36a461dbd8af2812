import re

from setuptools import find_packages, setup

# One version: ms_lr.__version__, which CHANGELOG.md's newest entry names (a test checks both).
VERSION = re.search(r'^__version__ = "([^"]+)"', open("ms_lr/__init__.py", encoding="utf-8").read(), re.M).group(1)

setup(
    name="ms_lr",
    version=VERSION,
    description="MindSpore-native learning-rate schedules: torch-exact, graph-compiled LearningRateSchedule cells",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    # Where the project is published: the site that make docs builds (.readthedocs.yaml), its source, its issues.
    project_urls={"Documentation": "https://ms-lr.readthedocs.io",
                  "Source": "https://github.com/ms-lr/ms_lr",
                  "Issues": "https://github.com/ms-lr/ms_lr/issues",
                  "Changelog": "https://github.com/ms-lr/ms_lr/blob/main/CHANGELOG.md"},
    license="Apache-2.0",
    license_files=["LICENSE"],
    classifiers=["License :: OSI Approved :: Apache Software License", "Programming Language :: Python :: 3"],
    packages=find_packages(include=["ms_lr", "ms_lr.*"]),
    # The type hints are the argument rules: py.typed lets type checkers read them (PEP 561).
    package_data={"ms_lr": ["py.typed"]},
    python_requires=">=3.9",
    # MindSpore 2.7 to 2.10, every release on the package index for Python 3.11 (CI tests the oldest and the
    # newest); its wheels are built against NumPy 1.x and fail to import under NumPy 2.
    install_requires=["mindspore>=2.7,<2.11", "numpy>=1.22,<2"],
    extras_require={
        "plot": ["matplotlib"],
        "yaml": ["pyyaml"],
        # The CUDA 11 and cuDNN 8 libraries MindSpore's GPU plugin (built for CUDA 11.6) links to; see
        # ms_lr/tools/device.py for the loader path.
        "gpu": ["nvidia-cuda-runtime-cu11", "nvidia-cublas-cu11", "nvidia-cufft-cu11", "nvidia-curand-cu11",
                "nvidia-cusolver-cu11", "nvidia-cusparse-cu11", "nvidia-cuda-nvrtc-cu11", "nvidia-cudnn-cu11>=8.5,<9"],
        # The peers the parity tests run: torch, Hugging Face's transformers, mindcv (and timm, which the Makefile
        # installs without its torchvision dependency: its schedulers need only torch).
        # The documentation site (make docs).
        "docs": ["sphinx==8.2.3", "furo==2024.8.6", "myst-parser==4.0.1",
                 "sphinx-mathjax-offline==0.0.2"],
        "test": ["pytest", "pytest-xdist", "pytest-timeout", "hypothesis", "torch==2.13.0", "matplotlib", "pyyaml",
                 "ruff==0.17.6", "transformers>=5,<6", "mindcv==0.3.0"],
    },
    entry_points={"console_scripts": ["ms-lr=ms_lr.tools.cli:console"]},
)
