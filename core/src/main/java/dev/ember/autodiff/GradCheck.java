// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Checks reverse-mode gradients against central finite differences, element by element.
 *
 * <p>For each element {@code x} the step is {@code h = STEP * max(1, |x|)} and the estimate is
 * {@code (f(x + h) - f(x - h)) / 2h}. Its error is the truncation term {@code h^2 |f'''| / 6}
 * plus the rounding term {@code ~ eps |f| / h} (eps = 2^-52). With {@code STEP = 1e-5} both are
 * about {@code 1e-11} times the scale of the function and its derivatives, so an element passes
 * when {@code |analytic - numeric| <= tol * (1 + |numeric|)} with the default {@code tol = 1e-6},
 * five orders of magnitude above the expected error yet far below any wrong rule (which is off by
 * O(1)). Functions with large third derivatives near the point (e.g. {@code log} near 0) need
 * points away from the singularity rather than a looser tolerance.
 *
 * <pre>{@code
 * Map<String, Tensor> at = Map.of("x", Tensor.of(0.3, 1.7));
 * GradCheck.assertGradients(p -> p.get("x").exp().mul(p.get("x")).sum(), at);
 * }</pre>
 *
 * <p>References: Griewank and Walther, <i>Evaluating Derivatives</i> (2008), sec. 1.5; Nocedal
 * and Wright, <i>Numerical Optimization</i> (2006), sec. 8.1.
 */
public final class GradCheck {
  private GradCheck() {}

  /** Relative finite-difference step. */
  public static final double STEP = 1e-5;

  /** Default tolerance, relative to {@code 1 + |numeric|}. */
  public static final double TOLERANCE = 1e-6;

  /**
   * The comparison's result.
   *
   * @param maxError the largest {@code |analytic - numeric| / (1 + |numeric|)}
   * @param param the parameter holding the worst element
   * @param index its flat (row-major) index
   * @param analytic the reverse-mode derivative there
   * @param numeric the finite-difference derivative there
   */
  public record Report(double maxError, String param, int index, double analytic, double numeric) {
    @Override
    public String toString() {
      return String.format(
          "max error %.3g at %s[%d]: autodiff %.12g vs finite difference %.12g",
          maxError, param, index, analytic, numeric);
    }
  }

  /** Compares all gradient elements of a scalar function and reports the worst one. */
  public static Report compare(
      Function<Map<String, Tensor>, Tensor> fn, Map<String, Tensor> params) {
    ValueAndGrad vg = Autodiff.valueAndGrad(fn, params);
    Report worst = new Report(0.0, "", -1, 0.0, 0.0);
    for (Map.Entry<String, Tensor> e : params.entrySet()) {
      double[] x = e.getValue().toArray();
      double[] analytic = vg.grad().get(e.getKey()).toArray();
      for (int i = 0; i < x.length; i++) {
        double h = STEP * Math.max(1.0, Math.abs(x[i]));
        double up = evaluate(fn, params, e.getKey(), x, i, x[i] + h);
        double down = evaluate(fn, params, e.getKey(), x, i, x[i] - h);
        double numeric = (up - down) / (2 * h);
        double err = Math.abs(analytic[i] - numeric) / (1.0 + Math.abs(numeric));
        if (!(err <= worst.maxError)) { // NaN counts as the worst
          worst = new Report(err, e.getKey(), i, analytic[i], numeric);
        }
      }
    }
    return worst;
  }

  /** Throws an {@link AssertionError} naming the worst element if it exceeds {@link #TOLERANCE}. */
  public static void assertGradients(
      Function<Map<String, Tensor>, Tensor> fn, Map<String, Tensor> params) {
    assertGradients(fn, params, TOLERANCE);
  }

  /** Throws an {@link AssertionError} naming the worst element if it exceeds {@code tol}. */
  public static void assertGradients(
      Function<Map<String, Tensor>, Tensor> fn, Map<String, Tensor> params, double tol) {
    Report r = compare(fn, params);
    if (!(r.maxError() <= tol)) {
      throw new AssertionError("gradient check failed (tolerance " + tol + "): " + r);
    }
  }

  private static double evaluate(
      Function<Map<String, Tensor>, Tensor> fn,
      Map<String, Tensor> params,
      String name,
      double[] x,
      int i,
      double value) {
    double[] moved = x.clone();
    moved[i] = value;
    Map<String, Tensor> p = new LinkedHashMap<>(params);
    p.put(name, Tensor.of(moved, params.get(name).shape()));
    return Autodiff.noGrad(() -> fn.apply(p)).item();
  }
}
