// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

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
    double[] m = slots[0];
    double[] v = slots[1];
    double[] mOut = slotsOut[0];
    double[] vOut = slotsOut[1];
    // the moments, then the values from them: two loops that the JIT turns into vector
    // instructions. One loop reading four of the caller's arrays and writing three others ran an
    // element at a time, 2.5 to 2.7 times as slow (OptimizerBenchmark), since the JIT cannot rule
    // out that they overlap. The arithmetic of each element is the same, so are its bits.
    for (int i = 0; i < x.length; i++) {
      double gi = g[i];
      mOut[i] = (1 - b1) * gi + b1 * m[i];
      vOut[i] = (1 - b2) * (gi * gi) + b2 * v[i];
    }
    double rate = rate(lr, step, b1);
    double invSqrtC2 = invSqrtC2(step, b2);
    for (int i = 0; i < x.length; i++) {
      xOut[i] = x[i] - rate * mOut[i] / (Math.sqrt(vOut[i]) * invSqrtC2 + eps);
    }
  }

  /** The Adam update of one parameter, in place; shared with {@link ClippedAdam}. */
  static void update(
      double lr, long step, double b1, double b2, double eps,
      double[] x, double[] g, double[] m, double[] v) {
    double rate = rate(lr, step, b1);
    double invSqrtC2 = invSqrtC2(step, b2);
    // one loop: in place, reading and writing the same arrays, the JIT vectorizes it as it is
    for (int i = 0; i < x.length; i++) {
      m[i] = (1 - b1) * g[i] + b1 * m[i];
      v[i] = (1 - b2) * (g[i] * g[i]) + b2 * v[i];
      x[i] -= rate * m[i] / (Math.sqrt(v[i]) * invSqrtC2 + eps);
    }
  }

  // The bias corrections for t = step + 1 updates (the moments started at 0), hoisted out of
  // lr m/c1 / (sqrt(v/c2) + eps): one division and one square root per element instead of three
  // divisions (the loops are bound by them).

  /** {@code lr / (1 - b1^t)}. */
  private static double rate(double lr, long step, double b1) {
    return lr / (1 - Math.pow(b1, step + 1.0));
  }

  /** {@code 1 / sqrt(1 - b2^t)}. */
  private static double invSqrtC2(long step, double b2) {
    return 1 / Math.sqrt(1 - Math.pow(b2, step + 1.0));
  }

  @Override
  String describe() {
    return "b1=" + b1 + ", b2=" + b2 + ", eps=" + eps;
  }
}
