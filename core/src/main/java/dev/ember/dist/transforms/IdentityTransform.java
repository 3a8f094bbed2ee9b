// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Tensor;

/**
 * {@code y = x} over events of {@code eventDim} dimensions (0 for reals, 1 for real vectors).
 *
 * <pre>{@code
 * new IdentityTransform(1).logAbsDetJacobian(x, x); // zeros of x's shape without its last axis
 * }</pre>
 */
public final class IdentityTransform extends Transform {
  private static final long serialVersionUID = 1L;
  private final int eventDim;

  /** The identity on events of {@code eventDim} dimensions (0 or 1). */
  public IdentityTransform(int eventDim) {
    if (eventDim < 0 || eventDim > 1) {
      throw new IllegalArgumentException("IdentityTransform: eventDim must be 0 or 1, got " + eventDim);
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
    return eventDim == 0 ? Constraints.real() : Constraints.realVector();
  }

  @Override
  public Constraint codomain() {
    return domain();
  }
}
