// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * {@code R^(n(n+1)/2)} onto lower-triangular matrices with a positive diagonal, as {@code L =
 * diag(d) (I + Z)}: {@code Z} is strictly lower triangular, filled row by row from the first
 * {@code m = n(n-1)/2} values, and {@code d = softplus} of the last {@code n} values scales row
 * {@code i} ({@code bijectTo} of {@code scaledUnitLowerCholesky}). Separating the scales from the
 * unit-triangular shape is what NumPyro's {@code AutoMultivariateNormal} uses for its {@code
 * scale_tril}.
 *
 * <p>Row {@code i} holds {@code i} entries of {@code Z}, each multiplied by {@code d_i}, and its
 * diagonal {@code d_i} depends on one value with derivative {@code sigmoid}; ordering the lower
 * triangle row by row makes the Jacobian triangular, so {@code log |det J| = sum_i (i log d_i +
 * log sigmoid(x_{m+i}))}.
 *
 * <pre>{@code
 * new ScaledUnitLowerCholeskyTransform().forward(Tensor.of(0.5, 0.0, 0.0)); // log 2 [[1, 0], [0.5, 1]]
 * }</pre>
 *
 * <p>References: NumPyro {@code ScaledUnitLowerCholeskyTransform}.
 */
public final class ScaledUnitLowerCholeskyTransform extends Transform {
  private static final long serialVersionUID = 1L;

  @Override
  public Tensor forward(Tensor x) {
    int n = TrilVectors.order(x.dim(-1), false, "ScaledUnitLowerCholeskyTransform");
    int m = n * (n - 1) / 2;
    Tensor unit = TrilVectors.strictLowerMatrix(x.slice(-1, 0, m), n).add(Tensor.eye(n));
    Tensor d = x.slice(-1, m, m + n).softplus(); // [..., n]
    return unit.mul(d.unsqueeze(-1)); // [..., n, n]: row i times d_i
  }

  @Override
  public Tensor inverse(Tensor y) {
    Tensor d = y.diagonal(); // [..., n]
    Tensor z = TrilVectors.toVector(y.div(d.unsqueeze(-1)), -1); // [..., m]
    return Tensor.concat(-1, z, SoftplusTransform.softplusInverse(d));
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    int n = TrilVectors.order(x.dim(-1), false, "ScaledUnitLowerCholeskyTransform");
    int m = n * (n - 1) / 2;
    Tensor raw = x.slice(-1, m, m + n); // [..., n]
    Tensor rows = Tensor.arange(n); // entries of Z in row i: i
    return raw.softplus().log().mul(rows).add(raw.logSigmoid()).sum(-1);
  }

  @Override
  public Constraint domain() {
    return Constraints.realVector();
  }

  @Override
  public Constraint codomain() {
    return Constraints.scaledUnitLowerCholesky();
  }

  @Override
  public Shape forwardShape(Shape xShape) {
    return TrilVectors.matrixShape(xShape, false, "ScaledUnitLowerCholeskyTransform");
  }

  @Override
  public Shape inverseShape(Shape yShape) {
    return TrilVectors.vectorShape(yShape, false);
  }
}
