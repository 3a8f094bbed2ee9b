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
 * }</pre>
 */
public abstract class Constraint implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Whether each value satisfies the constraint, as a boolean tensor of {@code value}'s shape
   * without the constraint's {@link #eventDim()} rightmost dimensions.
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

  /** A tensor of {@code prototype}'s shape whose values satisfy the constraint. */
  public abstract Tensor feasibleLike(Tensor prototype);

  /** The constraint as written in code, e.g. {@code interval(0.0, 2.0)}. */
  @Override
  public abstract String toString();
}
