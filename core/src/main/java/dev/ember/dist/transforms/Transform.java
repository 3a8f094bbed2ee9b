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
 * domain's {@link #domainEventDim()} rightmost dimensions. Transforms that change the event shape
 * (stick breaking: {@code [..., K-1] -> [..., K]}; the Cholesky transforms: {@code [..., m] ->
 * [..., n, n]}) say how in {@link #forwardShape} and {@link #inverseShape}; their log-determinant
 * is that of the map onto the free coordinates of {@code y} (e.g. the first {@code K - 1} entries
 * of a simplex, the lower triangle of a Cholesky factor), as in NumPyro and Stan.
 *
 * <pre>{@code
 * Transform t = Transforms.bijectTo(Constraints.positive()); // exp
 * Tensor x = Tensor.of(0.0, 1.0);
 * Tensor y = t.forward(x);                                    // [1, e]
 * Tensor ladj = t.logAbsDetJacobian(x, y);                    // [0, 1]
 * t.inverse(y);                                               // x
 * }</pre>
 *
 * <p>Transforms are immutable and serializable (Spark ships them inside model closures).
 *
 * <p>References: Stan Reference Manual, chapter "Constraint Transforms"; NumPyro's {@code
 * numpyro.distributions.transforms}.
 */
public abstract class Transform implements Serializable {
  private static final long serialVersionUID = 1L;

  /** For subclasses. */
  protected Transform() {}

  /** {@code y = f(x)}: {@code [batch + domainEvent] -> [batch + codomainEvent]}. */
  public abstract Tensor forward(Tensor x);

  /** {@code x = f^-1(y)}: {@code [batch + codomainEvent] -> [batch + domainEvent]}. */
  public abstract Tensor inverse(Tensor y);

  /**
   * {@code log |det df/dx|} at {@code x}, summed over the domain's event dimensions.
   *
   * @param x the input, {@code [batch + domainEvent]}
   * @param y {@code forward(x)} (some transforms read it rather than recompute it)
   * @return {@code [batch]}
   */
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

  /** The class name, e.g. {@code ExpTransform}; parametrized transforms add their parameters. */
  @Override
  public String toString() {
    return getClass().getSimpleName();
  }
}
