// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Tensor;

/**
 * {@code y = log(1 + e^x)}, {@code log |dy/dx| = log sigmoid(x)}: a positive map that grows
 * linearly, gentler on optimizers than {@code exp} for scales.
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

  /** {@code x = y + log(1 - e^-y)}: no overflow for large {@code y}, exact for small. */
  @Override
  public Tensor inverse(Tensor y) {
    return y.add(y.neg().expm1().neg().log());
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    return x.logSigmoid();
  }

  @Override
  public Constraint codomain() {
    return Constraints.positive();
  }
}
