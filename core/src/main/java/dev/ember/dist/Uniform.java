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
 * The continuous uniform distribution on {@code [low, high]}; reparameterized as {@code low +
 * (high - low) u}.
 *
 * <p>Note: with tensor bounds the support differs per batch element; {@link #support()} reports
 * the interval for scalar bounds and the real line otherwise, and {@code logProb} is {@code -inf}
 * outside each element's own interval.
 *
 * <pre>{@code
 * Uniform.of(-1.0, 1.0).logProb(Tensor.of(0.0)); // [log 0.5]
 * }</pre>
 */
public final class Uniform extends ScalarFamily {
  private static final long serialVersionUID = 1L;
  private static final String[] NAMES = {"low", "high"};

  private Uniform(Tensor low, Tensor high) {
    super("Uniform", NAMES,
        ParamChecks.finite("Uniform", "low", low),
        ParamChecks.finite("Uniform", "high", high));
    ParamChecks.positive("Uniform", "high - low", high.sub(low));
  }

  @Override
  Distribution create(Tensor... p) {
    return new Uniform(p[0], p[1]);
  }

  /** Uniform on {@code [low, high]} elementwise. */
  public static Uniform of(Tensor low, Tensor high) {
    return new Uniform(low, high);
  }

  /** A scalar uniform. */
  public static Uniform of(double low, double high) {
    return new Uniform(Tensor.scalar(low), Tensor.scalar(high));
  }

  @Override
  public Constraint support() {
    Tensor low = param(0);
    Tensor high = param(1);
    if (low.size() == 1 && high.size() == 1) {
      return Constraints.interval(low.toArray()[0], high.toArray()[0]);
    }
    return Constraints.real();
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    return Samplers.uniform(key, extendedShape(sampleShape)).mul(param(1).sub(param(0))).add(param(0));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor inside = value.ge(param(0).detach()).and(value.le(param(1).detach()));
    Tensor lp = param(1).sub(param(0)).log().neg()
        .broadcastTo(Shape.broadcast(value.shape(), batch, "logProb"));
    return Tensor.where(inside, lp, Tensor.scalar(Double.NEGATIVE_INFINITY));
  }

  @Override
  public Tensor mean() {
    return batched(param(0).add(param(1)).mul(0.5));
  }

  @Override
  public Tensor variance() {
    return batched(param(1).sub(param(0)).square().div(12.0));
  }

  @Override
  public Tensor entropy() {
    return batched(param(1).sub(param(0)).log());
  }
}
