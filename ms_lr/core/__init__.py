"""The core every schedule stands on: the Schedule base class and its registry, argument rules, step handling and
the shared docstring sections."""
