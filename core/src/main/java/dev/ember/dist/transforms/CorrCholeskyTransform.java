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
 * <p>Each value is squashed by {@code tanh} into {@code (-1, 1)}, placed in the strictly lower
 * triangle (row by row, {@code (1,0), (2,0), (2,1), ...}) as the partial correlations {@code
 * r_ij}, and each row is filled by signed stick breaking: {@code y_ij = r_ij sqrt(prod_{k<j} (1 -
 * r_ik^2))}, the diagonal taking the remaining length {@code sqrt(prod_{k<i} (1 - r_ik^2))}, so
 * every row has unit norm. The log-determinant is that of the map from {@code x} to the strictly
 * lower entries of {@code y} (the diagonal is determined by them): {@code 1/2 sum_{j < i-1} log(1
 * - sum_{k<=j} y_ik^2) + sum log(1 - tanh^2 x)}, the last term computed as {@code 2 (log 2 - x -
 * softplus(-2x))}, which is exact for large {@code |x|}.
 *
 * <p>Clamped, as NumPyro clamps: {@code tanh(x)} is kept within {@code ±(1 - 2^-52)}, so that for
 * {@code |x|} beyond about 19 (where {@code tanh} rounds to ±1) the diagonal stays positive and
 * the inverse finite. The gradient of {@code forward} is zero where the clamp is active.
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

  /** {@code 1 - eps}, NumPyro's clamp of the partial correlations. */
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

  /**
   * Computed from {@code x} alone: with {@code l_ik = log(1 - r_ik^2)}, the stick-breaking term is
   * {@code 1/2 sum_i sum_{j <= i-2} sum_{k <= j} l_ik}, since {@code 1 - sum_{k<=j} y_ik^2 =
   * prod_{k<=j} (1 - r_ik^2)}. NumPyro evaluates the left side from {@code y}, which cancels
   * catastrophically when rows are nearly used up; the two agree elsewhere. Where the clamp is
   * active this is the log-determinant of the unclamped map (finite, smooth), not of the clamped
   * one (whose Jacobian vanishes).
   */
  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    int n = TrilVectors.order(x.dim(-1), true, "CorrCholeskyTransform");
    // log(1 - tanh(x)^2) = 2 (log 2 - x - softplus(-2x)), exact for large |x|
    Tensor logOneMinusR2 = x.add(x.mul(-2.0).softplus()).rsub(Math.log(2.0)).mul(2.0); // [..., m]
    Tensor partial = TrilVectors.strictLowerMatrix(logOneMinusR2, n).cumsum(-1); // [..., n, n]
    Tensor stick = TrilVectors.toVector(partial, -2).sum(-1).mul(0.5); // [...]
    return stick.add(logOneMinusR2.sum(-1));
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
    return TrilVectors.matrixShape(xShape, true, "CorrCholeskyTransform");
  }

  @Override
  public Shape inverseShape(Shape yShape) {
    return TrilVectors.vectorShape(yShape, true);
  }
}
