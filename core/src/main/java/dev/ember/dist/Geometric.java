// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * The geometric distribution of failures before the first success: {@code p(k) = (1 - p)^k p},
 * {@code k = 0, 1, ...}; sampled by inversion, {@code floor(log u / log(1 - p))}.
 *
 * <pre>{@code
 * Geometric.of(Tensor.scalar(0.25)).mean(); // 3.0
 * }</pre>
 */
public final class Geometric extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor probs;

  private Geometric(Tensor probs) {
    ParamChecks.positive("Geometric", "probs", probs);
    ParamChecks.unitInterval("Geometric", "probs", probs);
    this.probs = probs;
  }

  /** Success probability {@code 0 < probs <= 1}. */
  public static Geometric of(Tensor probs) {
    return new Geometric(probs);
  }

  @Override
  public Shape batchShape() {
    return probs.shape();
  }

  @Override
  public Shape eventShape() {
    return Shape.SCALAR;
  }

  @Override
  public Constraint support() {
    return Constraints.nonnegativeInteger();
  }

  @Override
  public Map<String, Tensor> params() {
    return Map.of("probs", probs);
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return of(p.get("probs"));
  }

  @Override
  public Tensor sample(RngKey key, Shape sampleShape) {
    Tensor u = Samplers.uniform(key, extendedShape(sampleShape));
    return u.log().div(probs.detach().neg().log1p()).floor();
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor failures = Tensor.where(value.gt(0.0),
        value.mul(probs.clamp(0, 1 - 0x1.0p-53).neg().log1p()), Tensor.scalar(0.0));
    return failures.add(probs.log());
  }

  @Override
  public Tensor mean() {
    return probs.rsub(1.0).div(probs);
  }

  @Override
  public Tensor variance() {
    return probs.rsub(1.0).div(probs.square());
  }
}
