// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * {@code R^(n(n-1)/2)} onto Cholesky factors of correlation matrices (lower triangular, positive
 * diagonal, rows of unit norm).
 *
 * <p>Each value is squashed by {@code tanh} into {@code (-1, 1)} (clamped one ulp inside), placed
 * in the strictly lower triangle as {@code r}, and each row is filled by signed stick breaking:
 * {@code y_ij = r_ij sqrt(prod_{k<j} (1 - r_ik^2))}, with the diagonal taking the remaining length.
 * The log-determinant is that of the map from {@code x} to the strictly lower entries of {@code
 * y} (the diagonal is determined by them): {@code 1/2 sum_{j < i-1} log(1 - sum_{k<=j} y_ik^2)
 * + sum log(1 - tanh^2 x)}.
 *
 * <pre>{@code
 * new CorrCholeskyTransform().forward(Tensor.of(0.0)); // the 2 x 2 identity
 * }</pre>
 *
 * <p>References: Lewandowski, Kurowicka and Joe, "Generating random correlation matrices based on
 * vines and extended onion method", J. Multivariate Analysis 100 (2009); Stan Reference Manual,
 * "Cholesky factors of correlation matrices"; NumPyro {@code CorrCholeskyTransform}.
 */
public final class CorrCholeskyTransform extends Transform {
  private static final long serialVersionUID = 1L;

  private static final double BOUND = 1.0 - 0x1.0p-52;

  @Override
  public Tensor forward(Tensor x) {
    int n = TrilVectors.order(x.dim(-1), true, "CorrCholeskyTransform");
    Tensor r = TrilVectors.strictLowerMatrix(x.tanh().clamp(-BOUND, BOUND), n); // [..., n, n]
    Tensor remaining = r.square().neg().log1p().cumsum(-1).mul(0.5).exp(); // sqrt prod(1 - r^2)
    Shape column = r.shape().sub(0, r.rank() - 1).concat(Shape.of(1));
    Tensor before = Tensor.concat(-1, Tensor.ones(column), remaining.slice(-1, 0, n - 1));
    return r.add(Tensor.eye(n)).mul(before);
  }

  @Override
  public Tensor inverse(Tensor y) {
    int n = y.dim(-1);
    Tensor remaining = y.square().cumsum(-1).rsub(1.0); // [..., n, n]
    Shape column = y.shape().sub(0, y.rank() - 1).concat(Shape.of(1));
    Tensor before = Tensor.concat(-1, Tensor.ones(column), remaining.slice(-1, 0, n - 1));
    Tensor t = TrilVectors.toVector(y, -1).div(TrilVectors.toVector(before, -1).sqrt());
    return t.log1p().sub(t.neg().log1p()).mul(0.5); // atanh
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    Tensor remaining = y.square().cumsum(-1).rsub(1.0);
    Tensor stick = TrilVectors.toVector(remaining, -2).log().sum(-1).mul(0.5);
    // log(1 - tanh(x)^2) = 2 (log 2 - x - softplus(-2x)), stable for large |x|
    Tensor tanh = x.add(x.mul(-2.0).softplus()).rsub(Math.log(2.0)).mul(2.0).sum(-1);
    return stick.add(tanh);
  }

  @Override
  public Constraint domain() {
    return Constraints.realVector();
  }

  @Override
  public Constraint codomain() {
    return Constraints.corrCholesky();
  }

  @Override
  public Shape forwardShape(Shape xShape) {
    int n = TrilVectors.order(xShape.dim(-1), true, "CorrCholeskyTransform");
    return xShape.sub(0, xShape.rank() - 1).concat(Shape.of(n, n));
  }

  @Override
  public Shape inverseShape(Shape yShape) {
    int n = yShape.dim(-1);
    return yShape.sub(0, yShape.rank() - 2).concat(Shape.of(n * (n - 1) / 2));
  }
}
