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
 * The exponential distribution with the given rate, on {@code x >= 0}.
 *
 * <pre>{@code
 * Exponential.of(Tensor.scalar(2.0)).mean(); // 0.5
 * }</pre>
 */
public final class Exponential extends ScalarFamily {
  private static final long serialVersionUID = 1L;
  private static final String[] NAMES = {"rate"};

  private Exponential(Tensor rate) {
    super("Exponential", NAMES,
        ParamChecks.positive("Exponential", "rate", rate));
  }

  @Override
  Distribution create(Tensor... p) {
    return new Exponential(p[0]);
  }

  /** An exponential with the given rate. */
  public static Exponential of(Tensor rate) {
    return new Exponential(rate);
  }

  /** The rate. */
  public Tensor rate() {
    return param(0);
  }

  @Override
  public Constraint support() {
    return Constraints.nonnegative();
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    return Samplers.exponential(key, extendedShape(sampleShape)).div(rate());
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    return rate().log().sub(value.mul(rate()));
  }

  @Override
  public Tensor mean() {
    return rate().reciprocal();
  }

  @Override
  public Tensor variance() {
    return rate().square().reciprocal();
  }

  @Override
  public Tensor entropy() {
    return rate().log().rsub(1.0);
  }
}
