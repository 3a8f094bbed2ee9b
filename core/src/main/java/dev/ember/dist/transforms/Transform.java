// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.Serializable;

/**
 * A differentiable bijection {@code y = f(x)} with its inverse and the log absolute determinant
 * of its Jacobian, written with tensor operations so that gradients flow through all three.
 *
 * <p>Shapes: {@code x} is {@code batch + domainEvent}, {@code y} is {@code batch +
 * codomainEvent}, and {@link #logAbsDetJacobian} has shape {@code batch}: it is summed over the
 * domain's {@link #domainEventDim()} rightmost dimensions.
 *
 * <pre>{@code
 * Transform t = Transforms.bijectTo(Constraints.positive()); // exp
 * Tensor y = t.forward(Tensor.of(0.0, 1.0));                 // [1, e]
 * Tensor ladj = t.logAbsDetJacobian(Tensor.of(0.0, 1.0), y);  // [0, 1]
 * }</pre>
 *
 * <p>References: Stan Reference Manual, "Constraint transforms"; NumPyro's
 * {@code numpyro.distributions.transforms}.
 */
public abstract class Transform implements Serializable {
  private static final long serialVersionUID = 1L;

  /** {@code y = f(x)}. */
  public abstract Tensor forward(Tensor x);

  /** {@code x = f^-1(y)}. */
  public abstract Tensor inverse(Tensor y);

  /** {@code log |det df/dx|} at {@code x} (with {@code y = f(x)}), shape {@code batch}. */
  public abstract Tensor logAbsDetJacobian(Tensor x, Tensor y);

  /** Where {@code x} lives. */
  public abstract Constraint domain();

  /** Where {@code y} lives. */
  public abstract Constraint codomain();

  /** Number of rightmost dimensions of {@code x} that form one event. */
  public int domainEventDim() {
    return domain().eventDim();
  }

  /** Number of rightmost dimensions of {@code y} that form one event. */
  public int codomainEventDim() {
    return codomain().eventDim();
  }

  /** The shape of {@code y} for an {@code x} of shape {@code xShape}. */
  public Shape forwardShape(Shape xShape) {
    return xShape;
  }

  /** The shape of {@code x} for a {@code y} of shape {@code yShape}. */
  public Shape inverseShape(Shape yShape) {
    return yShape;
  }
}
