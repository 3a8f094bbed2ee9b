// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Tensor;

/**
 * {@code y = x^p} on the positive reals, {@code log |dy/dx| = log |p x^(p-1)|}.
 *
 * <pre>{@code
 * new PowerTransform(2.0).forward(Tensor.of(3.0)); // [9.0]
 * }</pre>
 */
public final class PowerTransform extends Transform {
  private static final long serialVersionUID = 1L;
  private final double exponent;

  /** The power map with a non-zero exponent. */
  public PowerTransform(double exponent) {
    if (exponent == 0 || !Double.isFinite(exponent)) {
      throw new IllegalArgumentException(
          "PowerTransform: exponent must be finite and non-zero, got " + exponent);
    }
    this.exponent = exponent;
  }

  @Override
  public Tensor forward(Tensor x) {
    return x.pow(exponent);
  }

  @Override
  public Tensor inverse(Tensor y) {
    return y.pow(1.0 / exponent);
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    return x.log().mul(exponent - 1.0).add(Math.log(Math.abs(exponent)));
  }

  @Override
  public Constraint domain() {
    return Constraints.positive();
  }

  @Override
  public Constraint codomain() {
    return Constraints.positive();
  }
}
