#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Ember Authors
"""Reference values for dev.ember.infer.optim and dev.ember.infer.AnnealingSchedule (mpmath, 40 digits).

Each optimizer, learning-rate schedule and annealing schedule is written here from its published
update rule (JAX's example_libraries.optimizers as wrapped by NumPyro, optax's schedules, Fu et
al. 2019 for cyclical annealing), independently of Ember's code. Every input is a double, so
mp.mpf(x) is the exact value the Java test starts from.

Regenerate (from the repository root):
    python3 tools/reference/optim_reference.py > core/src/test/resources/reference/optim-reference.txt
"""
import mpmath as mp

mp.mp.dps = 40
F = mp.mpf


def fmt(x):
    return mp.nstr(x, 25, min_fixed=-mp.inf, max_fixed=mp.inf) if x != 0 else "0.0"


# ---------------------------------------------------------------- problems

def quadratic_grad(p):
    """f(x) = (x - 3)^2, one scalar parameter 'x'."""
    return {"x": [2 * (p["x"][0] - 3)]}


def two_param_grad(p):
    """f(a, b) = 1.5 (a0 - 0.5)^2 + 0.5 (a1 + 1)^2 + 2 (b - 3)^2; a is [2], b is []."""
    a, b = p["a"], p["b"]
    return {"a": [3 * (a[0] - F(0.5)), a[1] + 1], "b": [4 * (b[0] - 3)]}


QUADRATIC_X0 = {"x": [F(0.0)]}
TWO_PARAM_X0 = {"a": [F(1.0), F(-2.0)], "b": [F(0.5)]}


# ---------------------------------------------------------------- optimizers
# Each is (init(values) -> slots, update(step, lr, g, x, slots) -> (x, slots)) per parameter.

def sgd():
    return (lambda x: [], lambda i, lr, g, x, s: ([xj - lr * gj for xj, gj in zip(x, g)], []))


def momentum(mass, nesterov):
    mass = F(mass)

    def update(i, lr, g, x, s):
        (v,) = s
        v = [mass * vj + gj for vj, gj in zip(v, g)]
        step = [mass * vj + gj for vj, gj in zip(v, g)] if nesterov else v
        return [xj - lr * dj for xj, dj in zip(x, step)], [v]

    return (lambda x: [[F(0)] * len(x)], update)


def adam(b1=0.9, b2=0.999, eps=1e-8):
    b1, b2, eps = F(b1), F(b2), F(eps)

    def update(i, lr, g, x, s):
        m, v = s
        m = [(1 - b1) * gj + b1 * mj for gj, mj in zip(g, m)]
        v = [(1 - b2) * gj ** 2 + b2 * vj for gj, vj in zip(g, v)]
        mhat = [mj / (1 - b1 ** (i + 1)) for mj in m]
        vhat = [vj / (1 - b2 ** (i + 1)) for vj in v]
        return [xj - lr * mh / (mp.sqrt(vh) + eps) for xj, mh, vh in zip(x, mhat, vhat)], [m, v]

    return (lambda x: [[F(0)] * len(x), [F(0)] * len(x)], update)


def clipped_adam(clip_norm, lr_decay, b1=0.9, b2=0.999, eps=1e-8):
    """Adam on each parameter's gradient rescaled to an L2 norm <= clip_norm, lr * lr_decay^step."""
    init, adam_update = adam(b1, b2, eps)
    clip_norm, lr_decay = F(clip_norm), F(lr_decay)

    def update(i, lr, g, x, s):
        norm = mp.sqrt(sum(gj ** 2 for gj in g))
        if norm > clip_norm:
            g = [gj * clip_norm / norm for gj in g]
        return adam_update(i, lr * lr_decay ** i, g, x, s)

    return (init, update)


def adagrad(mom):
    """JAX's adagrad (NumPyro's Adagrad): accumulator from 0, no eps, momentum on the scaled step."""
    mom = F(mom)

    def update(i, lr, g, x, s):
        gsq, m = s
        gsq = [a + gj ** 2 for a, gj in zip(gsq, g)]
        inv = [1 / mp.sqrt(a) if a > 0 else F(0) for a in gsq]
        m = [(1 - mom) * (gj * r) + mom * mj for gj, r, mj in zip(g, inv, m)]
        return [xj - lr * mj for xj, mj in zip(x, m)], [gsq, m]

    return (lambda x: [[F(0)] * len(x), [F(0)] * len(x)], update)


def rmsprop(gamma=0.9, eps=1e-8):
    """JAX's rmsprop (NumPyro's RMSProp): eps inside the square root."""
    gamma, eps = F(gamma), F(eps)

    def update(i, lr, g, x, s):
        (a,) = s
        a = [aj * gamma + gj ** 2 * (1 - gamma) for aj, gj in zip(a, g)]
        return [xj - lr * gj / mp.sqrt(aj + eps) for xj, gj, aj in zip(x, g, a)], [a]

    return (lambda x: [[F(0)] * len(x)], update)


def run(case, opt, lr, grad, x0, steps):
    init, update = opt
    x = {k: list(v) for k, v in x0.items()}
    slots = {k: init(v) for k, v in x.items()}
    for i in range(steps):
        g = grad(x)
        for k in x:
            x[k], slots[k] = update(i, lr(i), g[k], x[k], slots[k])
        for k in x:
            for j, xj in enumerate(x[k]):
                print("optim", case, i + 1, k, j, fmt(xj))


# ---------------------------------------------------------------- learning rates (optax / JAX)

def constant(v):
    return lambda t: F(v)


def exponential_decay(lr0, rate, decay_steps, staircase):
    def f(t):
        e = F(t) / decay_steps
        return F(lr0) * F(rate) ** (mp.floor(e) if staircase else e)

    return f


def piecewise_constant(boundaries, values):
    """JAX's piecewise_constant: values[number of boundaries b with t > b]."""
    return lambda t: F(values[sum(1 for b in boundaries if t > b)])


def cosine_decay(lr0, decay_steps, alpha):
    def f(t):
        t = min(t, decay_steps)
        cos = (1 + mp.cos(mp.pi * F(t) / decay_steps)) / 2
        return F(lr0) * ((1 - F(alpha)) * cos + F(alpha))

    return f


def warmup(steps, after):
    """optax's join_schedules([linear_schedule(0, after(0), steps), after], [steps])."""
    return lambda t: after(0) * F(t) / steps if t < steps else after(t - steps)


LR_STEPS = [0, 1, 2, 5, 10, 50, 99, 100, 101, 150, 999, 1000, 1001, 1100, 5000]
LR_CASES = [
    ("constant", constant(0.1)),
    ("exponential", exponential_decay(0.1, 0.5, 100, False)),
    ("exponentialStaircase", exponential_decay(0.1, 0.5, 100, True)),
    ("piecewise", piecewise_constant([100, 1000], [0.1, 0.01, 0.001])),
    ("cosine", cosine_decay(0.1, 1000, 0.0)),
    ("cosineAlpha", cosine_decay(0.1, 1000, 0.1)),
    ("warmupCosine", warmup(100, cosine_decay(0.1, 1000, 0.1))),
    ("warmupConstant", warmup(100, constant(0.05))),
]


# ---------------------------------------------------------------- annealing (beta) schedules

def a_constant(beta):
    return lambda t: F(beta)


def a_linear(start, end, steps):
    return lambda t: F(start) + (F(end) - F(start)) * F(t) / steps if t < steps else F(end)


def a_cosine(start, end, steps):
    def f(t):
        if t >= steps:
            return F(end)
        return F(end) + (F(start) - F(end)) * (1 + mp.cos(mp.pi * F(t) / steps)) / 2

    return f


def a_cyclical(period, ramp, start, end):
    """Fu et al. 2019, 0-based steps: tau = (t mod period) / period; ramp over [0, ramp], then hold."""
    def f(t):
        tau = F(t % period) / period
        return F(start) + (F(end) - F(start)) * min(F(1), tau / F(ramp))

    return f


def a_sigmoid(start, end, midpoint, steepness):
    return lambda t: F(start) + (F(end) - F(start)) / (1 + mp.exp(-F(steepness) * (t - midpoint)))


ANNEAL_STEPS = [0, 1, 10, 75, 250, 299, 300, 499, 500, 501, 750, 999, 1000, 1001, 2000, 2500, 5000]
ANNEAL_CASES = [
    ("constant:0.5", a_constant(0.5)),
    ("linear:0.1->1.0@2000", a_linear(0.1, 1.0, 2000)),
    ("linear:1.0->0.2@1000", a_linear(1.0, 0.2, 1000)),
    ("cosine:0.0->1.0@1000", a_cosine(0.0, 1.0, 1000)),
    ("cyclical:0.0->1.0@500x0.5", a_cyclical(500, 0.5, 0.0, 1.0)),
    ("cyclical:0.2->1.0@300x0.25", a_cyclical(300, 0.25, 0.2, 1.0)),
    ("sigmoid:0.0->1.0@1000/0.01", a_sigmoid(0.0, 1.0, 1000, 0.01)),
]


def main():
    print("# Reference values for dev.ember.infer.optim and dev.ember.infer.AnnealingSchedule (mpmath, 40 digits).")
    print("# Regenerate: python3 tools/reference/optim_reference.py > core/src/test/resources/reference/optim-reference.txt")
    print("# Lines: optim <case> <step> <param> <flat index> <value after that many updates>")
    print("#        lr <case> <step> <value> | anneal <spec> <step> <beta>")
    print("# Section 1: optimizers. adamQuadratic: f(x) = (x - 3)^2 from x = 0; the others:")
    print("#   f(a, b) = 1.5 (a0 - 0.5)^2 + 0.5 (a1 + 1)^2 + 2 (b - 3)^2 from a = [1, -2], b = 0.5")
    run("adamQuadratic", adam(), constant(0.1), quadratic_grad, QUADRATIC_X0, 3)
    run("sgd", sgd(), constant(0.1), two_param_grad, TWO_PARAM_X0, 5)
    run("momentum", momentum(0.9, False), constant(0.1), two_param_grad, TWO_PARAM_X0, 5)
    run("nesterov", momentum(0.9, True), constant(0.1), two_param_grad, TWO_PARAM_X0, 5)
    run("adam", adam(), constant(0.1), two_param_grad, TWO_PARAM_X0, 5)
    run("adamScheduled", adam(0.8, 0.99, 1e-6), exponential_decay(0.1, 0.5, 2, False),
        two_param_grad, TWO_PARAM_X0, 5)
    run("clippedAdam", clipped_adam(1.0, 0.9), constant(0.1), two_param_grad, TWO_PARAM_X0, 5)
    run("adagrad", adagrad(0.9), constant(0.1), two_param_grad, TWO_PARAM_X0, 5)
    run("adagradNoMomentum", adagrad(0.0), constant(0.5), two_param_grad, TWO_PARAM_X0, 5)
    run("rmsprop", rmsprop(), constant(0.01), two_param_grad, TWO_PARAM_X0, 5)
    print("# Section 2: learning-rate schedules (optax/JAX definitions)")
    for case, f in LR_CASES:
        for t in LR_STEPS:
            print("lr", case, t, fmt(f(t)))
    print("# Section 3: annealing schedules, by their parse() spec")
    for spec, f in ANNEAL_CASES:
        for t in ANNEAL_STEPS:
            print("anneal", spec, t, fmt(f(t)))


if __name__ == "__main__":
    main()
