// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.constraints;

import dev.ember.tensor.Tensor;
import java.util.Objects;

/**
 * A base constraint whose {@code n} rightmost batch dimensions are checked jointly: an event is
 * inside when all its entries are (the support of {@code d.toEvent(n)}). {@code realVector} is
 * the singleton {@code independent(real, 1)}. Nested wrappers are flattened, as in NumPyro.
 *
 * <pre>{@code
 * Constraint c = Constraints.independent(Constraints.positive(), 1);
 * c.check(Tensor.of(new double[][] {{1, 2}, {1, -2}})); // [true, false]
 * }</pre>
 */
public final class IndependentConstraint extends Constraint {
  private static final long serialVersionUID = 1L;

  static final IndependentConstraint REAL_VECTOR = new IndependentConstraint(Real.INSTANCE, 1);

  private final Constraint base;
  private final int reinterpreted;

  IndependentConstraint(Constraint base, int reinterpreted) {
    this.base = base;
    this.reinterpreted = reinterpreted;
  }

  /** The constraint of each entry (never itself an {@code IndependentConstraint}). */
  public Constraint base() {
    return base;
  }

  /** The number of batch dimensions of {@link #base()} that are checked jointly. */
  public int reinterpreted() {
    return reinterpreted;
  }

  @Override
  public Tensor check(Tensor value) {
    Constraints.requireEventRank(this, value);
    return Constraints.allOver(base.check(value), reinterpreted);
  }

  @Override
  public int eventDim() {
    return base.eventDim() + reinterpreted;
  }

  @Override
  public boolean isDiscrete() {
    return base.isDiscrete();
  }

  @Override
  public Tensor feasibleLike(Tensor prototype) {
    return base.feasibleLike(prototype);
  }

  @Override
  public String toString() {
    return equals(REAL_VECTOR) ? "realVector" : "independent(" + base + ", " + reinterpreted + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IndependentConstraint i
        && reinterpreted == i.reinterpreted
        && base.equals(i.base);
  }

  @Override
  public int hashCode() {
    return Objects.hash(base, reinterpreted);
  }

  private Object readResolve() {
    return equals(REAL_VECTOR) ? REAL_VECTOR : this;
  }
}
