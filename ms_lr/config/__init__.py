"""Configs: the one home of the names a config may give (ms_lr's classes and other libraries' names for them), the
route from a config to a cell (:func:`build`), and files (:func:`load`, :func:`dump`).

The tier below the schedules and above training: it imports the schedules, and nothing above it imports it.
"""
from ms_lr.config.building import build
from ms_lr.config.files import dump, load
from ms_lr.config.front_doors import create_scheduler, create_scheduler_v2, get_scheduler
from ms_lr.config.names import accepted_names, lookup, registered, schedule_class

__all__ = ["build", "load", "dump", "accepted_names", "lookup", "registered", "schedule_class", "get_scheduler",
           "create_scheduler_v2", "create_scheduler"]
