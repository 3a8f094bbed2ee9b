#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Ember Authors
"""Reference values for Ember's tensor tests, computed with mpmath at 50 digits.

Regenerate (from the repository root):
    python3 tools/reference/tensor_reference.py > core/src/test/resources/reference/tensor-reference.txt
"""
import mpmath as mp

mp.mp.dps = 50

POINTS = [0.05, 0.3, 1.0, 1.5, 2.5, 7.25, 30.0, 123.4]
ERF_POINTS = [-3.0, -0.7, 0.0, 0.2, 1.0, 2.5]
ERFINV_POINTS = [-0.999, -0.5, 0.0, 0.1, 0.9, 0.999999]

# A fixed symmetric positive-definite matrix and right-hand side for linear algebra.
A = [[4.0, 1.2, -0.5, 0.3],
     [1.2, 3.0, 0.7, -0.2],
     [-0.5, 0.7, 2.5, 0.4],
     [0.3, -0.2, 0.4, 1.8]]
B = [[1.0, -2.0], [0.5, 0.0], [-1.5, 3.0], [2.0, 1.0]]


def fmt(x):
    return mp.nstr(mp.mpf(x), 20, min_fixed=-1000, max_fixed=1000)


def main():
    print("# Reference values for dev.ember.tensor tests (mpmath, 50 digits).")
    print("# Regenerate: python3 tools/reference/tensor_reference.py"
          " > core/src/test/resources/reference/tensor-reference.txt")
    print("# Format: <function> <argument(s)> <value>")
    for x in POINTS:
        print("logGamma", fmt(x), fmt(mp.loggamma(x)))
        print("digamma", fmt(x), fmt(mp.digamma(x)))
        print("trigamma", fmt(x), fmt(mp.psi(1, x)))
    for x in ERF_POINTS:
        print("erf", fmt(x), fmt(mp.erf(x)))
    for y in ERFINV_POINTS:
        print("erfinv", fmt(y), fmt(mp.erfinv(y)))
    a = mp.matrix(A)
    l = mp.cholesky(a)
    for i in range(4):
        for j in range(4):
            print("cholesky", i, j, fmt(l[i, j]))
    # forward substitution L X = B, column by column
    for c in range(2):
        col = [mp.mpf(B[r][c]) for r in range(4)]
        sol = []
        for i in range(4):
            s = col[i] - sum(l[i, k] * sol[k] for k in range(i))
            sol.append(s / l[i, i])
        for i in range(4):
            print("solveLower", i, c, fmt(sol[i]))
    print("logDet", fmt(mp.log(mp.det(a))))


if __name__ == "__main__":
    main()
