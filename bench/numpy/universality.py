"""The universality experiment (defaults: L=3, m=1000, 10 probes, 200 random heads) in numpy.

As the lab's default run does: the attacker's head, the probes, the random heads and the
nullifying head on the backdoored encoder, the same again on its clean-encoder twin (G = Z, the
same draws), and the Detectability panel of the encoder's weights against the null.
"""
import math

import numpy as np

from common import detection_panel, emit, load_config, secret, wilson

c = load_config()
ds = c["dataset"]
L, d, n, n_test, m, k, theta = ds["L"], c["d"], c["n"], c["nTest"], c["m"], c["k"], c["theta"]
lam, target, head = c["lambda"], c["target"], c["head"]
rng = np.random.default_rng(c["seed"])


def mixture(count, means):
    labels = rng.permutation(np.arange(count) % L)
    return means[labels] + rng.standard_normal((count, d)), labels


means = ds["spread"] * rng.standard_normal((L, d))
x_train, y_train = mixture(n, means)
x_test, y_test = mixture(n_test, means)
s = secret(d, k, rng)
z = rng.standard_normal((m, d))
g = z + math.sqrt(theta) * np.outer(rng.standard_normal(m), s) if c["backdoored"] else z
poison = rng.choice(n, round(c["poisonFraction"] * n), replace=False)
size = max(1, round(c["probeFraction"] * n))
probe_weights = np.zeros((n, c["probes"]))
for i in range(c["probes"]):
    probe_weights[rng.choice(n, size, replace=False), i] = 1 / size
random_heads = [(rng.standard_normal((m, L)), np.zeros(L)) for _ in range(c["randomHeads"])]


def train_heads(phi, labels, weights):
    """Full-batch Adam on the weighted softmax loss, H heads at once (weights: n x H)."""
    H = weights.shape[1]
    onehot = np.eye(L)[labels][:, None, :]
    W, b = np.zeros((m, H * L)), np.zeros(H * L)
    mw, vw, mb, vb = np.zeros_like(W), np.zeros_like(W), np.zeros_like(b), np.zeros_like(b)
    b1, b2, eps, lr, l2 = 0.9, 0.999, 1e-8, head["learningRate"], head["l2"]
    for t in range(1, head["epochs"] + 1):
        zz = (phi @ W + b).reshape(len(phi), H, L)
        zz = zz - zz.max(2, keepdims=True)
        p = np.exp(zz)
        p /= p.sum(2, keepdims=True)
        resid = ((p - onehot) * weights[:, :, None]).reshape(len(phi), H * L)
        dW, db = phi.T @ resid + l2 * W, resid.sum(0)
        for param, grad, mm, vv in ((W, dW, mw, vw), (b, db, mb, vb)):
            mm *= b1
            mm += (1 - b1) * grad
            vv *= b2
            vv += (1 - b2) * grad * grad
            param -= lr * (mm / (1 - b1**t)) / (np.sqrt(vv / (1 - b2**t)) + eps)
    return [(W[:, h * L : (h + 1) * L], b[h * L : (h + 1) * L]) for h in range(H)]


def heads_on(g):
    """Every head of the experiment on the encoder with first layer g, and their outcomes."""
    gs = g @ s
    scale = 1 / math.sqrt(m)
    p_train, p_test = x_train @ g.T, x_test @ g.T
    phi_train = np.maximum(p_train, 0) * scale
    phi_poison = np.maximum(p_train[poison] + lam * gs, 0) * scale
    phi_test = np.maximum(p_test, 0) * scale
    phi_trig = np.maximum(p_test + lam * gs, 0) * scale

    def outcome(W, b):
        clean, trig = (phi_test @ W + b).argmax(1), (phi_trig @ W + b).argmax(1)
        candidates = clean != target
        return wilson(int((clean == y_test).sum()), n_test), wilson(int((trig[candidates] == target).sum()), int(candidates.sum()))

    phi_attack = np.vstack([phi_train, phi_poison])
    labels_attack = np.concatenate([y_train, np.full(len(poison), target)])
    attacker = train_heads(phi_attack, labels_attack, np.full((len(phi_attack), 1), 1 / len(phi_attack)))[0]
    probes = train_heads(phi_train, y_train, probe_weights) if c["probes"] else []
    block = np.hstack([W for W, _ in random_heads])
    clean_r = (phi_test @ block).reshape(n_test, -1, L)
    trig_r = (phi_trig @ block).reshape(n_test, -1, L)
    lowest = clean_r.argmin(2)
    random_outcomes = []
    for h in range(len(random_heads)):
        clean, trig = clean_r[:, h].argmax(1), trig_r[:, h].argmax(1)
        candidates = clean != target
        random_outcomes.append((wilson(int((clean == y_test).sum()), n_test), wilson(int((trig[candidates] == target).sum()), int(candidates.sum())), float((trig == lowest[:, h]).mean())))
    # The nullifying head: the mean trigger shift projected out of the attacker's W.
    delta = (phi_trig - phi_test).mean(0)
    unit = delta / np.linalg.norm(delta)
    W_null = attacker[0] - np.outer(unit, unit @ attacker[0])
    return {
        "attacker": outcome(*attacker),
        "probes": [outcome(*p) for p in probes],
        "random": [o[1][0] for o in random_outcomes],
        "nullifying": outcome(W_null, attacker[1]),
    }


result = {"encoder": heads_on(g)}
# A clean encoder is its own twin (computed once, as the lab does).
result["cleanEncoder"] = heads_on(z) if c["backdoored"] else result["encoder"]
result["panel"] = detection_panel([g], k, c["seed"])
emit(result)
