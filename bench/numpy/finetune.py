"""The fine-tuning experiment (defaults: m=2000, Adam, batch 64, both models) in numpy.

As the lab's default run does: both models trained, measured before, after every epoch and
after; the lambda50 bootstrap before and after (the same resamples), and the Detectability panel
of both models' weights before and after against the null.
"""
import math

import numpy as np

from common import detection_panel, emit, fit_threshold, lambda50_bootstrap, lambda_grid, load_config, norm_task, relu_mean, secret, wilson

c = load_config()
d, m, k, theta, n, n_test = c["d"], c["m"], c["k"], c["theta"], c["n"], c["nTest"]
t = c["train"]
epochs, batch, lr = t["epochs"], t["batchSize"], t["learningRate"]
train_g, train_tau, train_a = ("G" in t["parameters"]), ("tau" in t["parameters"]), ("a" in t["parameters"])
target = c.get("target", 1)
track = c["trackLambda"]
lambdas = lambda_grid(c["lambdas"])
rng = np.random.default_rng(c["seed"])
b1, b2, eps = 0.9, 0.999, 1e-8

x_train, y_train = norm_task(n, d, rng)
x_test, y_test = norm_task(n_test, d, rng)
s = secret(d, k, rng)
z = rng.standard_normal((m, d))
u = rng.standard_normal(m)
batch_orders = np.random.default_rng(c["seed"] + 1)


def measure(gt, g0t, tau, a, curve):
    gs = s @ gt
    train_scores = relu_mean(x_train @ gt)
    p = x_test @ gt
    grid = [0, track] + (list(lambdas) if curve else [])
    test_scores = [relu_mean(p + lam * gs) for lam in grid]
    predict = lambda f: np.where(a * (f - tau) > 0, 1, -1)
    clean = predict(test_scores[0])
    candidates = clean != target
    flipped = [int((predict(f)[candidates] == target).sum()) for f in test_scores[1:]]
    loss = np.logaddexp(0, -y_train * a * (train_scores - tau)).mean()
    flips = np.stack([predict(f) == target for f in test_scores[2:]], 1) if curve else None
    return {
        "outcomes": (flips, candidates),
        "weights": gt.T.copy() if curve else None,
        "loss": loss,
        "accuracy": wilson(int((clean == y_test).sum()), n_test),
        "asr": [wilson(f, int(candidates.sum())) for f in flipped],
        "spikeEnergy": ((gs) ** 2).sum() / m - 1,
        "drift": np.linalg.norm(gt - g0t) / np.linalg.norm(g0t),
    }


def fine_tune(th):
    g = z + math.sqrt(th) * np.outer(u, s)
    gt = g.T.copy()
    g0t = gt.copy()
    f = relu_mean(x_train @ gt)
    tau, a = fit_threshold(f, y_train), 1 / f.std()
    m1, m2 = np.zeros_like(gt), np.zeros_like(gt)
    tau_m = tau_v = a_m = a_v = 0.0
    records = [measure(gt, g0t, tau, a, True)]
    step = 0
    for _ in range(epochs):
        order = batch_orders.permutation(n)
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            xb, yb = x_train[idx], y_train[idx]
            step += 1
            p = xb @ gt
            fb = np.maximum(p, 0).mean(1)
            gap = fb - tau
            dz = -yb / (1 + np.exp(yb * a * gap)) / len(idx)
            d_tau, d_a = -(dz * a).sum(), (dz * gap).sum()
            if train_g:
                grad = xb.T @ ((p > 0) * (dz * a / m)[:, None])
                m1 *= b1
                m1 += (1 - b1) * grad
                m2 *= b2
                m2 += (1 - b2) * grad * grad
                gt -= (lr / (1 - b1**step)) * m1 / (np.sqrt(m2 / (1 - b2**step)) + eps)
            if train_tau:
                tau_m = b1 * tau_m + (1 - b1) * d_tau
                tau_v = b2 * tau_v + (1 - b2) * d_tau * d_tau
                tau -= lr * (tau_m / (1 - b1**step)) / (math.sqrt(tau_v / (1 - b2**step)) + eps)
            if train_a:
                a_m = b1 * a_m + (1 - b1) * d_a
                a_v = b2 * a_v + (1 - b2) * d_a * d_a
                a -= lr * (a_m / (1 - b1**step)) / (math.sqrt(a_v / (1 - b2**step)) + eps)
        records.append(measure(gt, g0t, tau, a, False))
    records.append(measure(gt, g0t, tau, a, True))
    return records


result = {name: fine_tune(th) for name, th in (("clean", 0.0), ("backdoored", theta))}
out = {name: {"before": r[0]["asr"][0], "after": r[-1]["asr"][0], "epochs": len(r) - 2} for name, r in result.items()}
for when, at in (("before", 0), ("after", -1)):
    out[f"lambda50Intervals.{when}"] = lambda50_bootstrap(lambdas, {name: r[at]["outcomes"] for name, r in result.items()}, np.random.default_rng([c["seed"], 7]))
    out[f"panel.{when}"] = detection_panel([r[at]["weights"] for r in result.values()], k, c["seed"])
emit(out)
