// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Tensor;

/**
 * {@code y = sigmoid(x)}, {@code log |dy/dx| = log sigmoid(x) + log sigmoid(-x)}: the bijection
 * onto the unit interval.
 *
 * <p>Clamped, as NumPyro clamps: the output is kept in {@code [Double.MIN_NORMAL, 1 - 2^-53]} so
 * that it stays strictly inside {@code (0, 1)} where {@code sigmoid} rounds to 1 (beyond {@code x
 * ≈ 37}) or underflows (below {@code x ≈ -708}). The gradient of {@code forward} is zero where the
 * clamp is active; the log-determinant is computed from {@code x} and stays exact there.
 *
 * <pre>{@code
 * new SigmoidTransform().forward(Tensor.of(0.0, 800.0)); // [0.5, 1 - 2^-53]
 * }</pre>
 *
 * <p>References: Stan Reference Manual, "Lower and upper bounded scalar".
 */
public final class SigmoidTransform extends ElementwiseTransform {
  private static final long serialVersionUID = 1L;

  /** The largest double below 1. */
  static final double ONE_MINUS_ULP = 1.0 - 0x1.0p-53;

  @Override
  public Tensor forward(Tensor x) {
    return x.sigmoid().clamp(Double.MIN_NORMAL, ONE_MINUS_ULP);
  }

  /** {@code logit(y) = log(y) - log1p(-y)}. */
  @Override
  public Tensor inverse(Tensor y) {
    return y.log().sub(y.neg().log1p());
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    return x.logSigmoid().add(x.neg().logSigmoid());
  }

  @Override
  public Constraint codomain() {
    return Constraints.unitInterval();
  }
}
