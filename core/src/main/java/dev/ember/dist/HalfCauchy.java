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
 * The half-Cauchy distribution: {@code |X|} for {@code X ~ Cauchy(0, scale)}, a common prior for
 * scales; reparameterized by inversion, {@code scale tan(pi u / 2)}.
 *
 * <pre>{@code
 * HalfCauchy.of(Tensor.scalar(1.0)).logProb(Tensor.of(0.0)); // [log(2 / pi)]
 * }</pre>
 */
public final class HalfCauchy extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor scale;

  private HalfCauchy(Tensor scale) {
    ParamChecks.positive("HalfCauchy", "scale", scale);
    this.scale = scale;
  }

  /** A half-Cauchy with the given scale. */
  public static HalfCauchy of(Tensor scale) {
    return new HalfCauchy(scale);
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
    Tensor angle = Samplers.uniform(key, extendedShape(sampleShape)).mul(Math.PI / 2);
    return angle.sin().div(angle.cos()).mul(scale);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    return value.div(scale).square().log1p().neg().sub(scale.log()).add(Math.log(2 / Math.PI));
  }

  @Override
  public Tensor mean() {
    return Tensor.full(Double.POSITIVE_INFINITY, scale.shape());
  }

  @Override
  public Tensor variance() {
    return Tensor.full(Double.POSITIVE_INFINITY, scale.shape());
  }

  @Override
  public Tensor entropy() {
    return scale.log().add(Math.log(2 * Math.PI));
  }
}
