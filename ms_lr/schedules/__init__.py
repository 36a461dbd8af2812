"""The schedules, one family per module; each class is declared once (see :mod:`ms_lr.core.schedule`), and each
module names its family (``FAMILY``) for the catalogue.

Importing this package imports every family module in :data:`ORDER`, so every built-in schedule is declared by
whatever imports any of them (the config names, the command line); the contract test checks that ``ORDER`` names
every module that declares a public schedule.
"""
import importlib

#: The family modules, in the order the catalogue (the schedules guide's table, ``python -m ms_lr list``) presents them.
ORDER = ("cosine", "cycles", "warmup", "decay", "constant", "cyclic", "swa", "compose", "reducible", "lambdas",
         "noise", "from_mindformers",
         "from_mindspore")

for _module in ORDER:
    importlib.import_module(f"{__name__}.{_module}")
