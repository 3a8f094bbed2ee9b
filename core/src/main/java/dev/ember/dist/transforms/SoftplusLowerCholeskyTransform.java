// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * {@link LowerCholeskyTransform} with {@code softplus} instead of {@code exp} on the diagonal
 * ({@code bijectTo} of {@code softplusLowerCholesky}): the diagonal grows linearly in the
 * unconstrained values, which keeps optimizer steps on scales moderate. {@code log |det J| = sum
 * log sigmoid} of the last {@code n} values.
 *
 * <pre>{@code
 * new SoftplusLowerCholeskyTransform().forward(Tensor.of(0.5, 0.0, 0.0)); // [[log 2, 0], [0.5, log 2]]
 * }</pre>
 *
 * <p>References: NumPyro {@code SoftplusLowerCholeskyTransform}.
 */
public final class SoftplusLowerCholeskyTransform extends Transform {
  private static final long serialVersionUID = 1L;

  @Override
  public Tensor forward(Tensor x) {
    int n = TrilVectors.order(x.dim(-1), false, "SoftplusLowerCholeskyTransform");
    int m = n * (n - 1) / 2;
    Tensor strict = TrilVectors.strictLowerMatrix(x.slice(-1, 0, m), n); // [..., n, n]
    return strict.add(x.slice(-1, m, m + n).softplus().diagEmbed());
  }

  @Override
  public Tensor inverse(Tensor y) {
    Tensor diagonal = SoftplusTransform.softplusInverse(y.diagonal()); // [..., n]
    return Tensor.concat(-1, TrilVectors.toVector(y, -1), diagonal);
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    int n = TrilVectors.order(x.dim(-1), false, "SoftplusLowerCholeskyTransform");
    int m = n * (n - 1) / 2;
    return x.slice(-1, m, m + n).logSigmoid().sum(-1);
  }

  @Override
  public Constraint domain() {
    return Constraints.realVector();
  }

  @Override
  public Constraint codomain() {
    return Constraints.softplusLowerCholesky();
  }

  @Override
  public Shape forwardShape(Shape xShape) {
    return TrilVectors.matrixShape(xShape, false, "SoftplusLowerCholeskyTransform");
  }

  @Override
  public Shape inverseShape(Shape yShape) {
    return TrilVectors.vectorShape(yShape, false);
  }
}
