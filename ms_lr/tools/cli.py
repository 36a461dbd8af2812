"""Command line: preview, tabulate and list schedules (``python -m ms_lr``).

    python -m ms_lr plot  SPEC [-o lr.png] [--steps N] [--torch] [--log]
    python -m ms_lr table SPEC [-o lr.csv] [--steps N] [--every K]
    python -m ms_lr list
"""
import argparse
import ast
import csv
import os
import sys
from typing import Any, List, Optional

__all__ = ["main", "parse_value", "schedule_from_spec"]

EXAMPLES = """
SPEC is a registered schedule name followed by key=value arguments, or a YAML/JSON config file:

  python -m ms_lr plot CosineAnnealingWarmRestarts base_lr=0.1 T_0=100 T_mult=2 --steps 1500 -o sgdr.png
  python -m ms_lr plot OneCycleLR max_lr=0.1 total_steps=1000 --torch -o onecycle.png
  python -m ms_lr plot CosineAnnealingWarmupRestarts first_cycle_steps=200 cycle_mult=1.5 max_lr=0.1 \\
      min_lr=0.001 warmup_steps=20 gamma=0.8 --steps 2000
  python -m ms_lr plot schedule.yaml --steps 100000 --log
  python -m ms_lr plot mindformers_config.yaml --total-steps 20000 --steps 22000   # its lr_schedule: block
  python -m ms_lr table MultiStepLR base_lr=0.1 milestones=[20,35,45] gamma=0.5 --steps 60
  python -m ms_lr list

A YAML config nests schedules with a `type:` key (the MindFormers convention):

  type: LinearWarmup
  warmup_steps: 500
  after: {type: CosineAnnealingLR, base_lr: 0.1, T_max: 9500, eta_min: 1.0e-5}
"""


def parse_value(text: str) -> Any:
    """A Python literal (number, list, bool, None) or else the text itself."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def schedule_from_spec(spec: List[str], total_steps: Optional[int] = None,
                       steps_per_epoch: Optional[int] = None) -> Any:
    """Build a schedule from ``[name, key=value, ...]`` or ``[path]``; ``total_steps``/``steps_per_epoch`` resolve a
    MindFormers block's ``total_steps: -1`` and ``warmup_epochs``."""
    from ms_lr.config import build, load

    if len(spec) == 1 and os.path.isfile(spec[0]):
        return load(spec[0], total_steps, steps_per_epoch)
    config = {"type": spec[0]}
    for item in spec[1:]:
        if "=" not in item:
            raise ValueError(f"expected key=value after the schedule name, got {item!r}")
        key, value = item.split("=", 1)
        config[key] = parse_value(value)
    return build(config, total_steps, steps_per_epoch)


def _add_run_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--total-steps", type=int, help="the run's total steps, for a MindFormers block's "
                                                         "total_steps: -1 (or missing) and its ratios")
    command.add_argument("--steps-per-epoch", type=int, help="for a MindFormers block's warmup_epochs, and timm's and "
                         "mindcv's steps per epoch")


def console() -> int:
    """The ``ms-lr`` console script: the same command line under its own name."""
    return main(prog="ms-lr")


def main(argv: Optional[List[str]] = None, prog: str = "python -m ms_lr") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="Preview and tabulate ms_lr schedules.",
                                     epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    plot = commands.add_parser("plot", help="write a PNG of a schedule (cell, reference, boundaries, torch)",
                               epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    plot.add_argument("spec", nargs="+", help="schedule name with key=value arguments, or a YAML/JSON file")
    plot.add_argument("-o", "--output", default="lr.png", help="PNG path (default: lr.png)")
    plot.add_argument("--steps", type=int, default=1000, help="steps to evaluate (default: 1000)")
    plot.add_argument("--torch", action="store_true", help="overlay the torch scheduler (needs torch)")
    plot.add_argument("--log", action="store_true", help="log-scale lr axis")
    plot.add_argument("--title", help="figure title (default: the schedule's repr)")
    for command in (plot,):
        _add_run_arguments(command)
    table = commands.add_parser("table", help="write step,lr,reference as CSV", epilog=EXAMPLES,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    table.add_argument("spec", nargs="+", help="schedule name with key=value arguments, or a YAML/JSON file")
    table.add_argument("-o", "--output", help="CSV path (default: standard output)")
    table.add_argument("--steps", type=int, default=1000, help="steps to evaluate (default: 1000)")
    table.add_argument("--every", type=int, default=1, help="write every K-th step (default: 1)")
    _add_run_arguments(table)
    commands.add_parser("list", help="list the registered schedule types, their arguments and defaults")
    args = parser.parse_args(argv)

    if args.command == "list":
        from ms_lr.config import registered, schedule_class
        from ms_lr.tools.catalogue import signature_text
        for name in registered():
            cls = schedule_class(name)
            note = "" if cls.configurable() else "   (takes a Python function: build it in code)"
            print(f"{signature_text(cls)}{note}")
        return 0
    if args.steps < 1:
        parser.error(f"--steps must be >= 1, got {args.steps}")
    try:
        schedule = schedule_from_spec(args.spec, args.total_steps, args.steps_per_epoch)
    except (ValueError, TypeError, OSError, ImportError) as error:
        # The library's words for its arguments, in the command line's.
        parser.error(str(error).replace("the total_steps given to ms_lr.build", "--total-steps N")
                     .replace("ms_lr.build(..., steps_per_epoch=N)", "--steps-per-epoch N"))

    from ms_lr.core.progress import stderr_progress
    from ms_lr.tools.plot import plot as plot_schedule
    from ms_lr.tools.plot import sweep
    from ms_lr.tools.torch_oracle import no_torch_curve
    if args.command == "plot":
        try:
            summary = plot_schedule(schedule, args.steps, args.output, with_torch=args.torch, title=args.title,
                                    log_scale=args.log, progress=stderr_progress)
        except ImportError as error:
            parser.error(str(error))
        if args.torch and not summary["torch"]:
            print(f"note: no torch overlay: {no_torch_curve(schedule) or 'torch failed on these arguments'}",
                  file=sys.stderr)
        print(f"wrote {args.output}: {schedule!r}, {summary['steps']} steps, lr in "
              f"[{summary['min']:.6g}, {summary['max']:.6g}], {summary['boundaries']} boundaries")
        return 0

    if args.every < 1:
        parser.error(f"--every must be >= 1, got {args.every}")
    import numpy as np
    steps = np.arange(0, args.steps, args.every)
    values = sweep(schedule, steps, stderr_progress)
    reference = schedule.reference(steps)
    handle = open(args.output, "w", newline="") if args.output else sys.stdout
    try:
        writer = csv.writer(handle)
        writer.writerow(["step", "lr", "reference"])
        for step, value, ref in zip(steps, values, reference):
            writer.writerow([int(step), repr(float(value)), repr(float(ref))])
    finally:
        if args.output:
            handle.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
