#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Ember Authors
"""Single-particle Trace ELBO losses of scan models whose guide draws every step at once, for
Ember's scan tests (dev.ember.primitives.PlainGuideSampleTest).

Regenerate (from the repository root; python3 with mpmath, well under a second):
    python3 tools/reference/scan_guide_reference.py > core/src/test/resources/reference/scan-guide-reference.txt

With the guide's draws fixed at g, the loss is -(log p(g, y) - log q(g)), written out step by step
(the model unrolled over time), with no scan and no vectorization:
  obs   x_t ~ Normal(0, 1), y_t ~ Normal(x_t, 1) observed, t < T; the draws feed an observed site.
  walk  x_t ~ Normal(x_{t-1}, 1), x_{-1} = 0; the draws are the carry.
  ar1   B series in a plate inside the body: z_t ~ Normal(0.8 z_{t-1}, 0.5), z_{-1} = 0,
        y_t ~ Normal(z_t, 0.3) observed; g and y are [T, B].
The guide of obs and walk is q(x) = prod_t Normal(x_t; loc_t, scale_t) over [T]; that of ar1 is
q(z) = prod_{t,b} Normal(z_tb; loc_tb, scale_tb) over [T, B].
Everything is computed with mpmath at 40 digits; inputs are exact doubles printed to round-trip.

Format (read by the tests' dev.ember.data.ReferenceFile):
    <key> <value> | <key> <i> <value> | <key> <i> <j> <value>
"""
import mpmath as mp

# the key-format writer (and 40-digit precision) of the inference references, beside this script
from inference_reference import DOCS, LINES, matrix, normal_logpdf, scalar, vector


def logn(x, m, s):
    """log Normal(x; m, s), exactly, of doubles or mpf values."""
    return normal_logpdf(mp.mpf(x), mp.mpf(m), mp.mpf(s))


def series_models():
    g = [0.3, -1.2, 0.5]
    y = [1.0, 0.5, -0.5]
    loc = [0.1, -0.4, 0.2]
    scale = [0.8, 1.1, 0.6]
    vector("g", g, "the guide's draws of x, fixed", True)
    vector("y", y, "observations of obs", True)
    vector("loc", loc, "guide locations", True)
    vector("scale", scale, "guide scales", True)
    log_q = sum(logn(g[t], loc[t], scale[t]) for t in range(3))
    obs = sum(logn(g[t], 0, 1) + logn(y[t], g[t], 1) for t in range(3))
    scalar("obs.loss", -(obs - log_q), "loss of obs: -(log p(g, y) - log q(g))")
    walk = sum(logn(g[t], g[t - 1] if t > 0 else 0, 1) for t in range(3))
    scalar("walk.loss", -(walk - log_q), "loss of walk: -(log p(g) - log q(g))")


def ar1_model():
    g = [[0.2, -0.1], [0.5, 0.3], [-0.4, 0.9], [0.1, 0.6]]
    y = [[0.3, -0.2], [0.4, 0.5], [-0.6, 1.1], [0.0, 0.4]]
    loc = [[0.1, 0.0], [0.4, 0.2], [-0.3, 0.8], [0.2, 0.5]]
    scale = [[0.5, 0.6], [0.4, 0.7], [0.3, 0.5], [0.6, 0.4]]
    matrix("ar1.g", g, "the guide's draws of z, fixed, [T, B]")
    matrix("ar1.y", y, "observations, [T, B]")
    matrix("ar1.loc", loc, "guide locations, [T, B]")
    matrix("ar1.scale", scale, "guide scales, [T, B]")
    log_p = 0
    log_q = 0
    for t in range(4):
        for b in range(2):
            prev = mp.mpf(0.8) * mp.mpf(g[t - 1][b]) if t > 0 else 0
            log_p += logn(g[t][b], prev, 0.5) + logn(y[t][b], g[t][b], 0.3)
            log_q += logn(g[t][b], loc[t][b], scale[t][b])
    scalar("ar1.loss", -(log_p - log_q), "loss of ar1: -(log p(g, y) - log q(g))")


def main():
    series_models()
    ar1_model()
    print("# Trace ELBO losses of scan models with a guide that samples all steps at once (mpmath).")
    print("# Regenerate: python3 tools/reference/scan_guide_reference.py"
          " > core/src/test/resources/reference/scan-guide-reference.txt")
    print("# Format: '<key> <value>' scalar | '<key> <i> <value>' vector entry"
          " | '<key> <i> <j> <value>' matrix entry; '#' starts a comment.")
    print("# Keys (shape: meaning):")
    for line in DOCS:
        print(line)
    for line in LINES:
        print(line)


if __name__ == "__main__":
    main()
