// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Tensor;
import java.util.List;

/**
 * {@link #bijectTo}: the bijection from unconstrained space onto a constraint, through which SVI
 * optimizes constrained parameters.
 *
 * <pre>{@code
 * Transform t = Transforms.bijectTo(Constraints.interval(-1.0, 1.0)); // sigmoid, then 2 y - 1
 * t.forward(Tensor.of(0.0)); // [0.0]
 * }</pre>
 *
 * <table>
 *   <caption>Constraint to bijection, as NumPyro's {@code biject_to}</caption>
 *   <tr><th>constraint</th><th>transform</th></tr>
 *   <tr><td>real, realVector</td><td>identity</td></tr>
 *   <tr><td>positive, nonnegative</td><td>exp</td></tr>
 *   <tr><td>greaterThan(a)</td><td>exp then x + a</td></tr>
 *   <tr><td>lessThan(b)</td><td>exp then b - x</td></tr>
 *   <tr><td>unitInterval</td><td>sigmoid</td></tr>
 *   <tr><td>interval(a, b)</td><td>sigmoid then a + (b - a) x</td></tr>
 *   <tr><td>simplex</td><td>stick breaking</td></tr>
 *   <tr><td>lowerCholesky</td><td>lower Cholesky (exp on the diagonal)</td></tr>
 *   <tr><td>corrCholesky</td><td>tanh + signed stick breaking</td></tr>
 *   <tr><td>positiveDefinite</td><td>lower Cholesky then L L^T</td></tr>
 *   <tr><td>independent(c, n)</td><td>bijectTo(c), log-determinant summed over n dims</td></tr>
 * </table>
 *
 * <p>Note: for positiveDefinite, unconstrained values below about -15 on the diagonal give
 * factors whose product is positive definite in exact arithmetic but too ill-conditioned
 * (condition number above 1/eps) to pass a float64 Cholesky.
 */
public final class Transforms {
  private Transforms() {}

  /**
   * The bijection from unconstrained space onto {@code c}.
   *
   * @throws IllegalArgumentException for discrete constraints, naming the constraint
   */
  public static Transform bijectTo(Constraint c) {
    if (c.isDiscrete()) {
      throw new IllegalArgumentException(
          "bijectTo: " + c + " is discrete, and discrete values have no unconstrained "
              + "parametrization; enumerate the site or use a continuous relaxation");
    }
    if (c == Constraints.real()) {
      return new IdentityTransform(0);
    }
    if (c == Constraints.realVector()) {
      return new IdentityTransform(1);
    }
    if (c == Constraints.positive() || c == Constraints.nonnegative()) {
      return new ExpTransform();
    }
    if (c == Constraints.unitInterval()) {
      return new SigmoidTransform();
    }
    if (c == Constraints.simplex()) {
      return new StickBreakingTransform();
    }
    if (c == Constraints.lowerCholesky()) {
      return new LowerCholeskyTransform();
    }
    if (c == Constraints.corrCholesky()) {
      return new CorrCholeskyTransform();
    }
    if (c == Constraints.positiveDefinite()) {
      return new ComposeTransform(List.of(new LowerCholeskyTransform(), new CholeskyOuterTransform()));
    }
    if (c instanceof Constraints.Independent i) {
      return new IndependentTransform(bijectTo(i.base()), i.reinterpreted());
    }
    if (c instanceof Constraints.GreaterThan g) {
      return new ComposeTransform(
          List.of(
              new ExpTransform(),
              new AffineTransform(
                  Tensor.scalar(g.lower()), Tensor.scalar(1.0), Constraints.positive(), c)));
    }
    if (c instanceof Constraints.LessThan l) {
      return new ComposeTransform(
          List.of(
              new ExpTransform(),
              new AffineTransform(
                  Tensor.scalar(l.upper()), Tensor.scalar(-1.0), Constraints.positive(), c)));
    }
    if (c instanceof Constraints.Interval i) {
      return new ComposeTransform(
          List.of(
              new SigmoidTransform(),
              new AffineTransform(
                  Tensor.scalar(i.lower()),
                  Tensor.scalar(i.upper() - i.lower()),
                  Constraints.unitInterval(),
                  c)));
    }
    throw new IllegalArgumentException(
        "bijectTo: no bijection is registered for the constraint " + c);
  }
}
