// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.constraints;

import dev.ember.tensor.Tensor;

/**
 * Lower-triangular square matrices with a positive diagonal (event dimension 2): Cholesky factors
 * of covariance matrices. Three singletons share this check and differ in their bijection, as in
 * NumPyro: {@code lowerCholesky} (exp on the diagonal), {@code scaledUnitLowerCholesky} (a unit
 * lower-triangular factor with rows scaled by softplus) and {@code softplusLowerCholesky}
 * (softplus on the diagonal).
 */
final class LowerCholesky extends Constraint {
  private static final long serialVersionUID = 1L;

  static final LowerCholesky LOWER_CHOLESKY = new LowerCholesky("lowerCholesky");
  static final LowerCholesky SCALED_UNIT = new LowerCholesky("scaledUnitLowerCholesky");
  static final LowerCholesky SOFTPLUS = new LowerCholesky("softplusLowerCholesky");

  private final String name;

  private LowerCholesky(String name) {
    this.name = name;
  }

  @Override
  public Tensor check(Tensor value) {
    Constraints.requireEventRank(this, value);
    return lowerWithPositiveDiagonal(value);
  }

  /** Zeros above the diagonal, no NaN below it, positive diagonal: {@code [..., n, n] -> [...]}. */
  static Tensor lowerWithPositiveDiagonal(Tensor value) {
    Tensor lower = Constraints.allOver(value.tril(0).eq(value), 2); // NaN != NaN
    Tensor positiveDiagonal = Constraints.allOver(value.diagonal().gt(0.0), 1);
    return lower.and(positiveDiagonal);
  }

  @Override
  public int eventDim() {
    return 2;
  }

  /** The identity ({@code log 2} times the identity for softplusLowerCholesky, as NumPyro). */
  @Override
  public Tensor feasibleLike(Tensor prototype) {
    Constraints.requireEventRank(this, prototype);
    Tensor eye = Tensor.eye(prototype.dim(-1));
    if (this == SOFTPLUS) {
      eye = eye.mul(Math.log(2.0));
    }
    return eye.broadcastTo(prototype.shape());
  }

  @Override
  public String toString() {
    return name;
  }

  private Object readResolve() {
    for (LowerCholesky s : new LowerCholesky[] {LOWER_CHOLESKY, SCALED_UNIT, SOFTPLUS}) {
      if (s.name.equals(name)) {
        return s;
      }
    }
    throw new IllegalStateException("LowerCholesky: unknown singleton " + name);
  }
}
