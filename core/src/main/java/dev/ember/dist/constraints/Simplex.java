// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.constraints;

import dev.ember.tensor.Tensor;

/**
 * Nonnegative vectors whose sum is within {@link Constraints#SUM_TOLERANCE} of 1 (NumPyro's
 * tolerance), event dimension 1.
 */
final class Simplex extends Constraint {
  private static final long serialVersionUID = 1L;

  static final Simplex INSTANCE = new Simplex();

  private Simplex() {}

  @Override
  public Tensor check(Tensor value) {
    Constraints.requireEventRank(this, value);
    Tensor nonnegative = Constraints.allOver(value.ge(0.0), 1); // [...]
    Tensor sumsToOne = value.sum(-1).sub(1.0).abs().lt(Constraints.SUM_TOLERANCE); // [...]
    return nonnegative.and(sumsToOne);
  }

  @Override
  public int eventDim() {
    return 1;
  }

  /** The uniform vector {@code 1/K}. */
  @Override
  public Tensor feasibleLike(Tensor prototype) {
    Constraints.requireEventRank(this, prototype);
    return Tensor.full(1.0 / prototype.dim(-1), prototype.shape());
  }

  @Override
  public String toString() {
    return "simplex";
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
