// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.constraints;

import dev.ember.tensor.Tensor;

/**
 * Cholesky factors of correlation matrices (event dimension 2): lower triangular, positive
 * diagonal, and every row of Euclidean norm 1 to within {@code 10 n eps} (NumPyro's tolerance,
 * {@code eps = 2^-52}), so that {@code L L^T} has a unit diagonal.
 */
final class CorrCholesky extends Constraint {
  private static final long serialVersionUID = 1L;

  static final CorrCholesky INSTANCE = new CorrCholesky();

  private CorrCholesky() {}

  @Override
  public Tensor check(Tensor value) {
    Constraints.requireEventRank(this, value);
    double tolerance = 10.0 * value.dim(-1) * Math.ulp(1.0);
    Tensor norms = value.square().sum(-1).sqrt(); // [..., n]
    Tensor unitRows = Constraints.allOver(norms.sub(1.0).abs().le(tolerance), 1);
    return LowerCholesky.lowerWithPositiveDiagonal(value).and(unitRows);
  }

  @Override
  public int eventDim() {
    return 2;
  }

  /** The identity. */
  @Override
  public Tensor feasibleLike(Tensor prototype) {
    Constraints.requireEventRank(this, prototype);
    return Tensor.eye(prototype.dim(-1)).broadcastTo(prototype.shape());
  }

  @Override
  public String toString() {
    return "corrCholesky";
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
