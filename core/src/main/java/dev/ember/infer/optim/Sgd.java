// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

/**
 * Plain gradient descent, NumPyro's {@code SGD}: {@code x <- x - lr * g}. It keeps no moments.
 *
 * <pre>{@code
 * Optimizer sgd = Sgd.of(0.1);
 * OptimizerState s = sgd.init(Map.of("x", Tensor.scalar(0.0)));
 * s = sgd.update(Map.of("x", Tensor.scalar(-6.0)), s); // x = 0 - 0.1 * -6 = 0.6
 * }</pre>
 */
public final class Sgd extends ElementwiseOptimizer {
  private static final long serialVersionUID = 1L;

  private Sgd(LearningRate lr) {
    super("Sgd", lr);
  }

  /** Gradient descent with a constant learning rate, finite and {@code > 0}. */
  public static Sgd of(double lr) {
    return of(LearningRate.constant(Checks.positive("Sgd", "lr", lr)));
  }

  /** Gradient descent with a learning-rate schedule. */
  public static Sgd of(LearningRate lr) {
    return new Sgd(lr);
  }

  @Override
  void step(double lr, long step, double[] x, double[] g, double[][] slots) {
    for (int i = 0; i < x.length; i++) {
      x[i] -= lr * g[i];
    }
  }

  @Override
  String describe() {
    return "";
  }
}
