"""Shared pieces of the numpy reference scripts: the config, the data, the secret, the statistics.

Each script is a straightforward float64 numpy version of one default experiment, doing the same
work as the lab (same sizes, same steps), for the whole-process comparison of `npm run bench`.
Random draws come from numpy's own generator: the numbers differ from the lab's, the work does not.
"""
import json
import math
import sys

import numpy as np


def load_config():
    with open(sys.argv[1]) as f:
        return json.load(f)


def lambda_grid(spec):
    return np.linspace(spec["from"], spec["to"], spec["steps"])


def chi_square_median(d):
    # Wilson-Hilferty: within 1e-3 relative of the exact median for d >= 2.
    return d * (1 - 2 / (9 * d)) ** 3


def norm_task(n, d, rng):
    x = rng.standard_normal((n, d))
    y = np.where((x * x).sum(1) > chi_square_median(d), 1, -1)
    return x, y


def secret(d, k, rng):
    s = np.zeros(d)
    s[rng.choice(d, k, replace=False)] = rng.choice([-1.0, 1.0], k) / math.sqrt(k)
    return s


def fit_threshold(scores, labels):
    """The threshold with the fewest training errors of sgn(f - tau), at a midpoint."""
    order = np.argsort(scores, kind="stable")
    sorted_scores = scores[order]
    steps = np.where(labels[order] == 1, 1, -1)
    errors = (labels != 1).sum() + np.concatenate([[0], np.cumsum(steps)])
    distinct = np.concatenate([sorted_scores[1:] != sorted_scores[:-1], [True]])
    valid = np.concatenate([[True], distinct])
    errors = np.where(valid, errors, len(scores) + 1)
    best = np.flatnonzero(errors == errors.min())
    cut = best[(len(best) - 1) // 2]
    if cut == 0:
        return sorted_scores[0] - 1
    if cut == len(scores):
        return sorted_scores[-1] + 1
    return (sorted_scores[cut - 1] + sorted_scores[cut]) / 2


def wilson(successes, trials, z=1.959963984540054):
    if trials == 0:
        return (math.nan, math.nan, math.nan)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return (p, centre - half, centre + half)


def lambda50(lambdas, rates):
    for i, rate in enumerate(rates):
        if rate >= 0.5:
            if i == 0:
                return lambdas[0]
            x0, x1, y0, y1 = lambdas[i - 1], lambdas[i], rates[i - 1], rates[i]
            return x0 + (0.5 - y0) / (y1 - y0) * (x1 - x0)
    return None


def relu_mean(pre):
    return np.maximum(pre, 0).mean(1)


def emit(result):
    json.dump(result, sys.stdout, default=float)
    sys.stdout.write("\n")
