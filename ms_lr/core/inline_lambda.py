"""Inline lambdas, made readable to MindSpore's graph parser.

MindSpore compiles a Python function from its source: ``inspect.getsource`` of a lambda written inside a call
(``LambdaLR(0.1, lambda k: 0.95 ** k)``) returns the whole line, which its parser cannot read as a lambda. Here the
lambda's own node is found in its file (by the columns its code occupies, ``co_positions``, or, before Python 3.11,
by its arguments and names) and declared again as a named function with that source alone, registered with
``linecache`` so ``inspect`` finds it, in the lambda's module and with closure cells holding the values the
lambda's have at that moment.
"""
import ast
import inspect
import itertools
import linecache
import types
from typing import Callable, List, Optional

__all__ = ["graph_readable"]

_counter = itertools.count()


def graph_readable(function: Callable) -> Callable:
    """``function``, or, for an inline lambda whose source can be found, the same lambda declared as a named
    function of its own source. Anything else (a ``def``, a builtin, a lambda typed at a prompt) is returned as is."""
    code = getattr(function, "__code__", None)
    if not isinstance(function, types.FunctionType) or code is None or code.co_name != "<lambda>":
        return function
    node = _lambda_node(function)
    if node is None:
        return function
    number = next(_counter)
    name, factory = f"ms_lr_lambda_{number}", f"ms_lr_lambda_factory_{number}"
    # A factory taking the free variables gives the new function real closure cells, which is where MindSpore's
    # parser looks for them (and its globals are the lambda's module's, which is where it looks for those).
    source = (f"def {factory}({', '.join(code.co_freevars)}):\n"
              f"    def {name}({ast.unparse(node.args)}):\n"
              f"        return {ast.unparse(node.body)}\n"
              f"    return {name}\n")
    filename = f"<ms_lr inline lambda {name} from {code.co_filename}:{code.co_firstlineno}>"
    # linecache keeps entries without an mtime through checkcache(): inspect.getsource reads the def from here.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = function.__globals__
    exec(compile(source, filename, "exec"), namespace)    # noqa: S102 - the user's own lambda, re-declared
    make = namespace.pop(factory)                          # leave the module's namespace as it was
    values = [cell.cell_contents for cell in function.__closure__ or ()]    # the closure's values, as they are now
    declared = make(*values)
    declared.__defaults__ = function.__defaults__
    return declared


def _lambda_node(function: Callable) -> Optional[ast.Lambda]:
    code = function.__code__
    try:
        lines, _ = inspect.findsource(function)
    except (OSError, TypeError):
        return None
    try:
        tree = ast.parse("".join(lines))
    except SyntaxError:
        return None
    candidates: List[ast.Lambda] = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda) and
                                    n.lineno == code.co_firstlineno]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    positions = getattr(code, "co_positions", None)
    if positions is not None:
        # The columns of the lambda's body instructions fall inside exactly one candidate's body.
        columns = [(line, col) for line, _, col, _ in positions() if line is not None and col is not None and
                   (line, col) != (code.co_firstlineno, 0)]
        inside = [n for n in candidates if columns and all(_contains(n.body, line, col) for line, col in columns)]
        if len(inside) == 1:
            return inside[0]
    names = set(code.co_names) | set(code.co_freevars)
    alike = [n for n in candidates if [a.arg for a in n.args.args] == list(code.co_varnames[:code.co_argcount])
             and names <= {x.id for x in ast.walk(n.body) if isinstance(x, ast.Name)} | _attributes(n)]
    return alike[0] if len(alike) == 1 else None


def _contains(node: ast.AST, line: int, col: int) -> bool:
    start, end = (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)
    return start <= (line, col) < end


def _attributes(node: ast.AST) -> set:
    return {x.attr for x in ast.walk(node) if isinstance(x, ast.Attribute)}
