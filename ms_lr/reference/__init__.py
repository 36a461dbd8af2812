"""NumPy float64 references, one function per schedule, written from the formulas.

They share no code with the cells: cycle boundaries are found with Python integers and ``np.searchsorted``, phases
are the textbook ``0.5 * (1 + cos)`` forms, and every function is vectorized over an array of steps. Steps below 0
are treated as step 0, as the cells do. A nested schedule is passed as a callable ``steps -> values`` (its own
reference) or a float.

Each function's parameters after ``steps`` are its schedule's constructor arguments, in order and without
defaults (the schedule passes every argument), so a function cannot drift from its class.
"""
