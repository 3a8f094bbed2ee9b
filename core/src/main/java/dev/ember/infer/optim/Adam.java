// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

import dev.ember.tensor.Tensor;

/**
 * Adam, as JAX's {@code adam} (NumPyro's {@code Adam}). With moments {@code m, v} (two slots,
 * from 0) and {@code t = step + 1}:
 *
 * <pre>{@code
 *   m <- b1 * m + (1 - b1) * g
 *   v <- b2 * v + (1 - b2) * g^2
 *   x <- x - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * }</pre>
 *
 * <p>{@code eps} is added to the bias-corrected root, as in JAX and the paper (PyTorch adds it to
 * the uncorrected root, which differs in the first steps when gradients are tiny).
 *
 * <pre>{@code
 * Optimizer adam = Adam.of(0.01);                         // b1 = 0.9, b2 = 0.999, eps = 1e-8
 * LearningRate decay = LearningRate.exponentialDecay(0.01, 0.1, 10_000, false);
 * Optimizer tuned = Adam.of(decay, 0.8, 0.99, 1e-8);
 * }</pre>
 *
 * <p>References: D. P. Kingma and J. Ba, <i>Adam: A Method for Stochastic Optimization</i>, ICLR
 * 2015.
 */
public final class Adam extends ElementwiseOptimizer {
  private static final long serialVersionUID = 1L;

  private final double b1;
  private final double b2;
  private final double eps;

  private Adam(LearningRate lr, double b1, double b2, double eps) {
    super("Adam", lr, "m", "v");
    this.b1 = Checks.decay("Adam", "b1", b1);
    this.b2 = Checks.decay("Adam", "b2", b2);
    this.eps = Checks.positive("Adam", "eps", eps);
  }

  /** Adam with a constant rate (finite, {@code > 0}) and b1 = 0.9, b2 = 0.999, eps = 1e-8. */
  public static Adam of(double lr) {
    return of(lr, 0.9, 0.999, 1e-8);
  }

  /**
   * Adam with a constant rate.
   *
   * @param b1 the decay of the first moment, in {@code [0, 1)}
   * @param b2 the decay of the second moment, in {@code [0, 1)}
   * @param eps added to the denominator, finite and {@code > 0}
   */
  public static Adam of(double lr, double b1, double b2, double eps) {
    return of(LearningRate.constant(Checks.positive("Adam", "lr", lr)), b1, b2, eps);
  }

  /** Adam with a learning-rate schedule and the default b1, b2 and eps. */
  public static Adam of(LearningRate lr) {
    return of(lr, 0.9, 0.999, 1e-8);
  }

  /** Adam with a learning-rate schedule; see {@link #of(double, double, double, double)}. */
  public static Adam of(LearningRate lr, double b1, double b2, double eps) {
    return new Adam(lr, b1, b2, eps);
  }

  @Override
  void step(double lr, long step, double[] x, double[] g, double[][] slots) {
    update(lr, step, b1, b2, eps, x, g, slots[0], slots[1]);
  }

  @Override
  void stepInto(double lr, long step, double[] x, double[] g, double[][] slots, double[] xOut,
      double[][] slotsOut) {
    updateInto(lr, step, x, g, slots, xOut, slotsOut);
  }

  @Override
  boolean stepIntoIfFinite(double lr, long step, double[] x, double[] g, double[][] slots,
      double[] xOut, double[][] slotsOut) {
    return updateInto(lr, step, x, g, slots, xOut, slotsOut) == 0;
  }

  /**
   * One pass from the old arrays to the new, with the same arithmetic as {@link #update}; returns
   * the sum of {@code g * 0}, which is 0 when every gradient value is finite and NaN otherwise
   * (the check of {@link Tensor#allFinite}, made while the gradient is read anyway).
   */
  private double updateInto(double lr, long step, double[] x, double[] g, double[][] slots,
      double[] xOut, double[][] slotsOut) {
    double[] m = slots[0];
    double[] v = slots[1];
    double[] mOut = slotsOut[0];
    double[] vOut = slotsOut[1];
    double c1 = 1 - Math.pow(b1, step + 1.0);
    double c2 = 1 - Math.pow(b2, step + 1.0);
    double rate = lr / c1;
    double invSqrtC2 = 1 / Math.sqrt(c2);
    double check = 0;
    for (int i = 0; i < x.length; i++) {
      double mi = (1 - b1) * g[i] + b1 * m[i];
      double vi = (1 - b2) * (g[i] * g[i]) + b2 * v[i];
      mOut[i] = mi;
      vOut[i] = vi;
      xOut[i] = x[i] - rate * mi / (Math.sqrt(vi) * invSqrtC2 + eps);
      check += g[i] * 0.0;
    }
    return check;
  }

  /** The Adam update of one parameter, in place; shared with {@link ClippedAdam}. */
  static void update(
      double lr, long step, double b1, double b2, double eps,
      double[] x, double[] g, double[] m, double[] v) {
    // Bias corrections for t = step + 1 updates: the moments started at 0.
    double c1 = 1 - Math.pow(b1, step + 1.0);
    double c2 = 1 - Math.pow(b2, step + 1.0);
    // lr m/c1 / (sqrt(v/c2) + eps) with the corrections hoisted: one division and one square
    // root per element instead of three divisions (the loop is bound by them).
    double rate = lr / c1;
    double invSqrtC2 = 1 / Math.sqrt(c2);
    for (int i = 0; i < x.length; i++) {
      m[i] = (1 - b1) * g[i] + b1 * m[i];
      v[i] = (1 - b2) * (g[i] * g[i]) + b2 * v[i];
      x[i] -= rate * m[i] / (Math.sqrt(v[i]) * invSqrtC2 + eps);
    }
  }

  @Override
  String describe() {
    return "b1=" + b1 + ", b2=" + b2 + ", eps=" + eps;
  }
}
