// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A control for timing benchmarks, written without Ember: one SVI step of the reference AR(1)
 * model's mean-field guide over the latent series, by hand on plain arrays. It draws the
 * reparameterized latents {@code z = loc + exp(logScale) * eps}, takes the gradient of the
 * negative ELBO ({@code -log p(z, y) - sum(logScale)}, up to constants) with respect to the guide's
 * {@code loc} and {@code logScale} ({@code [T, B]}, time-major), and takes an Adam step on them.
 * Unlike {@link Ar1Reference}, phi, sigma and tau stay fixed at the truth (0.8, 0.5, 0.3): this is
 * a workload of about the same memory traffic and arithmetic as Ember's step, with a small amount
 * of code, not a fit.
 *
 * <pre>{@code
 * PlainAr1Step control = new PlainAr1Step(Ar1Reference.observations(512, 20)
 *     .toArray(), 512, 20);
 * control.step();   // one gradient and Adam step; returns the negative ELBO's estimate
 * }</pre>
 */
final class PlainAr1Step {
  private static final double PHI = 0.8;
  private static final double SIGMA = 0.5;
  private static final double TAU = 0.3;
  private static final double LR = 0.01;
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;

  private final int series;
  private final int steps;
  private final double[] ys; // [T, B]
  private final double[] loc; // [T, B]
  private final double[] logScale; // [T, B]
  private final double[][] moments = new double[4][]; // Adam's m and v for loc, then logScale
  private long count;

  /** A step over observations {@code ys}, {@code [T, B]} time-major, of B series of T steps. */
  PlainAr1Step(double[] ys, int series, int steps) {
    if (ys.length != series * steps) {
      throw new IllegalArgumentException("PlainAr1Step: " + ys.length + " observations for "
          + series + " series of " + steps + " steps; expected " + series * steps);
    }
    this.series = series;
    this.steps = steps;
    this.ys = ys.clone();
    int n = series * steps;
    loc = new double[n];
    logScale = new double[n];
    Arrays.fill(logScale, Math.log(0.1));
    for (int i = 0; i < moments.length; i++) {
      moments[i] = new double[n];
    }
  }

  /** One step: fresh arrays for every intermediate, as a tensor program allocates them. */
  double step() {
    int n = series * steps;
    int b = series;
    SplittableRandom rng = new SplittableRandom(++count);
    double[] eps = new double[n];
    for (int i = 0; i < n; i++) {
      eps[i] = rng.nextGaussian();
    }
    double[] scale = new double[n];
    double[] z = new double[n];
    for (int i = 0; i < n; i++) {
      scale[i] = Math.exp(logScale[i]);
      z[i] = loc[i] + scale[i] * eps[i];
    }
    double[] gz = new double[n]; // d log p / dz
    double logP = 0;
    for (int i = 0; i < b; i++) { // z_0 ~ Normal(0, 1)
      logP -= 0.5 * z[i] * z[i];
      gz[i] -= z[i];
    }
    for (int j = b; j < n; j++) { // z_t ~ Normal(phi z_{t-1}, sigma)
      double d = (z[j] - PHI * z[j - b]) / SIGMA;
      logP -= 0.5 * d * d;
      gz[j] -= d / SIGMA;
      gz[j - b] += d * PHI / SIGMA;
    }
    for (int i = 0; i < n; i++) { // y_t ~ Normal(z_t, tau)
      double d = (ys[i] - z[i]) / TAU;
      logP -= 0.5 * d * d;
      gz[i] += d / TAU;
    }
    double entropy = 0;
    double[] gLoc = new double[n];
    double[] gLogScale = new double[n];
    for (int i = 0; i < n; i++) {
      entropy += logScale[i];
      gLoc[i] = -gz[i];
      gLogScale[i] = -gz[i] * eps[i] * scale[i] - 1.0;
    }
    double c1 = 1 - Math.pow(BETA1, count);
    double c2 = 1 - Math.pow(BETA2, count);
    adam(loc, gLoc, moments[0], moments[1], c1, c2);
    adam(logScale, gLogScale, moments[2], moments[3], c1, c2);
    return -(logP + entropy);
  }

  private static void adam(double[] p, double[] g, double[] m, double[] v, double c1, double c2) {
    for (int i = 0; i < p.length; i++) {
      m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
      v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
      p[i] -= LR * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8);
    }
  }
}
