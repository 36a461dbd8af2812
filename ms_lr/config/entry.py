"""One accepted name of a schedule (:class:`Name`) and what a build knows besides the config (:class:`Context`)."""
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple

from ms_lr.core.schedule import arguments

__all__ = ["Context", "Name", "Translate", "native"]


@dataclass(frozen=True)
class Context:
    """What a build knows besides the config: the run's ``total_steps`` and ``steps_per_epoch`` (for names whose
    arguments depend on them, as MindFormers' ``total_steps: -1``), and where in the config it is."""

    total_steps: Optional[int] = None
    steps_per_epoch: Optional[int] = None
    path: str = ""

    def at(self, key: str) -> "Context":
        return Context(self.total_steps, self.steps_per_epoch, f"{self.path}{key}" if not self.path or
                       key.startswith("[") else f"{self.path}.{key}")

    def where(self) -> str:
        return f"at {self.path}: " if self.path else ""


#: A name's translation: the config's keys (nested schedules already built) to the target's keyword arguments.
Translate = Callable[[Dict[str, Any], Context], Dict[str, Any]]


@dataclass(frozen=True)
class Name:
    """One accepted name: the class it builds, the keys a config of it may hold, and their translation to the
    class's arguments (``None``: the keys are the arguments). ``origin`` says whose name it is, for messages;
    ``example`` is a config of it that builds, where the class's own arguments are not one (the contract test
    builds every name)."""

    name: str
    target: type
    keys: Tuple[str, ...]
    translate: Optional[Translate] = None
    origin: str = ""
    example: Optional[Dict[str, Any]] = None

    def title(self) -> str:
        return self.name if not self.origin else f"{self.name} ({self.origin})"


def native(cls: type) -> Name:
    """A schedule class under its own name, taking its constructor's arguments."""
    return Name(cls.__name__, cls, tuple(arguments(cls)))
