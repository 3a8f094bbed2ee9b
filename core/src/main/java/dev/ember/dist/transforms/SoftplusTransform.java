// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Tensor;

/**
 * {@code y = softplus(x) = log(1 + e^x)}, {@code log |dy/dx| = log sigmoid(x)}: a positive map that
 * grows linearly, gentler on optimizers than {@code exp} for scales ({@code bijectTo} of {@code
 * softplusPositive}).
 *
 * <p>The inverse is {@code x = y + log(-expm1(-y))}, which neither overflows for large {@code y}
 * (where {@code log(expm1(y))} would) nor loses precision for small {@code y}.
 *
 * <pre>{@code
 * new SoftplusTransform().inverse(Tensor.of(Math.log(2))); // [0.0]
 * }</pre>
 */
public final class SoftplusTransform extends ElementwiseTransform {
  private static final long serialVersionUID = 1L;

  @Override
  public Tensor forward(Tensor x) {
    return x.softplus();
  }

  @Override
  public Tensor inverse(Tensor y) {
    return softplusInverse(y);
  }

  /** {@code y + log(-expm1(-y))}. */
  static Tensor softplusInverse(Tensor y) {
    return y.add(y.neg().expm1().neg().log());
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    return x.logSigmoid();
  }

  @Override
  public Constraint codomain() {
    return Constraints.softplusPositive();
  }
}
