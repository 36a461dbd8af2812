"""Helpers of the suite: the accuracy contract, argument strategies from the rules, MindFormers' formulas in float32,
a graph holding a schedule as an optimizer does, and the msrun workers."""
