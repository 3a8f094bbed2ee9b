// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.constraints;

import dev.ember.tensor.Tensor;

/**
 * The constraints of Ember's distributions and parameters, as static factories.
 *
 * <pre>{@code
 * Constraint scale = Constraints.positive();
 * Constraint probs = Constraints.simplex();          // eventDim 1
 * Constraint lower = Constraints.greaterThan(-1.0);
 * Transform toScale = Transforms.bijectTo(scale);    // exp
 * }</pre>
 *
 * <table>
 *   <caption>Constraints, as NumPyro's {@code numpyro.distributions.constraints}</caption>
 *   <tr><th>factory</th><th>values</th><th>event dim</th></tr>
 *   <tr><td>{@link #real()}</td><td>finite reals (NaN and ±∞ outside)</td><td>0</td></tr>
 *   <tr><td>{@link #realVector()}</td><td>vectors of finite reals</td><td>1</td></tr>
 *   <tr><td>{@link #positive()}, {@link #softplusPositive()}</td><td>{@code x > 0}</td><td>0</td></tr>
 *   <tr><td>{@link #nonnegative()}</td><td>{@code x >= 0}</td><td>0</td></tr>
 *   <tr><td>{@link #greaterThan}, {@link #greaterThanEq}</td><td>{@code x > a}, {@code x >= a}</td><td>0</td></tr>
 *   <tr><td>{@link #lessThan}, {@link #lessThanEq}</td><td>{@code x < b}, {@code x <= b}</td><td>0</td></tr>
 *   <tr><td>{@link #interval}, {@link #unitInterval()}</td><td>{@code a <= x <= b} (closed)</td><td>0</td></tr>
 *   <tr><td>{@link #simplex()}</td><td>{@code x >= 0}, {@code |sum x - 1| < 1e-6}</td><td>1</td></tr>
 *   <tr><td>{@link #lowerCholesky()} (and its scaled-unit and softplus variants)</td>
 *       <td>lower triangular, positive diagonal</td><td>2</td></tr>
 *   <tr><td>{@link #corrCholesky()}</td><td>lower Cholesky with rows of unit norm</td><td>2</td></tr>
 *   <tr><td>{@link #positiveDefinite()}</td><td>symmetric positive definite</td><td>2</td></tr>
 *   <tr><td>{@link #independent}</td><td>{@code n} batch dims of a constraint as one event</td>
 *       <td>base + n</td></tr>
 *   <tr><td>{@link #booleanValues()}, {@link #integerInterval}, {@link #nonnegativeInteger()},
 *       {@link #positiveInteger()}</td><td>integers (discrete)</td><td>0</td></tr>
 * </table>
 *
 * <p>Invalid arguments throw an {@link IllegalArgumentException} that names the constraint and
 * the values, e.g. {@code interval(2.0, 1.0)}: {@code "interval: need lower < upper, got lower =
 * 2.0, upper = 1.0"}.
 */
public final class Constraints {
  private Constraints() {}

  /** Tolerance of the simplex's sum-to-one check (NumPyro's). */
  static final double SUM_TOLERANCE = 1e-6;

  /** Finite real numbers (NaN and ±infinity are outside, as NumPyro's {@code real}). */
  public static Constraint real() {
    return Real.INSTANCE;
  }

  /** Vectors of finite reals: {@code independent(real(), 1)}, event dimension 1. */
  public static Constraint realVector() {
    return IndependentConstraint.REAL_VECTOR;
  }

  /**
   * {@code base} with its {@code n} rightmost batch dimensions checked jointly (the support of
   * {@code d.toEvent(n)}); {@code n = 0} returns {@code base}, and nested wrappers are flattened.
   *
   * @throws IllegalArgumentException if {@code n < 0}
   */
  public static Constraint independent(Constraint base, int n) {
    if (n < 0) {
      throw new IllegalArgumentException(
          "independent(" + base + ", " + n + "): n must be >= 0, got " + n);
    }
    if (n == 0) {
      return base;
    }
    if (base instanceof IndependentConstraint inner) {
      return independent(inner.base(), inner.reinterpreted() + n);
    }
    IndependentConstraint c = new IndependentConstraint(base, n);
    return c.equals(IndependentConstraint.REAL_VECTOR) ? IndependentConstraint.REAL_VECTOR : c;
  }

  /** {@code x > 0}; {@code bijectTo} gives {@code exp}. */
  public static Constraint positive() {
    return GreaterThan.POSITIVE;
  }

  /** {@code x > 0} like {@link #positive()}, but {@code bijectTo} gives {@code softplus}. */
  public static Constraint softplusPositive() {
    return GreaterThan.SOFTPLUS_POSITIVE;
  }

  /** {@code x >= 0}. */
  public static Constraint nonnegative() {
    return GreaterThan.NONNEGATIVE;
  }

  /**
   * {@code x > lower}.
   *
   * @throws IllegalArgumentException if {@code lower} is not finite
   */
  public static Constraint greaterThan(double lower) {
    requireFinite("greaterThan", "lower", lower);
    return new GreaterThan(lower, false, null);
  }

  /**
   * {@code x >= lower}.
   *
   * @throws IllegalArgumentException if {@code lower} is not finite
   */
  public static Constraint greaterThanEq(double lower) {
    requireFinite("greaterThanEq", "lower", lower);
    return new GreaterThan(lower, true, null);
  }

  /**
   * {@code x < upper}.
   *
   * @throws IllegalArgumentException if {@code upper} is not finite
   */
  public static Constraint lessThan(double upper) {
    requireFinite("lessThan", "upper", upper);
    return new LessThan(upper, false);
  }

  /**
   * {@code x <= upper}.
   *
   * @throws IllegalArgumentException if {@code upper} is not finite
   */
  public static Constraint lessThanEq(double upper) {
    requireFinite("lessThanEq", "upper", upper);
    return new LessThan(upper, true);
  }

  /**
   * {@code lower <= x <= upper}.
   *
   * @throws IllegalArgumentException unless both bounds are finite, {@code lower < upper}, and
   *     {@code upper - lower} is finite
   */
  public static Constraint interval(double lower, double upper) {
    requireFinite("interval", "lower", lower);
    requireFinite("interval", "upper", upper);
    if (!(lower < upper)) {
      throw new IllegalArgumentException(
          "interval: need lower < upper, got lower = " + lower + ", upper = " + upper);
    }
    if (!Double.isFinite(upper - lower)) {
      throw new IllegalArgumentException(
          "interval: the width upper - lower overflows, got lower = " + lower + ", upper = "
              + upper + "; use greaterThan or lessThan for half-bounded values");
    }
    return new Interval(lower, upper, null);
  }

  /** {@code 0 <= x <= 1}; {@code bijectTo} gives {@code sigmoid}, strictly inside. */
  public static Constraint unitInterval() {
    return Interval.UNIT;
  }

  /** Nonnegative vectors summing to 1 (event dimension 1). */
  public static Constraint simplex() {
    return Simplex.INSTANCE;
  }

  /** Lower-triangular matrices with a positive diagonal (event dimension 2). */
  public static Constraint lowerCholesky() {
    return LowerCholesky.LOWER_CHOLESKY;
  }

  /**
   * Lower-triangular matrices with a positive diagonal, parametrized by {@code bijectTo} as a
   * unit lower-triangular matrix with softplus-scaled rows (NumPyro's {@code
   * scaled_unit_lower_cholesky}, used by multivariate-normal guides).
   */
  public static Constraint scaledUnitLowerCholesky() {
    return LowerCholesky.SCALED_UNIT;
  }

  /** Lower-triangular matrices with a positive diagonal, with softplus on the diagonal. */
  public static Constraint softplusLowerCholesky() {
    return LowerCholesky.SOFTPLUS;
  }

  /** Cholesky factors of correlation matrices: lower Cholesky with unit-norm rows. */
  public static Constraint corrCholesky() {
    return CorrCholesky.INSTANCE;
  }

  /** Symmetric positive-definite matrices (event dimension 2). */
  public static Constraint positiveDefinite() {
    return PositiveDefinite.INSTANCE;
  }

  /** 0 or 1 (discrete). */
  public static Constraint booleanValues() {
    return IntegerInterval.BOOLEAN;
  }

  /**
   * Integers {@code lower <= k <= upper} (discrete).
   *
   * @throws IllegalArgumentException if {@code lower > upper}
   */
  public static Constraint integerInterval(long lower, long upper) {
    if (lower > upper) {
      throw new IllegalArgumentException(
          "integerInterval: need lower <= upper, got lower = " + lower + ", upper = " + upper);
    }
    return new IntegerInterval(lower, upper, null);
  }

  /** Integers {@code k >= 0} (discrete). */
  public static Constraint nonnegativeInteger() {
    return IntegerInterval.NONNEGATIVE;
  }

  /** Integers {@code k >= 1} (discrete). */
  public static Constraint positiveInteger() {
    return IntegerInterval.POSITIVE;
  }

  // ------------------------------------------------------------------ helpers of this package

  private static void requireFinite(String constraint, String name, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(constraint + ": " + name + " must be finite, got " + v);
    }
  }

  /** Throws unless {@code value} has at least {@code c.eventDim()} dimensions. */
  static void requireEventRank(Constraint c, Tensor value) {
    if (value.rank() < c.eventDim()) {
      throw new IllegalArgumentException(
          c + ": expected a value with at least " + c.eventDim() + " dimension(s) (the event), "
              + "got shape " + value.shape());
    }
  }

  /** Logical and of a boolean tensor over its {@code n} rightmost axes. */
  static Tensor allOver(Tensor ok, int n) {
    Tensor r = ok.toFloat();
    for (int i = 0; i < n; i++) {
      r = r.min(-1);
    }
    return r.gt(0.5);
  }
}
