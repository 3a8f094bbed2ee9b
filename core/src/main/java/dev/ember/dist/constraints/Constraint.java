// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.constraints;

import dev.ember.tensor.Tensor;
import java.io.Serializable;

/**
 * A region of the space a random variable (or a parameter) lives in: the support of a
 * distribution, or the domain of a parameter.
 *
 * <p>{@link #check} tests values; {@code Transforms.bijectTo(constraint)} gives the bijection
 * from unconstrained space that SVI optimizes through; {@link #feasibleLike} gives a point inside,
 * used to initialize parameters and to fill masked-out values.
 *
 * <pre>{@code
 * Constraint c = Constraints.interval(0.0, 2.0);
 * c.check(Tensor.of(-1.0, 0.5, 3.0)); // [false, true, false]
 * c.feasibleLike(Tensor.zeros(3));    // [1.0, 1.0, 1.0]
 * Constraints.simplex().check(Tensor.of(new double[][] {{0.5, 0.5}, {0.5, 0.6}})); // [true, false]
 * }</pre>
 *
 * <p>Constraints are immutable values. The parameter-free ones ({@code real}, {@code positive},
 * {@code simplex}, ...) are singletons, also after Java deserialization, so they may be compared
 * with {@code ==}; the parametrized ones ({@code interval(a, b)}, ...) compare with {@link
 * #equals}.
 *
 * <p>References: NumPyro's {@code numpyro.distributions.constraints}, whose semantics (open and
 * closed boundaries, tolerances, feasible points) Ember follows.
 */
public abstract class Constraint implements Serializable {
  private static final long serialVersionUID = 1L;

  /** For subclasses. */
  protected Constraint() {}

  /**
   * Whether each event of {@code value} satisfies the constraint.
   *
   * @param value a tensor of shape {@code batch + event}, where the event is the {@link
   *     #eventDim()} rightmost dimensions
   * @return a boolean tensor of shape {@code batch}; NaN is outside every constraint
   * @throws IllegalArgumentException if {@code value} has fewer than {@link #eventDim()}
   *     dimensions
   */
  public abstract Tensor check(Tensor value);

  /** Number of rightmost dimensions checked jointly (1 for a simplex, 2 for a matrix). */
  public int eventDim() {
    return 0;
  }

  /** Whether values are discrete (no unconstrained parametrization exists). */
  public boolean isDiscrete() {
    return false;
  }

  /**
   * A tensor of {@code prototype}'s shape whose every event satisfies the constraint (for
   * intervals the midpoint, for one-sided bounds the bound {@code ± 1}, for a simplex the uniform
   * vector, for matrices the identity); its unconstrained image under {@code bijectTo} is finite,
   * and zero for most constraints.
   */
  public abstract Tensor feasibleLike(Tensor prototype);

  /** The constraint as written in code, e.g. {@code interval(0.0, 2.0)}. */
  @Override
  public abstract String toString();
}
