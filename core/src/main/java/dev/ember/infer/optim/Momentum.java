// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

/**
 * Gradient descent with heavy-ball or Nesterov momentum, JAX's {@code momentum} and {@code
 * nesterov} (NumPyro's {@code Momentum} is the first). With velocity {@code v} (one slot, from
 * 0):
 *
 * <pre>{@code
 *   v <- mass * v + g
 *   x <- x - lr * v                    (heavy ball)
 *   x <- x - lr * (mass * v + g)       (Nesterov: the step looks ahead along the new velocity)
 * }</pre>
 *
 * <pre>{@code
 * Optimizer heavyBall = Momentum.of(0.01, 0.9);
 * Optimizer nesterov = Momentum.of(LearningRate.cosineDecay(0.01, 5_000, 0.0), 0.9, true);
 * }</pre>
 *
 * <p>References: B. T. Polyak, <i>Some methods of speeding up the convergence of iteration
 * methods</i>, 1964; I. Sutskever, J. Martens, G. Dahl and G. Hinton, <i>On the importance of
 * initialization and momentum in deep learning</i>, ICML 2013 (Nesterov momentum in this form).
 */
public final class Momentum extends ElementwiseOptimizer {
  private static final long serialVersionUID = 1L;

  private final double mass;
  private final boolean nesterov;

  private Momentum(LearningRate lr, double mass, boolean nesterov) {
    super("Momentum", lr, "velocity");
    this.mass = Checks.decay("Momentum", "mass", mass);
    this.nesterov = nesterov;
  }

  /** Heavy-ball momentum; {@code lr} finite and {@code > 0}, {@code mass} in {@code [0, 1)}. */
  public static Momentum of(double lr, double mass) {
    return of(lr, mass, false);
  }

  /** Heavy-ball ({@code nesterov = false}) or Nesterov momentum with a constant rate. */
  public static Momentum of(double lr, double mass, boolean nesterov) {
    return of(LearningRate.constant(Checks.positive("Momentum", "lr", lr)), mass, nesterov);
  }

  /** Heavy-ball momentum with a learning-rate schedule. */
  public static Momentum of(LearningRate lr, double mass) {
    return of(lr, mass, false);
  }

  /** Heavy-ball or Nesterov momentum with a learning-rate schedule. */
  public static Momentum of(LearningRate lr, double mass, boolean nesterov) {
    return new Momentum(lr, mass, nesterov);
  }

  @Override
  void step(double lr, long step, double[] x, double[] g, double[][] slots) {
    double[] v = slots[0];
    for (int i = 0; i < x.length; i++) {
      v[i] = mass * v[i] + g[i];
      x[i] -= lr * (nesterov ? mass * v[i] + g[i] : v[i]);
    }
  }

  @Override
  String describe() {
    return "mass=" + mass + ", nesterov=" + nesterov;
  }
}
