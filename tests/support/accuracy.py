"""The accuracy contract every comparison in the suite uses.

Relative error <= 1e-6 wherever the expected lr is >= 1e-6 x peak; below that (values near an lr of 0) the absolute
error must stay under 1e-12 x peak, i.e. invisible at the scale of the schedule. Float32 holds nothing finer than its
smallest normal number (1.18e-38; below it values are subnormal and devices flush them to 0), so a value under it
counts as 0, and an error of up to two of them (a two-term blend can lose one flushed term each) is no error.
"""
import numpy as np

RELATIVE = 1e-6
FLOOR = 1e-6
ABSOLUTE_BELOW_FLOOR = 1e-12
TINY = float(np.finfo(np.float32).tiny)
SLACK = 2 * TINY


def max_relative_error(actual, expected, peak=None):
    """Largest relative error over the points where ``expected >= 1e-6 * peak``."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    peak = float(np.abs(expected).max()) if peak is None else peak
    mask = np.abs(expected) >= max(FLOOR * peak, TINY)
    if not mask.any():
        return 0.0
    return float((np.abs(actual - expected)[mask] / np.abs(expected)[mask]).max())


def assert_close(actual, expected, peak=None, rtol=RELATIVE, context="", absolute=ABSOLUTE_BELOW_FLOOR):
    """Assert the contract; on failure, report the worst step."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"{context}: shape {actual.shape} != {expected.shape}"
    assert np.isfinite(actual).all(), f"{context}: non-finite values"
    peak = float(np.abs(expected).max()) if peak is None else peak
    mask = np.abs(expected) >= max(FLOOR * peak, TINY)
    rel = np.zeros_like(expected)
    rel[mask] = np.maximum(np.abs(actual - expected)[mask] - SLACK, 0.0) / np.abs(expected)[mask]
    worst = int(np.argmax(rel))
    assert rel.max() <= rtol, (f"{context}: relative error {rel.max():.3g} at index {worst}: "
                               f"{actual.flat[worst]!r} vs {expected.flat[worst]!r}")
    below = np.abs(actual - expected)[~mask]
    assert below.size == 0 or below.max() <= max(absolute * peak, SLACK), (
        f"{context}: absolute error {below.max():.3g} below the 1e-6 x peak floor")
    return float(rel.max())


def assert_same_lrs(actual, expected):
    """Bit-equal lrs, except that a subnormal float32 (below 1.2e-38) may be flushed to 0: MindSpore's CPU kernels
    flush on some worker threads and not on others, so two runs of one schedule can differ there, and only there."""
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    normal = (np.abs(actual) >= TINY) | (np.abs(expected) >= TINY)
    np.testing.assert_array_equal(actual[normal], expected[normal])
