// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

/**
 * RMSProp as NumPyro has it (JAX's {@code rmsprop}): the gradient is divided by the root of a
 * moving average of its squares. With average {@code a} (one slot, from 0):
 *
 * <pre>{@code
 *   a <- decay * a + (1 - decay) * g^2
 *   x <- x - lr * g / sqrt(a + eps)
 * }</pre>
 *
 * <p>{@code eps} sits inside the root, as in JAX (PyTorch and optax add it outside).
 *
 * <pre>{@code
 * Optimizer rms = RmsProp.of(0.01);                // decay 0.9, eps 1e-8
 * Optimizer slow = RmsProp.of(0.01, 0.99, 1e-8);
 * }</pre>
 *
 * <p>References: T. Tieleman and G. Hinton, <i>Lecture 6.5, RMSProp</i>, COURSERA: Neural
 * Networks for Machine Learning, 2012.
 */
public final class RmsProp extends ElementwiseOptimizer {
  private static final long serialVersionUID = 1L;

  private final double decay;
  private final double eps;

  private RmsProp(LearningRate lr, double decay, double eps) {
    super("RmsProp", lr, "meanSquare");
    this.decay = Checks.decay("RmsProp", "decay", decay);
    this.eps = Checks.positive("RmsProp", "eps", eps);
  }

  /** A constant rate (finite, {@code > 0}), decay 0.9 and eps 1e-8. */
  public static RmsProp of(double lr) {
    return of(lr, 0.9, 1e-8);
  }

  /**
   * A constant rate.
   *
   * @param decay the moving average's decay, in {@code [0, 1)}
   * @param eps added to the average inside the root, finite and {@code > 0}
   */
  public static RmsProp of(double lr, double decay, double eps) {
    return of(LearningRate.constant(Checks.positive("RmsProp", "lr", lr)), decay, eps);
  }

  /** A learning-rate schedule, decay 0.9 and eps 1e-8. */
  public static RmsProp of(LearningRate lr) {
    return of(lr, 0.9, 1e-8);
  }

  /** A learning-rate schedule; see {@link #of(double, double, double)}. */
  public static RmsProp of(LearningRate lr, double decay, double eps) {
    return new RmsProp(lr, decay, eps);
  }

  @Override
  void step(double lr, long step, double[] x, double[] g, double[][] slots) {
    double[] a = slots[0];
    for (int i = 0; i < x.length; i++) {
      a[i] = a[i] * decay + (g[i] * g[i]) * (1 - decay);
      x[i] -= lr * g[i] / Math.sqrt(a[i] + eps);
    }
  }

  @Override
  String describe() {
    return "decay=" + decay + ", eps=" + eps;
  }
}
