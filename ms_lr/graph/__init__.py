"""The branch-free int32/float32 building blocks the schedule cells share.

Each is a small cell whose work is a plain method (``at``, ``of``, ``lookup``, ``mix``), called from a schedule's
``value``: inside a compiled graph it is inlined, and called eagerly it runs op by op without compiling anything.
"""
