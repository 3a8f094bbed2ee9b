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
 * The half-normal distribution: {@code |X|} for {@code X ~ N(0, scale^2)}, on {@code x >= 0}.
 *
 * <pre>{@code
 * HalfNormal.of(Tensor.scalar(1.0)).mean(); // sqrt(2 / pi)
 * }</pre>
 */
public final class HalfNormal extends ScalarFamily {
  private static final long serialVersionUID = 1L;
  private static final String[] NAMES = {"scale"};

  private HalfNormal(Tensor scale) {
    super("HalfNormal", NAMES,
        ParamChecks.positive("HalfNormal", "scale", scale));
  }

  @Override
  Distribution create(Tensor... p) {
    return new HalfNormal(p[0]);
  }

  /** A half-normal with the given scale. */
  public static HalfNormal of(Tensor scale) {
    return new HalfNormal(scale);
  }

  /** A scalar half-normal. */
  public static HalfNormal of(double scale) {
    return new HalfNormal(Tensor.scalar(scale));
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
    return Samplers.normal(key, extendedShape(sampleShape)).abs().mul(param(0));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor z = value.div(param(0));
    return z.square().mul(-0.5).sub(param(0).log()).add(0.5 * Math.log(2 / Math.PI));
  }

  @Override
  public Tensor mean() {
    return param(0).mul(Math.sqrt(2 / Math.PI));
  }

  @Override
  public Tensor variance() {
    return param(0).square().mul(1 - 2 / Math.PI);
  }

  @Override
  public Tensor entropy() {
    return param(0).log().add(0.5 * Math.log(Math.PI / 2) + 0.5);
  }
}
