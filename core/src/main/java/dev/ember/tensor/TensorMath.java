// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

/**
 * The elementwise half of {@link Tensor}'s operations (arithmetic, unary math, comparisons,
 * logic and whole-tensor checks), declared here so that the file stays readable; every method is
 * public on {@link Tensor}, the one subclass. Each forwards to the package-private class that
 * holds the operation's loop and backward rule.
 */
abstract sealed class TensorMath permits TensorStructure {
  /** This tensor. */
  abstract Tensor self();

  // ---------------------------------------------------------------- elementwise arithmetic

  /** {@code this + other}, broadcast. */
  public Tensor add(Tensor other) {
    return Elementwise.add(self(), other);
  }

  /** {@code this + c}. */
  public Tensor add(double c) {
    return Elementwise.addScalar(self(), c);
  }

  /** {@code this - other}, broadcast. */
  public Tensor sub(Tensor other) {
    return Elementwise.sub(self(), other);
  }

  /** {@code this - c}. */
  public Tensor sub(double c) {
    return Elementwise.addScalar(self(), -c);
  }

  /** {@code c - this}. */
  public Tensor rsub(double c) {
    return Elementwise.rsubScalar(self(), c);
  }

  /** {@code this * other}, broadcast. */
  public Tensor mul(Tensor other) {
    return Elementwise.mul(self(), other);
  }

  /** {@code this * c}. */
  public Tensor mul(double c) {
    return Elementwise.mulScalar(self(), c);
  }

  /**
   * {@code this * m + a}, broadcast, in one pass (rounded as a multiplication then an addition):
   * a reparameterized draw {@code eps * scale + loc} without the product as an intermediate.
   */
  public Tensor mulAdd(Tensor m, Tensor a) {
    return Elementwise.mulAdd(self(), m, a);
  }

  /** {@code this / other}, broadcast. */
  public Tensor div(Tensor other) {
    return Elementwise.div(self(), other);
  }

  /** {@code this / c}. */
  public Tensor div(double c) {
    return Elementwise.divScalar(self(), c);
  }

  /** {@code this ^ other}, broadcast; the gradient in the exponent is taken where base > 0. */
  public Tensor pow(Tensor other) {
    return Elementwise.pow(self(), other);
  }

  /** {@code this ^ p}. */
  public Tensor pow(double p) {
    return Elementwise.powScalar(self(), p);
  }

  /** Elementwise minimum, broadcast; at ties the gradient is split evenly. */
  public Tensor minimum(Tensor other) {
    return Elementwise.minimum(self(), other);
  }

  /** Elementwise maximum, broadcast; at ties the gradient is split evenly. */
  public Tensor maximum(Tensor other) {
    return Elementwise.maximum(self(), other);
  }

  /** {@code -this}. */
  public Tensor neg() {
    return Elementwise.mulScalar(self(), -1.0);
  }

  /** {@code e^this}. */
  public Tensor exp() {
    return Elementwise.exp(self());
  }

  /**
   * {@code e^this}, keeping this tensor as its exact log ({@link Tensor#keptLog}): a positive
   * parameter made from its unconstrained value ({@code ExpTransform}) so gives a density at a
   * draw its {@code log scale} without a logarithm per element, with the gradient going straight
   * to the unconstrained value. The values are those of {@link #exp()}.
   */
  public Tensor expWithLog() {
    return Elementwise.expWithLog(self());
  }

  /** Natural logarithm. */
  public Tensor log() {
    return Elementwise.log(self());
  }

  /** {@code log(1 + this)}, accurate near 0. */
  public Tensor log1p() {
    return Elementwise.log1p(self());
  }

  /** {@code e^this - 1}, accurate near 0. */
  public Tensor expm1() {
    return Elementwise.expm1(self());
  }

  /** Square root. */
  public Tensor sqrt() {
    return Elementwise.sqrt(self());
  }

  /** Absolute value; subgradient 0 at 0. */
  public Tensor abs() {
    return Elementwise.abs(self());
  }

  /** -1, 0 or 1; zero gradient. */
  public Tensor sign() {
    return Elementwise.sign(self());
  }

  /** {@code this * this}. */
  public Tensor square() {
    return Elementwise.square(self());
  }

  /** {@code 1 / this}. */
  public Tensor reciprocal() {
    return Elementwise.reciprocal(self());
  }

  /** The logistic function {@code 1 / (1 + e^-x)}, stable for large |x|. */
  public Tensor sigmoid() {
    return Elementwise.sigmoid(self());
  }

  /** {@code log(sigmoid(x)) = -softplus(-x)}, stable for large |x|. */
  public Tensor logSigmoid() {
    return Elementwise.logSigmoid(self());
  }

  /** {@code log(1 + e^x)}, stable for large |x|. */
  public Tensor softplus() {
    return Elementwise.softplus(self());
  }

  /** Hyperbolic tangent. */
  public Tensor tanh() {
    return Elementwise.tanh(self());
  }

  /** Sine. */
  public Tensor sin() {
    return Elementwise.sin(self());
  }

  /** Cosine. */
  public Tensor cos() {
    return Elementwise.cos(self());
  }

  /** Largest integer not greater than each element; zero gradient. */
  public Tensor floor() {
    return Elementwise.floor(self());
  }

  /** {@code log Γ(x)} for x &gt; 0. */
  public Tensor logGamma() {
    return SpecialFunctions.logGamma(self());
  }

  /** The digamma function ψ(x) = d/dx log Γ(x). */
  public Tensor digamma() {
    return SpecialFunctions.digamma(self());
  }

  /**
   * The trigamma function ψ'(x). It is not itself differentiable (its derivative, polygamma of
   * order 2, is not available), so {@code logGamma} differentiates twice but not three times.
   *
   * <p>Note: Commons Numbers 1.2 evaluates it to about 7e-14 absolute rather than a few ulp (a
   * sign error in the {@code x^-7} term of its asymptotic series; relative error up to 3e-12 near
   * x = 49). Its documented accuracy is 1e-8.
   */
  public Tensor trigamma() {
    return SpecialFunctions.trigamma(self());
  }

  /** The error function. */
  public Tensor erf() {
    return SpecialFunctions.erf(self());
  }

  /** The inverse error function on (-1, 1). */
  public Tensor erfinv() {
    return SpecialFunctions.erfinv(self());
  }

  /** Clamps to {@code [lo, hi]}; the gradient passes where {@code lo <= x <= hi}. */
  public Tensor clamp(double lo, double hi) {
    return Elementwise.clamp(self(), lo, hi);
  }

  /** {@code mask ? a : b}, all broadcast; {@code mask} must be boolean. */
  public static Tensor where(Tensor mask, Tensor a, Tensor b) {
    return Elementwise.where(mask, a, b);
  }

  // ---------------------------------------------------------------- comparisons and logic

  /** {@code this < other} as a boolean tensor. */
  public Tensor lt(Tensor other) {
    return Elementwise.compare(self(), other, Elementwise.Cmp.LT);
  }

  /** {@code this <= other}. */
  public Tensor le(Tensor other) {
    return Elementwise.compare(self(), other, Elementwise.Cmp.LE);
  }

  /** {@code this > other}. */
  public Tensor gt(Tensor other) {
    return Elementwise.compare(self(), other, Elementwise.Cmp.GT);
  }

  /** {@code this >= other}. */
  public Tensor ge(Tensor other) {
    return Elementwise.compare(self(), other, Elementwise.Cmp.GE);
  }

  /** {@code this == other}. */
  public Tensor eq(Tensor other) {
    return Elementwise.compare(self(), other, Elementwise.Cmp.EQ);
  }

  /** {@code this != other}. */
  public Tensor ne(Tensor other) {
    return Elementwise.compare(self(), other, Elementwise.Cmp.NE);
  }

  /** {@code this < c}. */
  public Tensor lt(double c) {
    return lt(Tensor.scalar(c));
  }

  /** {@code this <= c}. */
  public Tensor le(double c) {
    return le(Tensor.scalar(c));
  }

  /** {@code this > c}. */
  public Tensor gt(double c) {
    return gt(Tensor.scalar(c));
  }

  /** {@code this >= c}. */
  public Tensor ge(double c) {
    return ge(Tensor.scalar(c));
  }

  /** {@code this == c}. */
  public Tensor eq(double c) {
    return eq(Tensor.scalar(c));
  }

  /** Boolean and, broadcast. */
  public Tensor and(Tensor other) {
    return Elementwise.logical(self(), other, true);
  }

  /** Boolean or, broadcast. */
  public Tensor or(Tensor other) {
    return Elementwise.logical(self(), other, false);
  }

  /** Boolean not. */
  public Tensor not() {
    return Elementwise.not(self());
  }

  /** Boolean: finite (not NaN, not infinite). */
  public Tensor isFinite() {
    return Elementwise.isFinite(self());
  }


  /**
   * Whether every element is finite: one branch-free pass over the distinct elements (one for a
   * constant fill), for validation on hot paths.
   */
  public boolean allFinite() {
    return ValueScans.allFinite(self());
  }

  /**
   * Whether every element is positive and finite (not zero, negative, infinite or NaN): one
   * branch-free pass over the distinct elements, for validation of scales on hot paths.
   */
  public boolean allPositiveFinite() {
    return ValueScans.allPositiveFinite(self());
  }

  /** The smallest element ({@code +inf} for an empty tensor, NaN if any element is NaN). */
  public double minValue() {
    return ValueScans.minValue(self());
  }

  /**
   * The first row-major position whose value fails {@code ok}, or -1 if all pass; reads the
   * values in place (validation without a copy).
   */
  public int firstViolation(java.util.function.DoublePredicate ok) {
    return ValueScans.firstViolation(self(), ok);
  }

  /** Whether every element is non-zero (true). */
  public boolean all() {
    return firstViolation(v -> v != 0.0) < 0;
  }

  /** Whether some element is non-zero (true). */
  public boolean any() {
    return firstViolation(v -> v == 0.0) >= 0;
  }
}
