// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Tensor;

/**
 * {@code y = exp(x)}, {@code log |dy/dx| = x}: the bijection onto the positive reals.
 *
 * <pre>{@code
 * new ExpTransform().forward(Tensor.of(0.0)); // [1.0]
 * }</pre>
 *
 * <p>Note: not clamped, as in NumPyro: below {@code x ≈ -745} the result underflows to 0 and
 * above {@code x ≈ 709} it overflows; for the unconstrained values an optimizer visits this is
 * far away.
 *
 * <p>References: Stan Reference Manual, "Lower bounded scalar".
 */
public final class ExpTransform extends ElementwiseTransform {
  private static final long serialVersionUID = 1L;

  @Override
  public Tensor forward(Tensor x) {
    return x.expWithLog(); // its log is x: a density of a positive parameter reads it as it is
  }

  @Override
  public Tensor inverse(Tensor y) {
    return y.log();
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    return x;
  }

  @Override
  public Constraint codomain() {
    return Constraints.positive();
  }
}
