#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Ember Authors
"""Reference values for Ember's tensor tests, computed with mpmath at 50 digits.

Regenerate (from the repository root; python3 with mpmath, a few seconds):
    python3 tools/reference/tensor_reference.py > core/src/test/resources/reference/tensor-reference.txt

Every input is an exact double: decimal literals are converted from their double value
(mp.mpf(float)), and the large matrices come from integer formulas divided by 4, which the Java
test rebuilds bit for bit (FormulaMatrix there is the same formula as formula_matrix here).
Outputs are printed with 20 significant digits, more than a double holds.
"""
import mpmath as mp

mp.mp.dps = 50

# special functions: points spread over each function's range, including its hard places
LOG_GAMMA = [1e-3, 0.05, 0.3, 0.999, 1.0, 1.5, 2.001, 2.5, 7.25, 30.0, 123.4, 1e3, 1e5]
DIGAMMA = [1e-3, 0.05, 0.3, 1.0, 1.4616, 1.5, 2.5, 7.25, 30.0, 48.5, 49.5, 123.4, 1e3]
TRIGAMMA = [1e-3, 0.05, 0.3, 1.0, 1.5, 2.5, 7.25, 30.0, 48.5, 49.5, 123.4, 1e3]
ERF = [-3.0, -0.7, -1e-10, 0.0, 0.2, 0.5, 1.0, 2.5, 5.0]
ERF_INV = [-0.999, -0.5, -1e-10, 0.0, 0.1, 0.5, 0.9, 0.999999, 1 - 2.0 ** -40]

# a fixed symmetric positive-definite matrix and right-hand side
A4 = [[4.0, 1.2, -0.5, 0.3],
      [1.2, 3.0, 0.7, -0.2],
      [-0.5, 0.7, 2.5, 0.4],
      [0.3, -0.2, 0.4, 1.8]]
B4 = [[1.0, -2.0], [0.5, 0.0], [-1.5, 3.0], [2.0, 1.0]]
# a product with rounding in every entry
X34 = [[0.1, -0.7, 1.3, 2.2], [0.35, 0.6, -1.1, 0.05], [-2.5, 0.9, 0.45, -0.3]]
Y42 = [[1.7, -0.2], [0.3, 0.8], [-0.6, 1.9], [0.15, -1.05]]
# a batch of two SPD matrices
BATCH = [[[2.0, 0.3, -0.4], [0.3, 1.5, 0.2], [-0.4, 0.2, 1.1]],
         [[5.0, -1.0, 0.5], [-1.0, 4.0, 1.5], [0.5, 1.5, 3.0]]]

# large sizes: above the BLAS/LAPACK thresholds (matmul n^3 >= 64^3, factorizations n >= 96)
N = 100
SAMPLE = [(i, j) for i in range(0, N, 7) for j in range(0, N, 11)]


def formula_matrix(rows, cols, a, b, c, p):
    """((a i + b j + c) mod p - (p - 1) / 2) / 4: small exact multiples of 1/4."""
    return [[mp.mpf((a * i + b * j + c) % p) / 4 - mp.mpf(p - 1) / 8 for j in range(cols)]
            for i in range(rows)]


def fmt(x):
    return mp.nstr(mp.mpf(x), 20, min_fixed=-1000, max_fixed=1000)


def exact(x):
    """The argument as the test reads it: the double nearest to it, printed to round-trip."""
    return repr(float(x))


def mat(rows):
    return mp.matrix([[mp.mpf(float(v)) for v in r] for r in rows])


def lower_solve(l, b):
    n, m = b.rows, b.cols
    x = mp.matrix(n, m)
    for c in range(m):
        for i in range(n):
            s = b[i, c] - sum(l[i, k] * x[k, c] for k in range(i))
            x[i, c] = s / l[i, i]
    return x


def upper_solve(u, b):
    n, m = b.rows, b.cols
    x = mp.matrix(n, m)
    for c in range(m):
        for i in reversed(range(n)):
            s = b[i, c] - sum(u[i, k] * x[k, c] for k in range(i + 1, n))
            x[i, c] = s / u[i, i]
    return x


def entries(name, m, where=None):
    for i in range(m.rows):
        for j in range(m.cols):
            if where is None or (i, j) in where:
                print("entry", name, i, j, fmt(m[i, j]))


def main():
    print("# Reference values for dev.ember.tensor tests (mpmath, 50 digits).")
    print("# Regenerate: python3 tools/reference/tensor_reference.py"
          " > core/src/test/resources/reference/tensor-reference.txt")
    print("# Lines: special <function> <argument> <value> | entry <result> <row> <column> <value>"
          " | scalar <result> <value>")
    for x in LOG_GAMMA:
        print("special logGamma", exact(x), fmt(mp.loggamma(mp.mpf(x))))
    for x in DIGAMMA:
        print("special digamma", exact(x), fmt(mp.digamma(mp.mpf(x))))
    for x in TRIGAMMA:
        print("special trigamma", exact(x), fmt(mp.psi(1, mp.mpf(x))))
    for x in ERF:
        print("special erf", exact(x), fmt(mp.erf(mp.mpf(x))))
    for y in ERF_INV:
        print("special erfinv", exact(y), fmt(mp.erfinv(mp.mpf(y))))

    entries("matmul", mat(X34) * mat(Y42))
    a = mat(A4)
    b = mat(B4)
    l = mp.cholesky(a)
    entries("cholesky", l)
    entries("solveLower", lower_solve(l, b))
    entries("solveUpper", upper_solve(l.T, b))
    print("scalar logDet", fmt(mp.log(mp.det(a))))
    for k, m in enumerate(BATCH):
        lk = mp.cholesky(mat(m))
        entries("choleskyBatch%d" % k, lk)
        print("scalar logDetBatch%d" % k, fmt(2 * sum(mp.log(lk[i, i]) for i in range(3))))

    big_m = mp.matrix(formula_matrix(N, N, 7, 3, 1, 11))
    big_n = mp.matrix(formula_matrix(N, N, 5, 2, 3, 13))
    big_b = mp.matrix(formula_matrix(N, 3, 3, 5, 2, 7))
    entries("matmulLarge", big_m * big_n, set(SAMPLE))
    big_a = big_m * big_m.T + N * mp.eye(N)
    big_l = mp.cholesky(big_a)
    entries("choleskyLarge", big_l, set(SAMPLE))
    print("scalar logDetLarge", fmt(2 * sum(mp.log(big_l[i, i]) for i in range(N))))
    entries("solveLowerLarge", lower_solve(big_l, big_b))
    entries("solveUpperLarge", upper_solve(big_l.T, big_b))


if __name__ == "__main__":
    main()
