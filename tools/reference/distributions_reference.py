#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Ember Authors
"""Reference log-densities, means and variances for Ember's distribution tests (mpmath, 40 digits).

Each density is written from its textbook formula, independently of Ember's code.
Regenerate (from the repository root):
    python3 tools/reference/distributions_reference.py > core/src/test/resources/reference/distributions-reference.txt
"""
import mpmath as mp

mp.mp.dps = 40
pi = mp.pi


def normal(x, m, s):
    return -((x - m) / s) ** 2 / 2 - mp.log(s) - mp.log(2 * pi) / 2


def half_normal(x, s):
    return mp.log(2) + normal(x, 0, s)


def exponential(x, r):
    return mp.log(r) - r * x


def uniform(x, lo, hi):
    return -mp.log(hi - lo)


def gamma(x, a, b):
    return a * mp.log(b) + (a - 1) * mp.log(x) - b * x - mp.loggamma(a)


def beta(x, a, b):
    return (a - 1) * mp.log(x) + (b - 1) * mp.log(1 - x) - (mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b))


def bernoulli(x, p):
    return mp.log(p) if x == 1 else mp.log(1 - p)


def categorical(x, probs):
    return mp.log(probs[int(x)] / sum(probs))


def poisson(x, r):
    return x * mp.log(r) - r - mp.loggamma(x + 1)


def cauchy(x, m, s):
    return -mp.log(pi) - mp.log(s) - mp.log(1 + ((x - m) / s) ** 2)


def laplace(x, m, s):
    return -mp.log(2 * s) - abs(x - m) / s


def logistic(x, m, s):
    z = (x - m) / s
    return -z - 2 * mp.log(1 + mp.exp(-z)) - mp.log(s)


def student_t(x, df, m, s):
    z = (x - m) / s
    return (mp.loggamma((df + 1) / 2) - mp.loggamma(df / 2) - mp.log(df * pi) / 2 - mp.log(s)
            - (df + 1) / 2 * mp.log(1 + z * z / df))


def half_cauchy(x, s):
    return mp.log(2) - mp.log(pi) - mp.log(s) - mp.log(1 + (x / s) ** 2)


def log_normal(x, m, s):
    return normal(mp.log(x), m, s) - mp.log(x)


def inverse_gamma(x, a, b):
    return a * mp.log(b) - mp.loggamma(a) - (a + 1) * mp.log(x) - b / x


def weibull(x, lam, k):
    return mp.log(k) - mp.log(lam) + (k - 1) * mp.log(x / lam) - (x / lam) ** k


def binomial(x, n, p):
    return (mp.loggamma(n + 1) - mp.loggamma(x + 1) - mp.loggamma(n - x + 1)
            + x * mp.log(p) + (n - x) * mp.log(1 - p))


def negative_binomial(x, r, p):
    return mp.loggamma(x + r) - mp.loggamma(r) - mp.loggamma(x + 1) + r * mp.log(1 - p) + x * mp.log(p)


def geometric(x, p):
    return x * mp.log(1 - p) + mp.log(p)


def dirichlet(x, a):
    return (sum((a[i] - 1) * mp.log(x[i]) for i in range(len(a))) + mp.loggamma(sum(a))
            - sum(mp.loggamma(v) for v in a))


def random_walk(x, s):
    total = normal(x[0], 0, s)
    for t in range(1, len(x)):
        total += normal(x[t] - x[t - 1], 0, s)
    return total


def mvn(x, m, cov):
    d = len(x)
    c = mp.matrix(cov)
    diff = mp.matrix([x[i] - m[i] for i in range(d)])
    q = (diff.T * mp.inverse(c) * diff)[0]
    return -q / 2 - mp.log(mp.det(c)) / 2 - d * mp.log(2 * pi) / 2


# name, log-density function, parameters, points, mean, variance
CASES = [
    ("normal", lambda x: normal(x, mp.mpf("0.5"), mp.mpf("1.5")), [-2.0, 0.3, 4.0],
     mp.mpf("0.5"), mp.mpf("1.5") ** 2),
    ("halfNormal", lambda x: half_normal(x, mp.mpf("2.0")), [0.1, 1.0, 5.0],
     2 * mp.sqrt(2 / pi), 4 * (1 - 2 / pi)),
    ("exponential", lambda x: exponential(x, mp.mpf("1.7")), [0.05, 1.0, 3.0],
     1 / mp.mpf("1.7"), 1 / mp.mpf("1.7") ** 2),
    ("uniform", lambda x: uniform(x, mp.mpf("-1.0"), mp.mpf("3.0")), [-0.5, 0.0, 2.9],
     mp.mpf(1), mp.mpf(16) / 12),
    ("gamma", lambda x: gamma(x, mp.mpf("2.5"), mp.mpf("1.5")), [0.2, 1.0, 4.0],
     mp.mpf("2.5") / mp.mpf("1.5"), mp.mpf("2.5") / mp.mpf("1.5") ** 2),
    ("gammaSmall", lambda x: gamma(x, mp.mpf("0.4"), mp.mpf("2.0")), [0.01, 0.3, 2.0],
     mp.mpf("0.2"), mp.mpf("0.4") / 4),
    ("beta", lambda x: beta(x, mp.mpf("2.0"), mp.mpf("5.0")), [0.05, 0.3, 0.9],
     mp.mpf(2) / 7, mp.mpf(10) / (49 * 8)),
    ("bernoulli", lambda x: bernoulli(x, mp.mpf("0.3")), [0.0, 1.0],
     mp.mpf("0.3"), mp.mpf("0.21")),
    ("categorical", lambda x: categorical(x, [mp.mpf("0.2"), mp.mpf("0.3"), mp.mpf("0.5")]),
     [0.0, 1.0, 2.0], mp.mpf("1.3"), mp.mpf("0.3") + 4 * mp.mpf("0.5") - mp.mpf("1.3") ** 2),
    ("poisson", lambda x: poisson(x, mp.mpf("3.5")), [0.0, 2.0, 9.0],
     mp.mpf("3.5"), mp.mpf("3.5")),
    ("cauchy", lambda x: cauchy(x, mp.mpf("0.5"), mp.mpf("2.0")), [-3.0, 0.5, 10.0], None, None),
    ("laplace", lambda x: laplace(x, mp.mpf("-0.5"), mp.mpf("1.5")), [-3.0, 0.0, 2.0],
     mp.mpf("-0.5"), 2 * mp.mpf("1.5") ** 2),
    ("logistic", lambda x: logistic(x, mp.mpf("1.0"), mp.mpf("0.7")), [-2.0, 1.0, 3.0],
     mp.mpf(1), mp.mpf("0.49") * pi ** 2 / 3),
    ("studentT", lambda x: student_t(x, mp.mpf(9), mp.mpf("0.5"), mp.mpf("2.0")), [-4.0, 0.5, 3.0],
     mp.mpf("0.5"), 4 * mp.mpf(9) / 7),
    ("halfCauchy", lambda x: half_cauchy(x, mp.mpf("1.5")), [0.1, 1.0, 20.0], None, None),
    ("logNormal", lambda x: log_normal(x, mp.mpf("0.2"), mp.mpf("0.8")), [0.1, 1.0, 5.0],
     mp.exp(mp.mpf("0.2") + mp.mpf("0.32")), (mp.exp(mp.mpf("0.64")) - 1) * mp.exp(mp.mpf("0.4") + mp.mpf("0.64"))),
    ("inverseGamma", lambda x: inverse_gamma(x, mp.mpf(10), mp.mpf(9)), [0.3, 1.0, 2.5],
     mp.mpf(1), mp.mpf(81) / (81 * 8)),
    ("chi2", lambda x: gamma(x, mp.mpf("1.5"), mp.mpf("0.5")), [0.2, 2.0, 9.0], mp.mpf(3), mp.mpf(6)),
    ("weibull", lambda x: weibull(x, mp.mpf("2.0"), mp.mpf("1.5")), [0.1, 1.5, 5.0],
     2 * mp.gamma(1 + 1 / mp.mpf("1.5")),
     4 * (mp.gamma(1 + 2 / mp.mpf("1.5")) - mp.gamma(1 + 1 / mp.mpf("1.5")) ** 2)),
    ("binomial", lambda x: binomial(x, mp.mpf(10), mp.mpf("0.3")), [0.0, 3.0, 10.0],
     mp.mpf(3), mp.mpf("2.1")),
    ("negativeBinomial", lambda x: negative_binomial(x, mp.mpf("2.5"), mp.mpf("0.4")), [0.0, 1.0, 7.0],
     mp.mpf("2.5") * mp.mpf("0.4") / mp.mpf("0.6"), mp.mpf("2.5") * mp.mpf("0.4") / mp.mpf("0.36")),
    ("geometric", lambda x: geometric(x, mp.mpf("0.25")), [0.0, 3.0, 12.0], mp.mpf(3), mp.mpf(12)),
]


def fmt(x):
    return mp.nstr(mp.mpf(x), 22, min_fixed=-1000, max_fixed=1000)


def main():
    print("# Reference values for dev.ember.dist tests (mpmath, 40 digits).")
    print("# Regenerate: python3 tools/reference/distributions_reference.py"
          " > core/src/test/resources/reference/distributions-reference.txt")
    print("# Format: logProb <case> <x> <value> | mean <case> <value> | variance <case> <value>")
    for name, f, points, mean, var in CASES:
        for x in points:
            print("logProb", name, fmt(x), fmt(f(mp.mpf(x))))
        if mean is not None:
            print("mean", name, fmt(mean))
            print("variance", name, fmt(var))
    for x in ([0.2, 0.3, 0.5], [0.7, 0.1, 0.2]):
        print("logProb", "dirichlet", ",".join(fmt(v) for v in x),
              fmt(dirichlet([mp.mpf(v) for v in x], [mp.mpf("2.0"), mp.mpf("0.5"), mp.mpf("3.0")])))
    for x in ([0.3, -0.2, 1.1, 0.4], [-1.0, -2.0, -1.5, 0.0]):
        print("logProb", "randomWalk", ",".join(fmt(v) for v in x),
              fmt(random_walk([mp.mpf(v) for v in x], mp.mpf("0.7"))))
    # low rank: W = [[1, 0.5], [0, 1], [-1, 2]], D = [0.5, 1, 2], loc = [0.1, 0, -0.2]
    w = mp.matrix([[1, mp.mpf("0.5")], [0, 1], [-1, 2]])
    cov3 = w * w.T + mp.diag([mp.mpf("0.5"), 1, 2])
    for x in ([0.0, 0.0, 0.0], [1.0, -1.0, 2.0]):
        print("logProb", "lowRank", ",".join(fmt(v) for v in x),
              fmt(mvn([mp.mpf(v) for v in x], [mp.mpf("0.1"), 0, mp.mpf("-0.2")],
                      [[cov3[i, j] for j in range(3)] for i in range(3)])))
    cov = [[mp.mpf("2.0"), mp.mpf("0.6")], [mp.mpf("0.6"), mp.mpf("1.0")]]
    for x in ([0.0, 0.0], [1.0, -2.0]):
        print("logProb", "mvn", fmt(x[0]) + "," + fmt(x[1]),
              fmt(mvn([mp.mpf(v) for v in x], [mp.mpf("0.5"), mp.mpf("-1.0")], cov)))


if __name__ == "__main__":
    main()
