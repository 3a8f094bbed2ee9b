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
 * The half-normal distribution: {@code |X|} for {@code X ~ N(0, scale^2)}, on {@code x >= 0}.
 *
 * <pre>{@code
 * HalfNormal.of(Tensor.scalar(1.0)).mean(); // sqrt(2 / pi)
 * }</pre>
 */
public final class HalfNormal extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor scale;

  private HalfNormal(Tensor scale) {
    ParamChecks.positive("HalfNormal", "scale", scale);
    this.scale = scale;
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
  public Shape batchShape() {
    return scale.shape();
  }

  @Override
  public Shape eventShape() {
    return Shape.SCALAR;
  }

  @Override
  public Constraint support() {
    return Constraints.nonnegative();
  }

  @Override
  public Map<String, Tensor> params() {
    return Map.of("scale", scale);
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return of(p.get("scale"));
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    return Samplers.normal(key, extendedShape(sampleShape)).abs().mul(scale);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor z = value.div(scale);
    return z.square().mul(-0.5).sub(scale.log()).add(0.5 * Math.log(2 / Math.PI));
  }

  @Override
  public Tensor mean() {
    return scale.mul(Math.sqrt(2 / Math.PI));
  }

  @Override
  public Tensor variance() {
    return scale.square().mul(1 - 2 / Math.PI);
  }

  @Override
  public Tensor entropy() {
    return scale.log().add(0.5 * Math.log(Math.PI / 2) + 0.5);
  }
}
