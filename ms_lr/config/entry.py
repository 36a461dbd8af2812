"""One accepted name of a schedule (:class:`Name`) and what a build knows besides the config (:class:`Context`)."""
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple

from ms_lr.core.schedule import Schedule, arguments

__all__ = ["Context", "Make", "Name", "Translate", "native", "shared"]


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
#: A name's construction where its class depends on the arguments (the config's keys to a schedule).
Make = Callable[[Dict[str, Any], Context], Schedule]


@dataclass(frozen=True)
class Name:
    """One accepted name: the class it builds, the keys a config of it may hold, and their translation to the
    class's arguments (``None``: the keys are the arguments), or ``make``, which builds the schedule itself where
    the class depends on the arguments (``target`` is then their common base). ``origin`` says whose name it is,
    for messages; ``example`` is a config of it that builds, where the class's own arguments are not one (the
    contract test builds every name)."""

    name: str
    target: type
    keys: Tuple[str, ...]
    translate: Optional[Translate] = None
    origin: str = ""
    example: Optional[Dict[str, Any]] = None
    make: Optional[Make] = None
    #: The libraries' entries a shared name stands for (empty for any other name).
    options: Tuple["Name", ...] = ()

    def title(self) -> str:
        return self.name if not self.origin else f"{self.name} ({self.origin})"

    def build(self, given: Dict[str, Any], context: Context) -> Schedule:
        """The schedule of a config holding ``given`` (keys checked, nested schedules built)."""
        if self.make is not None:
            return self.make(given, context)
        return self.target(**(given if self.translate is None else self.translate(given, context)))


def shared(first: Name, second: Name) -> Name:
    """One name several libraries give (MindFormers' ``cosine`` beside Hugging Face's and timm's): each config goes
    to the first library whose keys take all of it (:func:`ms_lr.config.names.check_keys` says which when none
    does)."""
    options = (first.options or (first,)) + (second.options or (second,))

    def make(given: Dict[str, Any], context: Context) -> Schedule:
        return next(entry for entry in options if set(given) <= set(entry.keys)).build(given, context)

    keys = tuple(dict.fromkeys(key for entry in options for key in entry.keys))
    return Name(first.name, Schedule, keys, origin=" or ".join(entry.origin for entry in options),
                example=next((entry.example for entry in options if entry.example is not None), None), make=make,
                options=options)


def native(cls: type) -> Name:
    """A schedule class under its own name, taking its constructor's arguments."""
    return Name(cls.__name__, cls, tuple(arguments(cls)))
