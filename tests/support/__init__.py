"""Helpers of the suite: the accuracy contract, argument strategies from the rules, MindFormers' formulas in float32,
and the msrun workers."""
