// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.constraints;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * Symmetric positive-definite matrices (event dimension 2).
 *
 * <p>Symmetric means {@code |a_ij - a_ji| <= 1e-8 + 1e-5 |a_ji|} (NumPy's {@code isclose}, as
 * NumPyro), so that a product {@code L L^T} whose rounding breaks exact symmetry still passes.
 * Positive definite means that the float64 Cholesky factorization succeeds, which is what every
 * consumer of the matrix (a multivariate normal, {@code bijectTo}'s inverse) needs; NumPyro
 * tests the smallest eigenvalue instead, which agrees except for matrices within rounding of
 * singular. Values are tested matrix by matrix, outside autodiff.
 */
final class PositiveDefinite extends Constraint {
  private static final long serialVersionUID = 1L;

  static final PositiveDefinite INSTANCE = new PositiveDefinite();

  private static final double RTOL = 1e-5;
  private static final double ATOL = 1e-8;

  private PositiveDefinite() {}

  @Override
  public Tensor check(Tensor value) {
    Constraints.requireEventRank(this, value);
    int n = value.dim(-1);
    if (value.dim(-2) != n) {
      throw new IllegalArgumentException(
          "positiveDefinite: expected square matrices [..., n, n], got shape " + value.shape());
    }
    Shape batch = value.shape().sub(0, value.rank() - 2);
    double[] a = value.toArray();
    boolean[] ok = new boolean[batch.numel()];
    for (int b = 0; b < ok.length; b++) {
      ok[b] = positiveDefinite(a, b * n * n, n);
    }
    return Tensor.ofBooleans(ok).reshape(batch);
  }

  private static boolean positiveDefinite(double[] a, int off, int n) {
    double[] m = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double aij = a[off + i * n + j];
        double aji = a[off + j * n + i];
        if (!Double.isFinite(aij) || !(Math.abs(aij - aji) <= ATOL + RTOL * Math.abs(aji))) {
          return false;
        }
        m[i * n + j] = aij;
      }
    }
    try {
      Tensor.of(m, n, n).cholesky();
      return true;
    } catch (IllegalArgumentException notPositiveDefinite) {
      return false;
    }
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
    return "positiveDefinite";
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
