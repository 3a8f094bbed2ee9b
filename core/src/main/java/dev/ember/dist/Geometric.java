// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * The geometric distribution of failures before the first success: {@code p(k) = (1 - p)^k p},
 * {@code k = 0, 1, ...}; sampled by inversion, {@code floor(log u / log(1 - p))}.
 *
 * <pre>{@code
 * Geometric.of(Tensor.scalar(0.25)).mean(); // 3.0
 * }</pre>
 */
public final class Geometric extends ScalarFamily {
  private static final long serialVersionUID = 1L;
  private static final String[] NAMES = {"probs"};

  private Geometric(Tensor probs) {
    super("Geometric", NAMES,
        ParamChecks.unitInterval("Geometric", "probs", probs));
    ParamChecks.positive("Geometric", "probs", probs);
  }

  @Override
  Distribution create(Tensor... p) {
    return new Geometric(p[0]);
  }

  /** Success probability {@code 0 < probs <= 1}. */
  public static Geometric of(Tensor probs) {
    return new Geometric(probs);
  }

  @Override
  public Constraint support() {
    return Constraints.nonnegativeInteger();
  }

  @Override
  public Tensor sample(RngKey key, Shape sampleShape) {
    Tensor u = Samplers.uniform(key, extendedShape(sampleShape));
    return u.log().div(param(0).detach().neg().log1p()).floor();
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor failures = Tensor.where(value.gt(0.0),
        value.mul(param(0).clamp(0, 1 - 0x1.0p-53).neg().log1p()), Tensor.scalar(0.0));
    return failures.add(param(0).log());
  }

  @Override
  public Tensor mean() {
    return param(0).rsub(1.0).div(param(0));
  }

  @Override
  public Tensor variance() {
    return param(0).rsub(1.0).div(param(0).square());
  }
}
