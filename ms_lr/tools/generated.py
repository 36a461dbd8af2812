"""Generated blocks in a text file (the documentation's pages): the text between two marker lines belongs to a command
(``make tables`` writes the schedule and op tables, ``make bench`` the performance figures), which rewrites it in
place."""
from typing import Callable

__all__ = ["replace_block", "rewrite_block"]


def replace_block(text: str, begin: str, end: str, block: str) -> str:
    """``text`` with what stands between the ``begin`` and ``end`` markers replaced by ``block``."""
    if begin not in text or end not in text:
        raise ValueError(f"the markers {begin!r} and {end!r} are not both in the text")
    start, stop = text.index(begin) + len(begin), text.index(end)
    return text[:start] + "\n" + block.strip("\n") + "\n" + text[stop:]


def rewrite_block(path: str, begin: str, end: str, make_block: Callable[[], str]) -> bool:
    """Rewrite the block between the markers in the file at ``path``; True if the file changed."""
    with open(path, encoding="utf-8") as handle:
        old = handle.read()
    new = replace_block(old, begin, end, make_block())
    if new != old:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(new)
    return new != old
