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
 * }</pre>
 *
 * <p>Boundaries follow NumPyro: {@code positive} and {@code greaterThan} are open, {@code
 * nonnegative} and {@code interval} closed, {@code unitInterval} is {@code interval(0, 1)}.
 * Simplex and correlation checks allow a rounding tolerance of 1e-6, as NumPyro does.
 */
public final class Constraints {
  private Constraints() {}

  /** Tolerance of the sum-to-one and unit-norm checks. */
  static final double TOLERANCE = 1e-6;

  private static final Constraint REAL = new Real(0);
  private static final Constraint REAL_VECTOR = new Real(1);
  private static final Constraint POSITIVE = new GreaterThan(0.0, "positive");
  private static final Constraint NONNEGATIVE = new Interval(0.0, Double.POSITIVE_INFINITY, "nonnegative");
  private static final Constraint UNIT_INTERVAL = new Interval(0.0, 1.0, "unitInterval");
  private static final Constraint SIMPLEX = new Simplex();
  private static final Constraint LOWER_CHOLESKY = new LowerCholesky(false);
  private static final Constraint CORR_CHOLESKY = new LowerCholesky(true);
  private static final Constraint POSITIVE_DEFINITE = new PositiveDefinite();
  private static final Constraint BOOLEAN = new IntegerInterval(0, 1, "booleanValues");
  private static final Constraint NONNEGATIVE_INTEGER =
      new IntegerInterval(0, Long.MAX_VALUE, "nonnegativeInteger");
  private static final Constraint POSITIVE_INTEGER =
      new IntegerInterval(1, Long.MAX_VALUE, "positiveInteger");

  /** All real numbers (NaN excluded). */
  public static Constraint real() {
    return REAL;
  }

  /** Real vectors: {@code real} with event dimension 1. */
  public static Constraint realVector() {
    return REAL_VECTOR;
  }

  /**
   * {@code base} applied to each element, with its {@code n} rightmost dimensions checked jointly
   * (the support of {@code d.toEvent(n)}).
   */
  public static Constraint independent(Constraint base, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("independent: n must be >= 0, got " + n);
    }
    if (n == 0) {
      return base;
    }
    if (base == REAL && n == 1) {
      return REAL_VECTOR;
    }
    return new Independent(base, n);
  }

  /** {@code x > 0}. */
  public static Constraint positive() {
    return POSITIVE;
  }

  /** {@code x >= 0}. */
  public static Constraint nonnegative() {
    return NONNEGATIVE;
  }

  /** {@code x > lower}. */
  public static Constraint greaterThan(double lower) {
    requireFinite("greaterThan", "lower", lower);
    return new GreaterThan(lower, "greaterThan(" + lower + ")");
  }

  /** {@code x < upper}. */
  public static Constraint lessThan(double upper) {
    requireFinite("lessThan", "upper", upper);
    return new LessThan(upper);
  }

  /** {@code lower <= x <= upper}. */
  public static Constraint interval(double lower, double upper) {
    requireFinite("interval", "lower", lower);
    requireFinite("interval", "upper", upper);
    if (!(lower < upper)) {
      throw new IllegalArgumentException(
          "interval: need lower < upper, got lower = " + lower + ", upper = " + upper);
    }
    return new Interval(lower, upper, "interval(" + lower + ", " + upper + ")");
  }

  /** {@code 0 <= x <= 1}. */
  public static Constraint unitInterval() {
    return UNIT_INTERVAL;
  }

  /** Nonnegative vectors summing to 1 (event dimension 1). */
  public static Constraint simplex() {
    return SIMPLEX;
  }

  /** Lower-triangular matrices with a positive diagonal (event dimension 2). */
  public static Constraint lowerCholesky() {
    return LOWER_CHOLESKY;
  }

  /** Cholesky factors of correlation matrices: lower Cholesky with unit-norm rows. */
  public static Constraint corrCholesky() {
    return CORR_CHOLESKY;
  }

  /** Symmetric positive-definite matrices (event dimension 2). */
  public static Constraint positiveDefinite() {
    return POSITIVE_DEFINITE;
  }

  /** 0 or 1. */
  public static Constraint booleanValues() {
    return BOOLEAN;
  }

  /** Integers {@code lower <= k <= upper}. */
  public static Constraint integerInterval(long lower, long upper) {
    if (lower > upper) {
      throw new IllegalArgumentException(
          "integerInterval: need lower <= upper, got lower = " + lower + ", upper = " + upper);
    }
    return new IntegerInterval(lower, upper, "integerInterval(" + lower + ", " + upper + ")");
  }

  /** Integers {@code k >= 0}. */
  public static Constraint nonnegativeInteger() {
    return NONNEGATIVE_INTEGER;
  }

  /** Integers {@code k >= 1}. */
  public static Constraint positiveInteger() {
    return POSITIVE_INTEGER;
  }

  private static void requireFinite(String constraint, String name, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(
          constraint + ": " + name + " must be finite, got " + v);
    }
  }

  // ------------------------------------------------------------------ implementations

  /** The real line, optionally with an event dimension. */
  static final class Real extends Constraint {
    private static final long serialVersionUID = 1L;
    final int eventDim;

    Real(int eventDim) {
      this.eventDim = eventDim;
    }

    @Override
    public Tensor check(Tensor value) {
      Tensor ok = value.eq(value); // false only for NaN
      return eventDim == 0 ? ok : allOver(ok, eventDim);
    }

    @Override
    public int eventDim() {
      return eventDim;
    }

    @Override
    public Tensor feasibleLike(Tensor prototype) {
      return Tensor.zerosLike(prototype);
    }

    @Override
    public String toString() {
      return eventDim == 0 ? "real" : "realVector";
    }
  }

  /** {@code x > lower} ({@link #positive()} is {@code lower = 0}). */
  public static final class GreaterThan extends Constraint {
    private static final long serialVersionUID = 1L;
    private final double lower;

    /** The open lower bound. */
    public double lower() {
      return lower;
    }

    private final String name;

    GreaterThan(double lower, String name) {
      this.lower = lower;
      this.name = name;
    }

    @Override
    public Tensor check(Tensor value) {
      return value.gt(lower);
    }

    @Override
    public Tensor feasibleLike(Tensor prototype) {
      return Tensor.full(lower + 1.0, prototype.shape());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** {@code x < upper}. */
  public static final class LessThan extends Constraint {
    private static final long serialVersionUID = 1L;
    private final double upper;

    /** The open upper bound. */
    public double upper() {
      return upper;
    }


    LessThan(double upper) {
      this.upper = upper;
    }

    @Override
    public Tensor check(Tensor value) {
      return value.lt(upper);
    }

    @Override
    public Tensor feasibleLike(Tensor prototype) {
      return Tensor.full(upper - 1.0, prototype.shape());
    }

    @Override
    public String toString() {
      return "lessThan(" + upper + ")";
    }
  }

  /** {@code lower <= x <= upper}; {@code upper} may be infinite ({@link #nonnegative()}). */
  public static final class Interval extends Constraint {
    private static final long serialVersionUID = 1L;
    private final double lower;
    private final double upper;

    /** The closed lower bound. */
    public double lower() {
      return lower;
    }

    /** The closed upper bound (infinite for nonnegative). */
    public double upper() {
      return upper;
    }

    private final String name;

    Interval(double lower, double upper, String name) {
      this.lower = lower;
      this.upper = upper;
      this.name = name;
    }

    @Override
    public Tensor check(Tensor value) {
      return value.ge(lower).and(value.le(upper));
    }

    @Override
    public Tensor feasibleLike(Tensor prototype) {
      double mid = Double.isInfinite(upper) ? lower + 1.0 : 0.5 * (lower + upper);
      return Tensor.full(mid, prototype.shape());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Nonnegative vectors summing to one. */
  static final class Simplex extends Constraint {
    private static final long serialVersionUID = 1L;

    @Override
    public Tensor check(Tensor value) {
      Tensor nonneg = allOver(value.ge(0.0), 1);
      Tensor sums = value.sum(-1).sub(1.0).abs().lt(TOLERANCE);
      return nonneg.and(sums);
    }

    @Override
    public int eventDim() {
      return 1;
    }

    @Override
    public Tensor feasibleLike(Tensor prototype) {
      return Tensor.full(1.0 / prototype.dim(-1), prototype.shape());
    }

    @Override
    public String toString() {
      return "simplex";
    }
  }

  /** Lower triangular with positive diagonal; with {@code unitRows}, rows of norm one. */
  static final class LowerCholesky extends Constraint {
    private static final long serialVersionUID = 1L;
    final boolean unitRows;

    LowerCholesky(boolean unitRows) {
      this.unitRows = unitRows;
    }

    @Override
    public Tensor check(Tensor value) {
      Tensor lowerOnly = allOver(value.triu(1).eq(0.0), 2);
      Tensor positiveDiagonal = allOver(value.diagonal().gt(0.0), 1);
      Tensor ok = lowerOnly.and(positiveDiagonal);
      if (unitRows) {
        Tensor norms = value.square().sum(-1).sub(1.0).abs().lt(TOLERANCE);
        ok = ok.and(allOver(norms, 1));
      }
      return ok;
    }

    @Override
    public int eventDim() {
      return 2;
    }

    @Override
    public Tensor feasibleLike(Tensor prototype) {
      return Tensor.eye(prototype.dim(-1)).broadcastTo(prototype.shape());
    }

    @Override
    public String toString() {
      return unitRows ? "corrCholesky" : "lowerCholesky";
    }
  }

  /** Symmetric positive definite: symmetric, and all leading minors positive. */
  static final class PositiveDefinite extends Constraint {
    private static final long serialVersionUID = 1L;

    @Override
    public Tensor check(Tensor value) {
      int n = value.dim(-1);
      Tensor flat = value.reshape(-1, n, n);
      double[] ok = new double[flat.dim(0)];
      for (int b = 0; b < ok.length; b++) {
        Tensor m = flat.select(0, b);
        boolean symmetric = m.sub(m.transpose()).abs().max().item() <= TOLERANCE;
        ok[b] = symmetric && positiveDefinite(m) ? 1.0 : 0.0;
      }
      Tensor result = Tensor.of(ok).gt(0.5);
      return result.reshape(value.shape().sub(0, value.rank() - 2));
    }

    private static boolean positiveDefinite(Tensor m) {
      try {
        m.cholesky();
        return true;
      } catch (IllegalArgumentException e) {
        return false; // not positive definite: the factorization names the failing minor
      }
    }

    @Override
    public int eventDim() {
      return 2;
    }

    @Override
    public Tensor feasibleLike(Tensor prototype) {
      return Tensor.eye(prototype.dim(-1)).broadcastTo(prototype.shape());
    }

    @Override
    public String toString() {
      return "positiveDefinite";
    }
  }

  /** Integers in {@code [lower, upper]}. */
  static final class IntegerInterval extends Constraint {
    private static final long serialVersionUID = 1L;
    final long lower;
    final long upper;
    private final String name;

    IntegerInterval(long lower, long upper, String name) {
      this.lower = lower;
      this.upper = upper;
      this.name = name;
    }

    @Override
    public Tensor check(Tensor value) {
      return value.eq(value.floor()).and(value.ge((double) lower)).and(value.le((double) upper));
    }

    @Override
    public boolean isDiscrete() {
      return true;
    }

    @Override
    public Tensor feasibleLike(Tensor prototype) {
      return Tensor.full((double) lower, prototype.shape());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A base constraint with {@code n} extra event dimensions. */
  public static final class Independent extends Constraint {
    private static final long serialVersionUID = 1L;
    private final Constraint base;
    private final int n;

    Independent(Constraint base, int n) {
      this.base = base;
      this.n = n;
    }

    /** The elementwise constraint. */
    public Constraint base() {
      return base;
    }

    /** The number of extra event dimensions. */
    public int reinterpreted() {
      return n;
    }

    @Override
    public Tensor check(Tensor value) {
      return allOver(base.check(value), n);
    }

    @Override
    public int eventDim() {
      return base.eventDim() + n;
    }

    @Override
    public boolean isDiscrete() {
      return base.isDiscrete();
    }

    @Override
    public Tensor feasibleLike(Tensor prototype) {
      return base.feasibleLike(prototype);
    }

    @Override
    public String toString() {
      return "independent(" + base + ", " + n + ")";
    }
  }

  /** Reduces a boolean tensor with logical and over its {@code n} rightmost axes. */
  static Tensor allOver(Tensor ok, int n) {
    Tensor r = ok.toFloat();
    for (int i = 0; i < n; i++) {
      r = r.min(-1);
    }
    return r.gt(0.5);
  }
}
