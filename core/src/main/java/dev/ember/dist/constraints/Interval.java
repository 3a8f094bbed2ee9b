// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.constraints;

import dev.ember.tensor.Tensor;
import java.util.Objects;

/**
 * The closed interval {@code lower <= x <= upper} with finite bounds ({@code unitInterval} is the
 * singleton {@code [0, 1]}).
 *
 * <pre>{@code
 * Interval c = (Interval) Constraints.interval(-1.0, 1.0);
 * c.check(Tensor.of(-1.0, 0.0, 1.5)); // [true, true, false]
 * c.feasibleLike(Tensor.zeros(2));    // [0.0, 0.0], the midpoint
 * }</pre>
 *
 * <p>The interval is closed as in NumPyro; its bijection from the reals reaches only the
 * interior, see {@code Transforms.bijectTo}.
 */
public final class Interval extends Constraint {
  private static final long serialVersionUID = 1L;

  static final Interval UNIT = new Interval(0.0, 1.0, "unitInterval");

  private final double lower;
  private final double upper;
  /** The singleton's name, or null for a parametrized interval. */
  private final String name;

  Interval(double lower, double upper, String name) {
    this.lower = lower;
    this.upper = upper;
    this.name = name;
  }

  /** The lower bound (inside). */
  public double lower() {
    return lower;
  }

  /** The upper bound (inside). */
  public double upper() {
    return upper;
  }

  @Override
  public Tensor check(Tensor value) {
    return value.ge(lower).and(value.le(upper));
  }

  /** The midpoint. */
  @Override
  public Tensor feasibleLike(Tensor prototype) {
    return Tensor.full(lower + 0.5 * (upper - lower), prototype.shape());
  }

  @Override
  public String toString() {
    return name != null ? name : "interval(" + lower + ", " + upper + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Interval i
        && Double.compare(lower, i.lower) == 0
        && Double.compare(upper, i.upper) == 0
        && Objects.equals(name, i.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lower, upper, name);
  }

  private Object readResolve() {
    return equals(UNIT) ? UNIT : this;
  }
}
