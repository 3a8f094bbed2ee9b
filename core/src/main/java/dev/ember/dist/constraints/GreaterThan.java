// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.constraints;

import dev.ember.tensor.Tensor;
import java.util.Objects;

/**
 * A lower bound: {@code x > lower}, or {@code x >= lower} when {@link #inclusive()}. {@code
 * positive}, {@code softplusPositive} ({@code x > 0}) and {@code nonnegative} ({@code x >= 0})
 * are singletons of this class; they differ from {@code greaterThan(0.0)} only in the bijection
 * {@code bijectTo} picks for them.
 *
 * <pre>{@code
 * GreaterThan c = (GreaterThan) Constraints.greaterThan(1.5);
 * c.check(Tensor.of(1.5, 2.0)); // [false, true]
 * c.lower();                    // 1.5
 * }</pre>
 *
 * <p>Infinite values above the bound are inside (as in NumPyro).
 */
public final class GreaterThan extends Constraint {
  private static final long serialVersionUID = 1L;

  static final GreaterThan POSITIVE = new GreaterThan(0.0, false, "positive");
  static final GreaterThan SOFTPLUS_POSITIVE = new GreaterThan(0.0, false, "softplusPositive");
  static final GreaterThan NONNEGATIVE = new GreaterThan(0.0, true, "nonnegative");

  private final double lower;
  private final boolean inclusive;
  /** The singleton's name, or null for a parametrized bound. */
  private final String name;

  GreaterThan(double lower, boolean inclusive, String name) {
    this.lower = lower;
    this.inclusive = inclusive;
    this.name = name;
  }

  /** The lower bound. */
  public double lower() {
    return lower;
  }

  /** Whether the bound itself is inside. */
  public boolean inclusive() {
    return inclusive;
  }

  @Override
  public Tensor check(Tensor value) {
    return inclusive ? value.ge(lower) : value.gt(lower);
  }

  /** {@code lower + 1}; {@code log 2} for {@code softplusPositive}, whose softplus preimage is 0. */
  @Override
  public Tensor feasibleLike(Tensor prototype) {
    double v = this == SOFTPLUS_POSITIVE ? Math.log(2.0) : lower + 1.0;
    return Tensor.full(v, prototype.shape());
  }

  @Override
  public String toString() {
    if (name != null) {
      return name;
    }
    return (inclusive ? "greaterThanEq(" : "greaterThan(") + lower + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GreaterThan g
        && Double.compare(lower, g.lower) == 0
        && inclusive == g.inclusive
        && Objects.equals(name, g.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lower, inclusive, name);
  }

  private Object readResolve() {
    for (GreaterThan s : new GreaterThan[] {POSITIVE, SOFTPLUS_POSITIVE, NONNEGATIVE}) {
      if (equals(s)) {
        return s;
      }
    }
    return this;
  }
}
