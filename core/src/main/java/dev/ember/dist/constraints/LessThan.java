// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.constraints;

import dev.ember.tensor.Tensor;
import java.util.Objects;

/**
 * An upper bound: {@code x < upper}, or {@code x <= upper} when {@link #inclusive()}.
 *
 * <pre>{@code
 * LessThan c = (LessThan) Constraints.lessThan(0.0);
 * c.check(Tensor.of(-1.0, 0.0)); // [true, false]
 * c.upper();                     // 0.0
 * }</pre>
 *
 * <p>Infinite values below the bound are inside (as in NumPyro).
 */
public final class LessThan extends Constraint {
  private static final long serialVersionUID = 1L;

  private final double upper;
  private final boolean inclusive;

  LessThan(double upper, boolean inclusive) {
    this.upper = upper;
    this.inclusive = inclusive;
  }

  /** The upper bound. */
  public double upper() {
    return upper;
  }

  /** Whether the bound itself is inside. */
  public boolean inclusive() {
    return inclusive;
  }

  @Override
  public Tensor check(Tensor value) {
    return inclusive ? value.le(upper) : value.lt(upper);
  }

  /** {@code upper - 1}. */
  @Override
  public Tensor feasibleLike(Tensor prototype) {
    return Tensor.full(upper - 1.0, prototype.shape());
  }

  @Override
  public String toString() {
    return (inclusive ? "lessThanEq(" : "lessThan(") + upper + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LessThan l && Double.compare(upper, l.upper) == 0 && inclusive == l.inclusive;
  }

  @Override
  public int hashCode() {
    return Objects.hash(upper, inclusive);
  }
}
