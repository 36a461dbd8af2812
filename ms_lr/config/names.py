"""The names a config may give a schedule, and what each one builds: one table.

Every public schedule class is a name of its own, taking its constructor's arguments. Other libraries' names for the
same schedules are entries of the same table (:mod:`ms_lr.config.mindformers` lists MindFormers',
:mod:`ms_lr.config.huggingface` Hugging Face's, :mod:`ms_lr.config.timm` timm's and :mod:`ms_lr.config.mindcv`
mindcv's), each with the keys it takes and how they become the class's arguments; a name two libraries give
accepts either's keys. :func:`lookup` is the only way from a name to a class, so
the unknown-type error (with its did-you-mean) and the list of accepted names are the same everywhere: in
:func:`ms_lr.build`, in YAML and JSON files, and on the command line.
"""
import difflib
import functools
import types
from typing import Any, Dict, List, Mapping, Sequence, Tuple

from ms_lr.config import huggingface, mindcv, mindformers, timm
from ms_lr.config.entry import Context, Name, native, shared
from ms_lr.core.schedule import declared_types

__all__ = ["table", "lookup", "accepted_names", "registered", "schedule_class", "check_keys", "closest",
           "did_you_mean", "refusal"]

def table() -> Mapping[str, Name]:
    """Every accepted name, ms_lr's own first (read-only; built once for each set of declared types). A
    translator's entry may take over a class's own name only to accept more keys (MindFormers' ``t_max`` beside
    ``T_max``), never fewer."""
    return _table(tuple(declared_types()))


@functools.lru_cache(maxsize=4)
def _table(declared: Tuple[type, ...]) -> Mapping[str, Name]:
    names = {cls.__name__: native(cls) for cls in declared if cls.configurable()}
    foreign: Dict[str, Name] = {}
    # The other libraries' names, each translator's list in turn.
    for entry in mindformers.names() + huggingface.names() + timm.names() + mindcv.names():
        own = names.get(entry.name)
        if entry.name in foreign:
            # A name two libraries give: each config goes to the one its keys fit.
            entry = shared(foreign[entry.name], entry)
        elif own is not None and not set(own.keys) <= set(entry.keys):
            raise TypeError(f"{entry.title()} would take {entry.name}'s own arguments away")
        names[entry.name] = foreign[entry.name] = entry
    return types.MappingProxyType(names)


def accepted_names() -> List[str]:
    """Every name a config may give, sorted case-insensitively (aliases included; no type holding a Python
    function, which no config can hold)."""
    return sorted(table(), key=lambda name: (name.casefold(), name))


def registered() -> List[str]:
    """The names of the declared schedule classes, sorted (those holding Python functions included)."""
    return sorted(cls.__name__ for cls in declared_types())


def closest(word: str, candidates: Sequence[str], limit: int = 3) -> List[str]:
    """Up to ``limit`` of ``candidates`` closest to ``word``, case-insensitively, best first."""
    folded: Dict[str, List[str]] = {}
    for candidate in candidates:
        folded.setdefault(candidate.casefold(), []).append(candidate)
    matches = difflib.get_close_matches(word.casefold(), list(folded), n=limit, cutoff=0.6)
    return [name for match in matches for name in folded[match]][:limit]


def did_you_mean(options: List[str]) -> str:
    """``"did you mean 'a' or 'b'? "``, or nothing without options."""
    return f"did you mean {' or '.join(repr(o) for o in options)}? " if options else ""


def refusal(library: str, name: str, instead: str) -> str:
    """The error for another library's name that follows a metric rather than the step, with what to use."""
    return f"{library}'s {name!r} is not a schedule of the step: {instead}"


def lookup(name: Any) -> Name:
    """The entry for ``name``; a ValueError suggests the closest names and lists every accepted one."""
    names = table()
    if isinstance(name, str) and name in names:
        return names[name]
    function_types = {cls.__name__ for cls in declared_types() if not cls.configurable()}
    if name in function_types:
        raise ValueError(f"{name} takes a Python function, which a config cannot hold; build it in code")
    for library, refused in (("Hugging Face", huggingface.METRIC_DRIVEN), ("timm", timm.REFUSED)):
        if name in refused:
            raise ValueError(refusal(library, name, refused[name]))
    suggestions = closest(name, list(names)) if isinstance(name, str) else []
    raise ValueError(f"unknown schedule type {name!r}; {did_you_mean(suggestions)}"
                     f"accepted types: {', '.join(accepted_names())}")


def schedule_class(name: Any) -> type:
    """The declared class called ``name`` exactly (configurable or not); a ValueError with the closest otherwise."""
    classes = {cls.__name__: cls for cls in declared_types()}
    if isinstance(name, str) and name in classes:
        return classes[name]
    suggestions = closest(name, list(classes)) if isinstance(name, str) else []
    raise ValueError(f"unknown schedule class {name!r}; {did_you_mean(suggestions)}"
                     f"classes: {', '.join(sorted(classes))}")


def _twins(entry: Name, given: Sequence[str]) -> List[Name]:
    """Other names a user may have meant: those equal to this one but for case, and close ones (similarity >= 0.8,
    case-insensitive) whose keys take everything given."""
    def similar(other: Name) -> bool:
        return difflib.SequenceMatcher(None, entry.name.casefold(), other.name.casefold()).ratio() >= 0.8

    others = [other for other in table().values() if other.name != entry.name]
    same_but_case = [other for other in others if other.name.casefold() == entry.name.casefold()]
    fitting = [other for other in others if other not in same_but_case and similar(other)
               and set(given) <= set(other.keys)]
    by_class: Dict[type, Name] = {}
    for twin in same_but_case + fitting:     # one name per class: an alias adds nothing to its class's name
        by_class.setdefault(twin.target, twin)
    return list(by_class.values())


def _check_shared(entry: Name, given: Sequence[str], context: Context) -> None:
    """A name several libraries give: fine if one library's keys take the config; a config mixing libraries' keys
    is an error naming each; otherwise the keys are checked against the library they fit best."""
    if any(set(given) <= set(option.keys) for option in entry.options):
        return
    if set(given) <= set(entry.keys):
        libraries = "; ".join(f"{option.origin} takes {', '.join(k for k in given if k in option.keys) or 'none'}"
                              for option in entry.options)
        raise ValueError(f"{context.where()}{entry.name!r} is a name of several libraries and this config mixes "
                         f"them: {libraries}; give one library's keys")
    best = max(entry.options, key=lambda option: len(set(given) & set(option.keys)))
    check_keys(best, given, context)


def check_keys(entry: Name, given: Sequence[str], context: Context) -> None:
    """The one unknown-key check. The error lists the valid keys and names the other accepted names a user may
    have meant (``WarmUpStableDecayLR`` beside ``WarmupStableDecayLR``, with their keys); failing those, the closest
    valid key for each unknown one."""
    if entry.options:
        _check_shared(entry, given, context)
        return
    unknown = [key for key in given if key not in entry.keys]
    if not unknown:
        return
    message = (f"{context.where()}unknown argument(s) {', '.join(map(str, unknown))} for {entry.title()}; "
               f"valid: {', '.join(entry.keys)}")
    twins = _twins(entry, given)
    for twin in twins:
        origin = f" ({twin.origin})" if twin.origin else ""
        message += f". Did you mean type {twin.name!r}{origin}? It takes: {', '.join(twin.keys)}"
    if not twins:
        hints = [f"{key!r} -> {match[0]!r}" for key in unknown
                 for match in [difflib.get_close_matches(str(key), list(entry.keys), n=1, cutoff=0.6)] if match]
        message += f". Did you mean {', '.join(hints)}?" if hints else ""
    raise ValueError(message)
