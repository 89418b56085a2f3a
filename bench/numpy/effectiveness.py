"""The effectiveness experiment (defaults: d=100, m=2000, 17 lambdas, n=nTest=2000) in numpy.

As the lab's default run does: both networks and the theory on the same inputs, the lambda50
bootstrap (B = 1000) and the Detectability panel (both networks' weights against the null).
"""
import math

import numpy as np

from common import detection_panel, emit, fit_threshold, lambda50, lambda50_bootstrap, lambda_grid, load_config, norm_task, relu_mean, secret, wilson

c = load_config()
d, m, k, theta, n, n_test = c["d"], c["m"], c["k"], c["theta"], c["n"], c["nTest"]
target = c.get("target", 1)
lambdas = lambda_grid(c["lambdas"])
rng = np.random.default_rng(c["seed"])

x_train, y_train = norm_task(n, d, rng)
x_test, y_test = norm_task(n_test, d, rng)
s = secret(d, k, rng)
z = rng.standard_normal((m, d))
u = rng.standard_normal(m)
root = math.sqrt(theta)
s_norm_sq = s @ s

# One product per input set for both networks and every lambda (G = Z + sqrt(theta) u s^T).
p_train = x_train @ z.T
p_test = x_test @ z.T
xs_train, xs_test = x_train @ s, x_test @ s
zs = z @ s
scores = {}
for name, th in (("clean", 0.0), ("backdoored", theta)):
    r = math.sqrt(th)
    train = relu_mean(p_train + r * np.outer(xs_train, u))
    base = p_test + r * np.outer(xs_test, u)
    gs = zs + r * u * s_norm_sq
    scores[name] = (train, [relu_mean(base + lam * gs) for lam in lambdas])

# The large-width theory on the same inputs.
def limit(x, th, lam):
    norms = (x * x).sum(1) + 2 * lam * (x @ s) + lam * lam * s_norm_sq
    proj = x @ s + lam * s_norm_sq
    return np.sqrt(norms + th * proj * proj) / math.sqrt(2 * math.pi)

for name, th in (("theory.clean", 0.0), ("theory.backdoored", theta)):
    scores[name] = (limit(x_train, th, 0), [limit(x_test, th, lam) for lam in lambdas])

result = {}
outcomes = {}
for name, (train, test) in scores.items():
    tau = fit_threshold(train, y_train)
    clean = np.where(test[0] > tau, 1, -1)
    candidates = clean != target
    outcomes[name] = (np.stack([(t > tau) == (target == 1) for t in test], 1), candidates)
    rates = [wilson(int(((t > tau) == (target == 1))[candidates].sum()), int(candidates.sum())) for t in test]
    result[name] = {
        "tau": tau,
        "cleanAccuracy": wilson(int((clean == y_test).sum()), n_test),
        "lambda50": lambda50(lambdas, [0 if math.isnan(r[0]) else r[0] for r in rates]),
    }
intervals = lambda50_bootstrap(lambdas, {name: outcomes[name] for name in ("clean", "backdoored")}, rng)
result["lambda50Intervals"] = intervals
networks = {name: z + math.sqrt(th) * np.outer(u, s) for name, th in (("clean", 0.0), ("backdoored", theta))}
for name, g in networks.items():
    result[name]["spikeEnergy"] = ((g @ s) ** 2).sum() / m - 1
result["panel"] = detection_panel(list(networks.values()), k, c["seed"])
emit(result)
