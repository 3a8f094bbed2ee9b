// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Tensor;

/**
 * {@code y = loc + scale * x} elementwise, {@code log |dy/dx| = log |scale|}. The codomain is
 * given by the caller because it depends on what the transform is composed with (e.g. {@code
 * exp} then {@code Affine(a, 1)} maps onto {@code greaterThan(a)}).
 *
 * <pre>{@code
 * new AffineTransform(Tensor.scalar(1.0), Tensor.scalar(2.0)).forward(Tensor.of(3.0)); // [7.0]
 * }</pre>
 */
public final class AffineTransform extends Transform {
  private static final long serialVersionUID = 1L;
  private final Tensor loc;
  private final Tensor scale;
  private final Constraint domain;
  private final Constraint codomain;

  /** An affine map of the reals. */
  public AffineTransform(Tensor loc, Tensor scale) {
    this(loc, scale, Constraints.real(), Constraints.real());
  }

  /** An affine map between the given sets (for use inside {@link Transforms#bijectTo}). */
  public AffineTransform(Tensor loc, Tensor scale, Constraint domain, Constraint codomain) {
    if (scale.eq(0.0).any()) {
      throw new IllegalArgumentException("AffineTransform: scale must be non-zero, got " + scale);
    }
    this.loc = loc;
    this.scale = scale;
    this.domain = domain;
    this.codomain = codomain;
  }

  @Override
  public Tensor forward(Tensor x) {
    return x.mul(scale).add(loc);
  }

  @Override
  public Tensor inverse(Tensor y) {
    return y.sub(loc).div(scale);
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    return scale.abs().log().broadcastTo(x.shape());
  }

  @Override
  public Constraint domain() {
    return domain;
  }

  @Override
  public Constraint codomain() {
    return codomain;
  }
}
