// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Checks reverse-mode gradients against central finite differences, element by element, with a
 * tolerance derived for each element from the two errors of the finite difference.
 *
 * <pre>{@code
 * Map<String, Tensor> at = Map.of("x", Tensor.of(0.3, 1.7));
 * GradCheck.assertGradients(p -> p.get("x").exp().mul(p.get("x")).sum(), at);
 *
 * GradCheck.Report r = GradCheck.check(p -> p.get("x").sin().sum(), at);
 * r.passed();       // true
 * r.maxAbsError();  // about 1e-11
 * }</pre>
 *
 * <h2>The estimate</h2>
 *
 * <p>For element {@code x} of a parameter, with every other element held fixed, the central
 * difference with step {@code h} is {@code D(h) = (f(x + h) - f(x - h)) / 2h}. Its error has two
 * parts:
 *
 * <ul>
 *   <li><b>Truncation.</b> Taylor expansion of {@code f(x ± h)} to third order gives {@code D(h) =
 *       f'(x) + h²/6 f'''(ξ)} for some {@code ξ} within {@code h} of {@code x}, so {@code T(h) =
 *       h²/6 |f'''|}.
 *   <li><b>Rounding.</b> A computed {@code f} is off by at most {@code K ε F}, with {@code ε =
 *       2^-52}, {@code K} ({@link #ROUNDING_ULPS}) the number of roundings that can accumulate in
 *       one evaluation, and {@code F} the size of what is rounded: at least the largest {@code
 *       |f|} seen, and at least {@code |x f'(x)|}, the size of this element's own contribution to
 *       {@code f} (by the mean value theorem), which stays large when terms cancel to a small
 *       {@code f}. The two evaluations' errors add and are divided by {@code 2h}: {@code R(h) = K ε
 *       F / h} (with {@code max(1, |x|)} for {@code |x|}, matching the step below).
 * </ul>
 *
 * <p><b>The step.</b> {@code T + R} is smallest where {@code h³ = 3 K ε F / |f'''|}; for a
 * function and derivatives of comparable scale that is a moderate multiple of {@code ε^(1/3) ≈
 * 6e-6}, so {@code h = ε^(1/3) max(1, |x|)} ({@link #RELATIVE_STEP}): both errors are then near
 * {@code 1e-11} of that scale. The points {@code x ± h} are rounded to doubles, and the quotient
 * uses their exact distance rather than {@code 2h}.
 *
 * <p><b>The third derivative</b> is not known, so {@code T} is estimated by Richardson's
 * comparison of two steps: {@code D(2h) - D(h) = (4 - 1) h²/6 f''' + O(h⁴)}, hence {@code T(h) ≈
 * |D(2h) - D(h)| / 3}. The difference also carries the rounding noise of both estimates (about
 * {@code 1.5 R}), which only makes the estimate larger.
 *
 * <p><b>The tolerance</b> of each element is {@code tol = S (|D(2h) - D(h)| / 3 + K ε F / h + K ε
 * |g|)}, where the last term allows for the rounding of the reverse-mode gradient {@code g}
 * itself and {@code S} ({@link #SAFETY}) covers the approximations above (the {@code O(h⁴)} terms,
 * {@code ξ}'s position, an underestimated {@code K}). An element passes when {@code |g - D(h)| <=
 * tol}. For a function of unit scale the tolerance is about {@code 1e-8}, while a wrong rule is
 * off by a fraction of {@code |f'|}: a rule wrong by one part in a million still fails.
 *
 * <p><b>Unresolved elements.</b> Near a kink ({@code abs} at 0, a tie of {@code max}, a bound of
 * {@code clamp}) or a pole, {@code |D(2h) - D(h)|} is of the order of the jump in {@code f'}, and
 * so would be the tolerance: the comparison would prove nothing. An element whose estimated
 * truncation error exceeds both the rounding term and {@link #MAX_TRUNCATION} times its gradient
 * is therefore reported as unresolved, and fails: move the point away from the kink. A kink much
 * nearer to {@code x} than {@code h} escapes that estimate (both steps straddle it almost alike),
 * but not the second differences: {@code f(x + h) - 2 f(x) + f(x - h)} and a quarter of the same
 * over {@code 2h} are both {@code h² f''} for a smooth function, to within {@code h⁴ f'''' / 4}
 * and their rounding ({@code 5 K ε F}), while a kink within the steps makes them differ by about
 * {@code h} times the jump in {@code f'}. An element that fails its tolerance where they differ by
 * more than that rounding and, divided by {@code h}, more than {@link #MAX_TRUNCATION} times its
 * gradient is reported as unresolved too.
 *
 * <p>Cost: four evaluations of {@code f} per element, without recording. For large parameters
 * check a function of a few free numbers that enter the large operation (a low-rank
 * perturbation), rather than every element.
 *
 * <p>References: Griewank and Walther, <i>Evaluating Derivatives</i> (2008), sec. 1.5; Nocedal
 * and Wright, <i>Numerical Optimization</i> (2006), sec. 8.1 (step size and its error terms);
 * Richardson extrapolation as in Press et al., <i>Numerical Recipes</i> (2007), sec. 5.7.
 */
public final class GradCheck {
  private GradCheck() {}

  /** Machine epsilon of {@code double}, {@code 2^-52}. */
  static final double EPS = Math.ulp(1.0);

  /** Relative finite-difference step {@code ε^(1/3)}: the step is this times {@code max(1, |x|)}. */
  public static final double RELATIVE_STEP = Math.cbrt(EPS);

  /**
   * The default {@code K}: roundings, in units of {@code ε |f|}, allowed for one evaluation of
   * {@code f}. Functions that sum very many terms which cancel (so that {@code |f|} is much
   * smaller than its terms), or that run long factorizations, need a larger {@code K}: see {@link
   * #check(Function, Map, double)}.
   */
  public static final double ROUNDING_ULPS = 64;

  /** {@code S}: the factor between the estimated error of an element and its tolerance. */
  public static final double SAFETY = 10;

  /** Estimated truncation error, relative to the gradient, above which an element is unresolved. */
  public static final double MAX_TRUNCATION = 1e-3;

  /**
   * One checked element.
   *
   * @param param the parameter's name
   * @param index the element's flat (row-major) index in the parameter
   * @param x the element's value
   * @param analytic the reverse-mode derivative
   * @param numeric the central finite difference {@code D(h)}
   * @param tolerance the allowed {@code |analytic - numeric|}, derived as in the class comment
   * @param resolved false where the function is not smooth enough near {@code x} for finite
   *     differences to decide
   */
  public record Element(
      String param,
      int index,
      double x,
      double analytic,
      double numeric,
      double tolerance,
      boolean resolved) {

    /** {@code |analytic - numeric|} (NaN if either is not finite). */
    public double absError() {
      return Double.isFinite(analytic) && Double.isFinite(numeric)
          ? Math.abs(analytic - numeric)
          : Double.NaN;
    }

    /** {@code |analytic - numeric| / max(|analytic|, |numeric|)}, 0 when both are 0. */
    public double relError() {
      double scale = Math.max(Math.abs(analytic), Math.abs(numeric));
      return scale == 0 ? 0.0 : absError() / scale;
    }

    /** Whether the element is resolved and within its tolerance. */
    public boolean passed() {
      return resolved && absError() <= tolerance;
    }

    /** How far the element is from failing: {@code absError / tolerance} (infinite if failed). */
    double badness() {
      if (!passed()) {
        return Double.POSITIVE_INFINITY;
      }
      return tolerance == 0 ? 0.0 : absError() / tolerance;
    }

    @Override
    public String toString() {
      return String.format(
          "%s[%d] (x = %.17g): autodiff %.17g vs finite difference %.17g, |error| %.3g, "
              + "tolerance %.3g%s",
          param, index, x, analytic, numeric, absError(), tolerance,
          resolved
              ? ""
              : " (unresolved: the function is not smooth enough here for finite differences; "
                  + "choose a point away from kinks and poles)");
    }
  }

  /**
   * The result of a check.
   *
   * @param maxAbsError the largest {@code |analytic - numeric|} over all elements
   * @param maxRelError the largest relative error over all elements
   * @param worst the element closest to failing (the first failed one, if any), or {@code null}
   *     when there were no elements
   * @param checked how many elements were compared
   * @param failed how many of them failed
   */
  public record Report(
      double maxAbsError, double maxRelError, Element worst, int checked, int failed) {

    /** Whether every element passed. */
    public boolean passed() {
      return failed == 0;
    }

    @Override
    public String toString() {
      return String.format(
          "%d of %d elements failed; max |error| %.3g, max relative error %.3g; worst: %s",
          failed, checked, maxAbsError, maxRelError, worst);
    }
  }

  /**
   * Compares the reverse-mode gradient of {@code fn} at {@code params} with central finite
   * differences, element by element.
   *
   * @param fn a function of named tensors returning a scalar tensor
   * @param params the point
   */
  public static Report check(Function<Map<String, Tensor>, Tensor> fn, Map<String, Tensor> params) {
    return check(fn, params, ROUNDING_ULPS);
  }

  /**
   * {@link #check(Function, Map)} with an explicit rounding allowance {@code K}: one evaluation
   * of {@code fn} is taken to be accurate to {@code roundingUlps * ε * |f|}. Derive it from the
   * computation, e.g. about {@code n} for an order-{@code n} factorization (its rounding error
   * grows like {@code n ε}), rather than raising it until a check passes.
   */
  public static Report check(
      Function<Map<String, Tensor>, Tensor> fn, Map<String, Tensor> params, double roundingUlps) {
    if (!(roundingUlps >= 1)) {
      throw new IllegalArgumentException(
          "GradCheck: roundingUlps must be >= 1, but got " + roundingUlps);
    }
    ValueAndGrad vg = Autodiff.valueAndGrad(fn, params);
    double f0 = vg.loss();
    double maxAbs = 0;
    double maxRel = 0;
    Element worst = null;
    int checked = 0;
    int failed = 0;
    for (Map.Entry<String, Tensor> e : params.entrySet()) {
      double[] x = e.getValue().toArray();
      double[] analytic = vg.grad().get(e.getKey()).toArray();
      for (int i = 0; i < x.length; i++) {
        Element el = element(fn, params, e.getKey(), x, i, analytic[i], f0, roundingUlps);
        checked++;
        if (!el.passed()) {
          failed++;
        }
        maxAbs = Math.max(maxAbs, el.absError()); // NaN propagates
        maxRel = Math.max(maxRel, el.relError());
        if (worst == null || (el.badness() > worst.badness() && worst.passed())) {
          worst = el;
        }
      }
    }
    return new Report(maxAbs, maxRel, worst, checked, failed);
  }

  /**
   * Throws an {@link AssertionError} naming the worst element (its value, both derivatives, the
   * error and the tolerance) unless every element passes {@link #check}.
   */
  public static void assertGradients(
      Function<Map<String, Tensor>, Tensor> fn, Map<String, Tensor> params) {
    assertGradients(fn, params, ROUNDING_ULPS);
  }

  /** {@link #assertGradients(Function, Map)} with an explicit rounding allowance {@code K}. */
  public static void assertGradients(
      Function<Map<String, Tensor>, Tensor> fn, Map<String, Tensor> params, double roundingUlps) {
    Report r = check(fn, params, roundingUlps);
    if (!r.passed()) {
      throw new AssertionError("gradient check failed: " + r);
    }
  }

  private static Element element(
      Function<Map<String, Tensor>, Tensor> fn,
      Map<String, Tensor> params,
      String name,
      double[] x,
      int i,
      double analytic,
      double f0,
      double roundingUlps) {
    double h = RELATIVE_STEP * Math.max(1.0, Math.abs(x[i]));
    double[] f = new double[4]; // f(x + h), f(x - h), f(x + 2h), f(x - 2h)
    double[] at = {x[i] + h, x[i] - h, x[i] + 2 * h, x[i] - 2 * h};
    // f holds this element's contribution, about x f'(x), even where terms cancel to a small f
    double scale = Math.max(Math.abs(f0), Math.abs(analytic) * Math.max(1.0, Math.abs(x[i])));
    for (int k = 0; k < 4; k++) {
      f[k] = evaluate(fn, params, name, x, i, at[k]);
      scale = Math.max(scale, Math.abs(f[k]));
    }
    double d1 = (f[0] - f[1]) / (at[0] - at[1]);
    double d2 = (f[2] - f[3]) / (at[2] - at[3]);
    double truncation = Math.abs(d2 - d1) / 3;
    double rounding = roundingUlps * EPS * scale / h;
    double tolerance = SAFETY * (truncation + rounding + roundingUlps * EPS * Math.abs(analytic));
    double significant = MAX_TRUNCATION * Math.max(Math.abs(analytic), Math.abs(d1));
    // a kink very near x: both steps straddle it almost alike, so that the first differences
    // agree and the truncation above is small, but the second differences over h and over 2h
    // (each about h^2 f'') then differ by about h times the jump in f'; for a smooth f they
    // differ by h^4 f'''' / 4, below their rounding (at most 5 K eps F)
    double kinkGap = Math.abs((f[0] - 2 * f0 + f[1]) - (f[2] - 2 * f0 + f[3]) / 4);
    boolean kink = kinkGap > 5 * roundingUlps * EPS * scale && kinkGap / h > significant;
    boolean resolved =
        Double.isFinite(tolerance)
            && (truncation <= rounding || truncation <= significant)
            && !(kink && Math.abs(analytic - d1) > tolerance);
    return new Element(name, i, x[i], analytic, d1, tolerance, resolved);
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
