// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Tensor;

/**
 * {@code y = x} over events of {@code eventDim} dimensions ({@code bijectTo} of {@code real} with
 * 0, of {@code realVector} with 1); the log-determinant is zero.
 *
 * <pre>{@code
 * new IdentityTransform(1).logAbsDetJacobian(x, x); // zeros of x's shape without its last axis
 * }</pre>
 */
public final class IdentityTransform extends Transform {
  private static final long serialVersionUID = 1L;
  private final int eventDim;

  /**
   * The identity on events of {@code eventDim} dimensions.
   *
   * @throws IllegalArgumentException if {@code eventDim < 0}
   */
  public IdentityTransform(int eventDim) {
    if (eventDim < 0) {
      throw new IllegalArgumentException(
          "IdentityTransform: eventDim must be >= 0, got " + eventDim);
    }
    this.eventDim = eventDim;
  }

  @Override
  public Tensor forward(Tensor x) {
    return x;
  }

  @Override
  public Tensor inverse(Tensor y) {
    return y;
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    return Tensor.zeros(x.shape().sub(0, x.rank() - eventDim));
  }

  @Override
  public Constraint domain() {
    return Constraints.independent(Constraints.real(), eventDim);
  }

  @Override
  public Constraint codomain() {
    return domain();
  }

  @Override
  public String toString() {
    return "IdentityTransform(" + eventDim + ")";
  }
}
