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
 * The Poisson distribution of counts with the given rate.
 *
 * <pre>{@code
 * Poisson.of(Tensor.scalar(2.0)).logProb(Tensor.of(0.0)); // [-2.0]
 * }</pre>
 */
public final class Poisson extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor rate;

  private Poisson(Tensor rate) {
    ParamChecks.positive("Poisson", "rate", rate);
    this.rate = rate;
  }

  /** A Poisson with the given (positive) rate. */
  public static Poisson of(Tensor rate) {
    return new Poisson(rate);
  }

  @Override
  public Shape batchShape() {
    return rate.shape();
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
    return Map.of("rate", rate);
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return of(p.get("rate"));
  }

  @Override
  public Tensor sample(RngKey key, Shape sampleShape) {
    return Samplers.poisson(key, rate.detach(), extendedShape(sampleShape));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    return value.mul(rate.log()).sub(rate).sub(value.add(1.0).logGamma());
  }

  @Override
  public Tensor mean() {
    return rate;
  }

  @Override
  public Tensor variance() {
    return rate;
  }
}
