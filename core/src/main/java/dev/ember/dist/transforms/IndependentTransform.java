// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * A transform whose {@code n} rightmost batch dimensions are treated as event dimensions: its
 * log-determinant is summed over them.
 *
 * <pre>{@code
 * Transform t = new IndependentTransform(new ExpTransform(), 1);
 * t.logAbsDetJacobian(x, t.forward(x)); // sum of x over its last axis
 * }</pre>
 */
public final class IndependentTransform extends Transform {
  private static final long serialVersionUID = 1L;
  private final Transform base;
  private final int n;

  /** {@code base} with {@code n} extra event dimensions. */
  public IndependentTransform(Transform base, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("IndependentTransform: n must be >= 0, got " + n);
    }
    this.base = base;
    this.n = n;
  }

  /** The wrapped transform. */
  public Transform base() {
    return base;
  }

  /** The number of extra event dimensions. */
  public int reinterpreted() {
    return n;
  }

  @Override
  public Tensor forward(Tensor x) {
    return base.forward(x);
  }

  @Override
  public Tensor inverse(Tensor y) {
    return base.inverse(y);
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    Tensor r = base.logAbsDetJacobian(x, y);
    for (int i = 0; i < n; i++) {
      r = r.sum(-1);
    }
    return r;
  }

  @Override
  public Constraint domain() {
    return Constraints.independent(base.domain(), n);
  }

  @Override
  public Constraint codomain() {
    return Constraints.independent(base.codomain(), n);
  }

  @Override
  public int domainEventDim() {
    return base.domainEventDim() + n;
  }

  @Override
  public int codomainEventDim() {
    return base.codomainEventDim() + n;
  }

  @Override
  public Shape forwardShape(Shape xShape) {
    return base.forwardShape(xShape);
  }

  @Override
  public Shape inverseShape(Shape yShape) {
    return base.inverseShape(yShape);
  }

  @Override
  public String toString() {
    return "IndependentTransform(" + base + ", " + n + ")";
  }
}
