// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * {@code R^(n(n+1)/2)} onto lower-triangular matrices with a positive diagonal: the first {@code
 * m = n(n-1)/2} values fill the strictly lower triangle row by row ({@code (1,0), (2,0), (2,1),
 * ...}), the last {@code n} are the log of the diagonal. The Jacobian onto the lower triangle is
 * diagonal, so {@code log |det J| = sum} of those last {@code n} values.
 *
 * <pre>{@code
 * Tensor l = new LowerCholeskyTransform().forward(Tensor.of(0.5, 0.0, 0.0)); // [[1, 0], [0.5, 1]]
 * }</pre>
 *
 * <p>References: Stan Reference Manual, "Cholesky factors of covariance matrices"; NumPyro {@code
 * LowerCholeskyTransform}.
 */
public final class LowerCholeskyTransform extends Transform {
  private static final long serialVersionUID = 1L;

  @Override
  public Tensor forward(Tensor x) {
    int n = TrilVectors.order(x.dim(-1), false, "LowerCholeskyTransform");
    int m = n * (n - 1) / 2;
    Tensor strict = TrilVectors.strictLowerMatrix(x.slice(-1, 0, m), n); // [..., n, n]
    return strict.add(x.slice(-1, m, m + n).exp().diagEmbed()); // [..., n, n]
  }

  @Override
  public Tensor inverse(Tensor y) {
    return Tensor.concat(-1, TrilVectors.toVector(y, -1), y.diagonal().log()); // [..., m + n]
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    int n = TrilVectors.order(x.dim(-1), false, "LowerCholeskyTransform");
    int m = n * (n - 1) / 2;
    return x.slice(-1, m, m + n).sum(-1);
  }

  @Override
  public Constraint domain() {
    return Constraints.realVector();
  }

  @Override
  public Constraint codomain() {
    return Constraints.lowerCholesky();
  }

  @Override
  public Shape forwardShape(Shape xShape) {
    return TrilVectors.matrixShape(xShape, false, "LowerCholeskyTransform");
  }

  @Override
  public Shape inverseShape(Shape yShape) {
    return TrilVectors.vectorShape(yShape, false);
  }
}
