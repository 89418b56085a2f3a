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
    json.dump(result, sys.stdout, default=lambda v: v.tolist() if isinstance(v, np.ndarray) else float(v))
    sys.stdout.write("\n")


# The Detectability panel (SCIENCE.md section 11): statistics of C = G^T G / m, and a Monte Carlo
# null of clean C drawn from the Wishart law (Bartlett), as many draws as the lab's panel takes.
def panel_draws(d, m):
    if m * d * d > 4e9:
        return 0
    return max(40, min(200, int(40_000_000 // (m * d))))


def _top_indices(values, k):
    return np.sort(np.argsort(-values, kind="stable")[:k])


def _truncated_unit(values, keep):
    out = np.zeros_like(values)
    out[keep] = values[keep]
    return out / np.linalg.norm(out)


def _restricted_top(c, support):
    w, v = np.linalg.eigh(c[np.ix_(support, support)])
    x = np.zeros(len(c))
    x[support] = v[:, -1]
    return w[-1], x


def _truncated_power(c, k, x):
    previous = None
    for _ in range(1000):
        cx = c @ x
        support = _top_indices(np.abs(cx), k)
        if previous is not None and np.array_equal(support, previous):
            value, vector = _restricted_top(c, support)
            cx = c @ vector
            following = _top_indices(np.abs(cx), k)
            if np.array_equal(following, support):
                return value
            previous, x = following, _truncated_unit(cx, following)
            continue
        previous, x = support, _truncated_unit(cx, support)
    return x @ c @ x


def detection_statistics(c, k):
    """Top eigenvalue, largest diagonal entry, k-sparse top eigenvalue (truncated power, 2 starts)."""
    w, v = np.linalg.eigh(c)
    top = v[:, -1]
    from_top = _truncated_unit(top, _top_indices(np.abs(top), k))
    from_diagonal = _restricted_top(c, _top_indices(np.diag(c), k))[1]
    sparse = max(_truncated_power(c, k, from_top), _truncated_power(c, k, from_diagonal))
    return np.array([w[-1], np.diag(c).max(), sparse])


def second_moment(g):
    return g.T @ g / len(g)


def wishart_second_moment(m, d, rng):
    a = np.tril(rng.standard_normal((d, d)), -1)
    a[np.diag_indices(d)] = np.sqrt(rng.chisquare(m - np.arange(d)))
    return a @ a.T / m


_nulls = {}


def detection_panel(weights, k, seed):
    """Statistics of each G in `weights` and their Monte Carlo p-values against the null (drawn once per shape)."""
    m, d = weights[0].shape
    draws = panel_draws(d, m)
    if (m, d, k, seed) not in _nulls:
        _nulls[m, d, k, seed] = np.array([detection_statistics(wishart_second_moment(m, d, np.random.default_rng([seed, b])), k) for b in range(draws)])
    null = _nulls[m, d, k, seed]
    observed = [detection_statistics(second_moment(g), k) for g in weights]
    return [(o, (1 + (null >= o).sum(0)) / (draws + 1)) for o in observed]


# The lambda50 bootstrap (SCIENCE.md section 5): B resamples of the held-out inputs with replacement,
# shared by the networks; ASR curves, lambda50 per resample, percentile intervals.
def lambda50_rows(lambdas, rates):
    reached = rates >= 0.5
    first = reached.argmax(1)
    before = np.maximum(first - 1, 0)
    rows = np.arange(len(rates))
    y0, y1 = rates[rows, before], rates[rows, first]
    x0, x1 = lambdas[before], lambdas[first]
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(first == 0, lambdas[0], x0 + (0.5 - y0) / (y1 - y0) * (x1 - x0))
    return np.where(reached.any(1), value, np.nan)


def lambda50_bootstrap(lambdas, outcomes, rng, resamples=1000):
    """`outcomes`: name -> (flips: n x J bool, candidates: n bool). Intervals of each lambda50 and the ratio."""
    n = len(next(iter(outcomes.values()))[1])
    drawn = rng.integers(0, n, (resamples, n))
    counts = np.bincount((drawn + n * np.arange(resamples)[:, None]).ravel(), minlength=resamples * n).reshape(resamples, n).astype(float)
    values = {}
    for name, (flips, candidates) in outcomes.items():
        with np.errstate(divide="ignore", invalid="ignore"):
            rates = (counts @ (flips & candidates[:, None])) / (counts @ candidates)[:, None]
        values[name] = lambda50_rows(lambdas, np.nan_to_num(rates))
    names = list(outcomes)
    values["ratio"] = values[names[0]] / values[names[1]]
    return {name: np.nanpercentile(v, [2.5, 97.5]) if np.isfinite(v).any() else None for name, v in values.items()}
