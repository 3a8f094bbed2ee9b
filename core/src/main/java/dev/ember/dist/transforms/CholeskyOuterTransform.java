// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Tensor;

/**
 * {@code A = L L^T}: lower Cholesky factors onto symmetric positive-definite matrices (inverse:
 * the Cholesky factorization; NumPyro's {@code CholeskyTransform().inv}). Both sides are measured
 * by their lower triangles, for which {@code log |det J| = n log 2 + sum_i (n - i) log L_ii} (rows
 * numbered from 0): ordering the entries so that {@code A_ij} pairs with {@code L_ij}, the
 * Jacobian is triangular with diagonal {@code 2 L_jj} on the diagonal entries and {@code L_jj}
 * below them, and column {@code j} has {@code n - j} entries.
 *
 * <pre>{@code
 * Tensor a = new CholeskyOuterTransform().forward(Tensor.eye(2).mul(2.0)); // 4 I
 * }</pre>
 *
 * <p>References: Muirhead, <i>Aspects of Multivariate Statistical Theory</i> (1982), Thm. 2.1.9;
 * Stan Reference Manual, "Covariance matrices".
 */
public final class CholeskyOuterTransform extends Transform {
  private static final long serialVersionUID = 1L;

  @Override
  public Tensor forward(Tensor l) {
    return l.matmul(l.transpose());
  }

  @Override
  public Tensor inverse(Tensor a) {
    return a.cholesky();
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor l, Tensor a) {
    int n = l.dim(-1);
    Tensor powers = Tensor.arange(n).rsub(n); // n - i
    return l.diagonal().log().mul(powers).sum(-1).add(n * Math.log(2.0));
  }

  @Override
  public Constraint domain() {
    return Constraints.lowerCholesky();
  }

  @Override
  public Constraint codomain() {
    return Constraints.positiveDefinite();
  }
}
