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
 * The Poisson distribution of counts with the given rate.
 *
 * <pre>{@code
 * Poisson.of(Tensor.scalar(2.0)).logProb(Tensor.of(0.0)); // [-2.0]
 * }</pre>
 */
public final class Poisson extends ScalarFamily {
  private static final long serialVersionUID = 1L;
  private static final String[] NAMES = {"rate"};

  private Poisson(Tensor rate) {
    super("Poisson", NAMES,
        ParamChecks.positive("Poisson", "rate", rate));
  }

  @Override
  Distribution create(Tensor... p) {
    return new Poisson(p[0]);
  }

  /** A Poisson with the given (positive) rate. */
  public static Poisson of(Tensor rate) {
    return new Poisson(rate);
  }

  @Override
  public Constraint support() {
    return Constraints.nonnegativeInteger();
  }

  @Override
  public Tensor sample(RngKey key, Shape sampleShape) {
    return Samplers.poisson(key, param(0).detach(), extendedShape(sampleShape));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    return value.mul(param(0).log()).sub(param(0)).sub(value.add(1.0).logGamma());
  }

  @Override
  public Tensor mean() {
    return param(0);
  }

  @Override
  public Tensor variance() {
    return param(0);
  }
}
