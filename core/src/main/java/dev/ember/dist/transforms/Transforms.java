// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.dist.constraints.GreaterThan;
import dev.ember.dist.constraints.IndependentConstraint;
import dev.ember.dist.constraints.Interval;
import dev.ember.dist.constraints.LessThan;
import dev.ember.tensor.Tensor;
import java.util.List;

/**
 * {@link #bijectTo}: the bijection from unconstrained space onto a constraint, through which SVI
 * optimizes constrained parameters and autoguides place their latent sites.
 *
 * <pre>{@code
 * Transform t = Transforms.bijectTo(Constraints.interval(-1.0, 1.0)); // sigmoid, then 2 y - 1
 * Tensor y = t.forward(Tensor.of(0.0));                               // [0.0]
 * Tensor x = t.inverse(Constraints.interval(-1.0, 1.0).feasibleLike(y)); // [0.0]
 * }</pre>
 *
 * <table>
 *   <caption>Constraint to bijection, as NumPyro's {@code biject_to}</caption>
 *   <tr><th>constraint</th><th>transform</th><th>{@code log |det J|}</th></tr>
 *   <tr><td>real, realVector, independent(real, n)</td><td>identity (event dim 0, 1, n)</td>
 *       <td>0</td></tr>
 *   <tr><td>positive, nonnegative</td><td>exp</td><td>{@code x}</td></tr>
 *   <tr><td>softplusPositive</td><td>softplus</td><td>{@code log sigmoid(x)}</td></tr>
 *   <tr><td>greaterThan(a), greaterThanEq(a)</td><td>exp, then {@code a + y}</td><td>{@code x}</td></tr>
 *   <tr><td>lessThan(b), lessThanEq(b)</td><td>exp, then {@code b - y}</td><td>{@code x}</td></tr>
 *   <tr><td>unitInterval, interval(0, 1)</td><td>sigmoid (clamped strictly inside)</td>
 *       <td>{@code log sigmoid(x) + log sigmoid(-x)}</td></tr>
 *   <tr><td>interval(a, b)</td><td>sigmoid, then {@code a + (b - a) y}</td>
 *       <td>sigmoid's {@code + log(b - a)}</td></tr>
 *   <tr><td>simplex</td><td>{@link StickBreakingTransform}</td><td>see there</td></tr>
 *   <tr><td>lowerCholesky</td><td>{@link LowerCholeskyTransform} (exp on the diagonal)</td>
 *       <td>sum of the diagonal's {@code x}</td></tr>
 *   <tr><td>scaledUnitLowerCholesky</td><td>{@link ScaledUnitLowerCholeskyTransform}</td>
 *       <td>see there</td></tr>
 *   <tr><td>softplusLowerCholesky</td><td>{@link SoftplusLowerCholeskyTransform}</td>
 *       <td>see there</td></tr>
 *   <tr><td>corrCholesky</td><td>{@link CorrCholeskyTransform} (tanh + signed stick breaking)</td>
 *       <td>see there</td></tr>
 *   <tr><td>positiveDefinite</td><td>{@link LowerCholeskyTransform}, then {@link
 *       CholeskyOuterTransform} ({@code L L^T})</td><td>sum of both</td></tr>
 *   <tr><td>independent(c, n)</td><td>{@link IndependentTransform} of bijectTo(c)</td>
 *       <td>summed over {@code n} more dims</td></tr>
 * </table>
 *
 * <p>What lands strictly inside: the unit interval's sigmoid is clamped to {@code
 * [Double.MIN_NORMAL, 1 - 2^-53]}, so every input lands in the open interval {@code (0, 1)}
 * (NumPyro's guarantee). For {@code interval(a, b)}, {@code a + (b - a) y} is rounded and lands in
 * the closed interval; it is strictly inside whenever {@code (b - a) sigmoid(-|x|)} exceeds the
 * spacing of doubles at the bounds (for {@code |x| <= 30} and bounds of order 1, always). {@code
 * exp} is not clamped (NumPyro does not clamp it): it underflows to 0 below {@code x ≈ -745}.
 *
 * <p>Note: for positiveDefinite, unconstrained values whose diagonal part is far below the
 * off-diagonal part give factors {@code L} whose product {@code L L^T} is positive definite in
 * exact arithmetic but singular to rounding, so that a float64 Cholesky factorization (and the
 * constraint's check) rejects it: for 3 x 3 matrices random inputs within {@code ±5} are safe,
 * within {@code ±10} not always, and {@code -30} next to {@code ±30} never, in Ember as in every
 * float64 implementation. Optimizers rarely go there; a guide that does should parametrize the
 * Cholesky factor ({@code lowerCholesky}) rather than the matrix.
 *
 * <p>References: Stan Reference Manual, chapter "Constraint Transforms"; NumPyro {@code
 * numpyro.distributions.transforms.biject_to}.
 */
public final class Transforms {
  private Transforms() {}

  /**
   * The bijection from unconstrained space onto {@code c}: its {@code forward} maps the reals
   * (vectors of reals for event-shaped constraints) into {@code c}, its {@code inverse} maps
   * points of {@code c} back, and its {@code logAbsDetJacobian} is the density correction.
   *
   * @throws IllegalArgumentException for discrete constraints, naming the constraint and what to
   *     do instead, and for constraints without a registered bijection
   */
  public static Transform bijectTo(Constraint c) {
    if (c.isDiscrete()) {
      throw new IllegalArgumentException(
          "bijectTo: " + c + " is discrete, and discrete sites cannot be given an "
              + "unconstrained parametrization; enumerate the site or use a continuous "
              + "relaxation");
    }
    if (c == Constraints.real()) {
      return new IdentityTransform(0);
    }
    if (c instanceof IndependentConstraint i) {
      if (i.base() == Constraints.real()) {
        return new IdentityTransform(i.reinterpreted());
      }
      return new IndependentTransform(bijectTo(i.base()), i.reinterpreted());
    }
    if (c == Constraints.positive() || c == Constraints.nonnegative()) {
      return new ExpTransform();
    }
    if (c == Constraints.softplusPositive()) {
      return new SoftplusTransform();
    }
    if (c instanceof GreaterThan g) {
      return new ComposeTransform(
          List.of(
              new ExpTransform(),
              new AffineTransform(
                  Tensor.scalar(g.lower()), Tensor.scalar(1.0), Constraints.positive(), c)));
    }
    if (c instanceof LessThan l) {
      return new ComposeTransform(
          List.of(
              new ExpTransform(),
              new AffineTransform(
                  Tensor.scalar(l.upper()), Tensor.scalar(-1.0), Constraints.positive(), c)));
    }
    if (c instanceof Interval i) {
      if (i.lower() == 0.0 && i.upper() == 1.0) {
        return new SigmoidTransform();
      }
      return new ComposeTransform(
          List.of(
              new SigmoidTransform(),
              new AffineTransform(
                  Tensor.scalar(i.lower()),
                  Tensor.scalar(i.upper() - i.lower()),
                  Constraints.unitInterval(),
                  c)));
    }
    if (c == Constraints.simplex()) {
      return new StickBreakingTransform();
    }
    if (c == Constraints.lowerCholesky()) {
      return new LowerCholeskyTransform();
    }
    if (c == Constraints.scaledUnitLowerCholesky()) {
      return new ScaledUnitLowerCholeskyTransform();
    }
    if (c == Constraints.softplusLowerCholesky()) {
      return new SoftplusLowerCholeskyTransform();
    }
    if (c == Constraints.corrCholesky()) {
      return new CorrCholeskyTransform();
    }
    if (c == Constraints.positiveDefinite()) {
      return new ComposeTransform(
          List.of(new LowerCholeskyTransform(), new CholeskyOuterTransform()));
    }
    throw new IllegalArgumentException(
        "bijectTo: no bijection is registered for the constraint " + c + " ("
            + c.getClass().getName() + "); the registered ones are real, realVector, "
            + "independent, positive, nonnegative, softplusPositive, greaterThan(Eq), "
            + "lessThan(Eq), interval, unitInterval, simplex, lowerCholesky, "
            + "scaledUnitLowerCholesky, softplusLowerCholesky, corrCholesky, positiveDefinite");
  }
}
