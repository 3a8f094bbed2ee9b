// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

/**
 * Adagrad as NumPyro has it (JAX's {@code adagrad}): the gradient is divided by the root of the
 * running sum of its squares, and the result is smoothed by momentum. With accumulator {@code G}
 * and velocity {@code m} (two slots, from 0):
 *
 * <pre>{@code
 *   G <- G + g^2
 *   m <- momentum * m + (1 - momentum) * g / sqrt(G)     (g / sqrt(G) taken as 0 where G = 0)
 *   x <- x - lr * m
 * }</pre>
 *
 * <pre>{@code
 * Optimizer numpyroDefault = Adagrad.of(0.1);   // momentum 0.9, as numpyro.optim.Adagrad
 * Optimizer classic = Adagrad.of(0.1, 0.0);     // Duchi et al.: x -= lr * g / sqrt(G)
 * }</pre>
 *
 * <p>Note on the choice: NumPyro's default {@code momentum = 0.9} is kept so that runs match
 * NumPyro's; {@code momentum = 0} is the original algorithm. There is no {@code eps}: the
 * accumulator starts at 0, the first nonzero gradient makes it positive, and an element whose
 * gradients have all been 0 is left unchanged. Other libraries differ: optax's {@code adagrad}
 * starts the accumulator at 0.1 and adds {@code eps = 1e-7} inside the root, without momentum;
 * PyTorch's starts at 0 and adds {@code eps = 1e-10} to the root.
 *
 * <p>References: J. Duchi, E. Hazan and Y. Singer, <i>Adaptive Subgradient Methods for Online
 * Learning and Stochastic Optimization</i>, JMLR 12, 2011.
 */
public final class Adagrad extends ElementwiseOptimizer {
  private static final long serialVersionUID = 1L;

  private final double momentum;

  private Adagrad(LearningRate lr, double momentum) {
    super("Adagrad", lr, "sumOfSquares", "velocity");
    this.momentum = Checks.decay("Adagrad", "momentum", momentum);
  }

  /** NumPyro's default: a constant rate (finite, {@code > 0}) and momentum 0.9. */
  public static Adagrad of(double lr) {
    return of(lr, 0.9);
  }

  /** A constant rate and {@code momentum} in {@code [0, 1)}; 0 is the original Adagrad. */
  public static Adagrad of(double lr, double momentum) {
    return of(LearningRate.constant(Checks.positive("Adagrad", "lr", lr)), momentum);
  }

  /** A learning-rate schedule and momentum 0.9. */
  public static Adagrad of(LearningRate lr) {
    return of(lr, 0.9);
  }

  /** A learning-rate schedule and {@code momentum} in {@code [0, 1)}. */
  public static Adagrad of(LearningRate lr, double momentum) {
    return new Adagrad(lr, momentum);
  }

  @Override
  void step(double lr, long step, double[] x, double[] g, double[][] slots) {
    double[] sumSq = slots[0];
    double[] m = slots[1];
    for (int i = 0; i < x.length; i++) {
      sumSq[i] += g[i] * g[i];
      double scaled = sumSq[i] > 0 ? g[i] / Math.sqrt(sumSq[i]) : 0.0;
      m[i] = (1 - momentum) * scaled + momentum * m[i];
      x[i] -= lr * m[i];
    }
  }

  @Override
  String describe() {
    return "momentum=" + momentum;
  }
}
