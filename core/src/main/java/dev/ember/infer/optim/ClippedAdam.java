// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

/**
 * {@link Adam} with each parameter's gradient clipped to a maximum L2 norm and a geometric decay
 * of the learning rate, after Pyro's {@code ClippedAdam}:
 *
 * <pre>{@code
 *   g  <- g * min(1, clipNorm / ||g||_2)           (per parameter tensor)
 *   lr <- lr(step) * lrDecay^step
 *   then the Adam update with g and lr
 * }</pre>
 *
 * <pre>{@code
 * Optimizer opt = ClippedAdam.of(0.01);                 // clipNorm 10, no decay
 * Optimizer decayed = ClippedAdam.of(0.01, 10.0, 0.999); // lr 0.01 * 0.999^step
 * }</pre>
 *
 * <p>Notes on the relation to Pyro and NumPyro, whose step-by-step results differ from this
 * class's when a clip binds on a tensor with more than one element:
 *
 * <ul>
 *   <li>Pyro's and NumPyro's {@code ClippedAdam} clamp each gradient <i>element</i> to {@code
 *       [-clipNorm, clipNorm]} despite the argument's name. This class rescales the whole
 *       tensor, which keeps the gradient's direction; for scalar parameters the two agree.
 *   <li>The decay follows NumPyro's port of Pyro's {@code lrd} ({@code numpyro.compat.optim}:
 *       {@code lr * lrd^i} for the update that starts at step {@code i}, so the first update uses
 *       {@code lr}); Pyro itself multiplies before each update, so its first update uses {@code
 *       lr * lrd}.
 *   <li>The Adam update is JAX's (as NumPyro's {@code ClippedAdam}): {@code eps} is added to the
 *       bias-corrected root; Pyro adds it to the uncorrected one.
 * </ul>
 */
public final class ClippedAdam extends ElementwiseOptimizer {
  private static final long serialVersionUID = 1L;

  private final double b1;
  private final double b2;
  private final double eps;
  private final double clipNorm;
  private final double lrDecay;

  private ClippedAdam(
      LearningRate lr, double b1, double b2, double eps, double clipNorm, double lrDecay) {
    super("ClippedAdam", lr, "m", "v");
    this.b1 = Checks.decay("ClippedAdam", "b1", b1);
    this.b2 = Checks.decay("ClippedAdam", "b2", b2);
    this.eps = Checks.positive("ClippedAdam", "eps", eps);
    this.clipNorm = Checks.positive("ClippedAdam", "clipNorm", clipNorm);
    if (!(lrDecay > 0 && lrDecay <= 1)) {
      throw new IllegalArgumentException("ClippedAdam: lrDecay must be in (0, 1], got " + lrDecay);
    }
    this.lrDecay = lrDecay;
  }

  /** A constant rate (finite, {@code > 0}), clipNorm 10, lrDecay 1, and Adam's defaults. */
  public static ClippedAdam of(double lr) {
    return of(lr, 10.0, 1.0);
  }

  /**
   * A constant rate with Adam's default b1, b2 and eps.
   *
   * @param clipNorm the largest L2 norm of a parameter's gradient, finite and {@code > 0}
   * @param lrDecay the factor applied to the rate per step, in {@code (0, 1]}
   */
  public static ClippedAdam of(double lr, double clipNorm, double lrDecay) {
    return of(lr, 0.9, 0.999, 1e-8, clipNorm, lrDecay);
  }

  /** All hyper-parameters; see {@link Adam#of(double, double, double, double)} and above. */
  public static ClippedAdam of(
      double lr, double b1, double b2, double eps, double clipNorm, double lrDecay) {
    LearningRate rate = LearningRate.constant(Checks.positive("ClippedAdam", "lr", lr));
    return of(rate, b1, b2, eps, clipNorm, lrDecay);
  }

  /** A learning-rate schedule, clipNorm 10, lrDecay 1, and Adam's defaults. */
  public static ClippedAdam of(LearningRate lr) {
    return of(lr, 10.0, 1.0);
  }

  /** A learning-rate schedule with Adam's default b1, b2 and eps. */
  public static ClippedAdam of(LearningRate lr, double clipNorm, double lrDecay) {
    return of(lr, 0.9, 0.999, 1e-8, clipNorm, lrDecay);
  }

  /** A learning-rate schedule and all other hyper-parameters. */
  public static ClippedAdam of(
      LearningRate lr, double b1, double b2, double eps, double clipNorm, double lrDecay) {
    return new ClippedAdam(lr, b1, b2, eps, clipNorm, lrDecay);
  }

  /** False: the clip scales a whole tensor by its norm. */
  @Override
  public boolean isElementwise() {
    return false;
  }

  @Override
  void step(double lr, long step, double[] x, double[] g, double[][] slots) {
    double norm = l2Norm(g);
    double[] clipped = g;
    if (norm > clipNorm) {
      // a scaled copy: the gradient's array is the caller's tensor's, never written
      double factor = clipNorm / norm;
      clipped = new double[g.length];
      for (int i = 0; i < g.length; i++) {
        clipped[i] = g[i] * factor;
      }
    }
    // pow(1, step) is exactly 1, so the default leaves the schedule untouched.
    Adam.update(lr * Math.pow(lrDecay, step), step, b1, b2, eps, x, clipped, slots[0], slots[1]);
  }

  /** The L2 norm, scaled by the largest magnitude so that gradients near 1e200 do not overflow. */
  static double l2Norm(double[] g) {
    double scale = 0;
    for (double gi : g) {
      scale = Math.max(scale, Math.abs(gi));
    }
    if (scale == 0 || !Double.isFinite(scale)) {
      return Double.isNaN(scale) ? Double.NaN : scale; // 0, +inf, or NaN (propagated)
    }
    double sum = 0;
    for (double gi : g) {
      double r = gi / scale;
      sum += r * r;
    }
    return scale * Math.sqrt(sum);
  }

  @Override
  String describe() {
    return "b1=" + b1 + ", b2=" + b2 + ", eps=" + eps + ", clipNorm=" + clipNorm
        + ", lrDecay=" + lrDecay;
  }
}
