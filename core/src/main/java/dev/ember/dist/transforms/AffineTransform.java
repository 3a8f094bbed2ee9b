// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * {@code y = loc + scale * x} elementwise (broadcast), {@code log |dy/dx| = log |scale|}, summed
 * over the domain's event dimensions.
 *
 * <p>The domain and codomain may be given because they depend on what the transform is composed
 * with: {@code exp} then {@code Affine(a, 1)} maps onto {@code greaterThan(a)}. They must have the
 * same event dimension, over which the log-determinant is summed.
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

  /**
   * An affine map of the reals.
   *
   * @throws IllegalArgumentException if any element of {@code scale} is zero or not finite
   */
  public AffineTransform(Tensor loc, Tensor scale) {
    this(loc, scale, Constraints.real(), Constraints.real());
  }

  /**
   * An affine map from {@code domain} onto {@code codomain}.
   *
   * @throws IllegalArgumentException if any element of {@code scale} is zero or not finite, or
   *     the two constraints have different event dimensions
   */
  public AffineTransform(Tensor loc, Tensor scale, Constraint domain, Constraint codomain) {
    if (scale.eq(0.0).or(scale.isFinite().not()).any()) {
      throw new IllegalArgumentException(
          "AffineTransform: scale must be finite and non-zero, got " + scale);
    }
    if (domain.eventDim() != codomain.eventDim()) {
      throw new IllegalArgumentException(
          "AffineTransform: domain " + domain + " and codomain " + codomain
              + " must have the same event dimension, got " + domain.eventDim() + " and "
              + codomain.eventDim());
    }
    this.loc = loc;
    this.scale = scale;
    this.domain = domain;
    this.codomain = codomain;
  }

  /** The shift. */
  public Tensor loc() {
    return loc;
  }

  /** The scale factor. */
  public Tensor scale() {
    return scale;
  }

  @Override
  public Tensor forward(Tensor x) {
    return x.mulAdd(scale, loc);
  }

  @Override
  public Tensor inverse(Tensor y) {
    return y.sub(loc).div(scale);
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    Tensor r = scale.abs().log().broadcastTo(forwardShape(x.shape())); // [batch + event]
    for (int i = 0; i < domain.eventDim(); i++) {
      r = r.sum(-1);
    }
    return r;
  }

  @Override
  public Constraint domain() {
    return domain;
  }

  @Override
  public Constraint codomain() {
    return codomain;
  }

  @Override
  public Shape forwardShape(Shape xShape) {
    Shape s = Shape.broadcast(xShape, scale.shape(), "AffineTransform");
    return Shape.broadcast(s, loc.shape(), "AffineTransform");
  }

  @Override
  public Shape inverseShape(Shape yShape) {
    return forwardShape(yShape);
  }

  @Override
  public String toString() {
    return "AffineTransform(loc = " + loc + ", scale = " + scale + ")";
  }
}
