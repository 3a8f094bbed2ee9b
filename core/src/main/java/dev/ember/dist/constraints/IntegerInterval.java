// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.constraints;

import dev.ember.tensor.Tensor;
import java.util.Objects;

/**
 * Integers {@code lower <= k <= upper} (discrete). {@code booleanValues} ({@code [0, 1]}), {@code
 * nonnegativeInteger} and {@code positiveInteger} (no upper bound) are singletons of this class.
 *
 * <pre>{@code
 * IntegerInterval c = (IntegerInterval) Constraints.integerInterval(0, 2);
 * c.check(Tensor.of(0, 1.5, 2, 3)); // [true, false, true, false]
 * }</pre>
 *
 * <p>Infinities and NaN are never integers.
 */
public final class IntegerInterval extends Constraint {
  private static final long serialVersionUID = 1L;

  static final IntegerInterval BOOLEAN = new IntegerInterval(0, 1, "booleanValues");
  static final IntegerInterval NONNEGATIVE = new IntegerInterval(0, Long.MAX_VALUE, "nonnegativeInteger");
  static final IntegerInterval POSITIVE = new IntegerInterval(1, Long.MAX_VALUE, "positiveInteger");

  private final long lower;
  private final long upper;
  /** The singleton's name, or null for a parametrized interval. */
  private final String name;

  IntegerInterval(long lower, long upper, String name) {
    this.lower = lower;
    this.upper = upper;
    this.name = name;
  }

  /** The smallest value inside. */
  public long lower() {
    return lower;
  }

  /** The largest value inside ({@link Long#MAX_VALUE} when unbounded). */
  public long upper() {
    return upper;
  }

  @Override
  public Tensor check(Tensor value) {
    Tensor integral = value.isFinite().and(value.eq(value.floor()));
    Tensor inside = value.ge((double) lower);
    if (upper != Long.MAX_VALUE) {
      inside = inside.and(value.le((double) upper));
    }
    return integral.and(inside);
  }

  @Override
  public boolean isDiscrete() {
    return true;
  }

  /** The lower bound. */
  @Override
  public Tensor feasibleLike(Tensor prototype) {
    return Tensor.full((double) lower, prototype.shape());
  }

  @Override
  public String toString() {
    return name != null ? name : "integerInterval(" + lower + ", " + upper + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IntegerInterval i
        && lower == i.lower
        && upper == i.upper
        && Objects.equals(name, i.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lower, upper, name);
  }

  private Object readResolve() {
    for (IntegerInterval s : new IntegerInterval[] {BOOLEAN, NONNEGATIVE, POSITIVE}) {
      if (equals(s)) {
        return s;
      }
    }
    return this;
  }
}
