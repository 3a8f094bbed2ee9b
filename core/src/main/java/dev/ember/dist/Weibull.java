// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Weibull distribution with {@code scale} and shape {@code concentration}; reparameterized by
 * inversion, {@code scale (-log u)^(1 / concentration)}.
 *
 * <pre>{@code
 * Weibull.of(Tensor.scalar(2.0), Tensor.scalar(1.0)).mean(); // 2.0 (an exponential of mean 2)
 * }</pre>
 */
public final class Weibull extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor scale;
  private final Tensor concentration;
  private final Shape batch;

  private Weibull(Tensor scale, Tensor concentration) {
    ParamChecks.positive("Weibull", "scale", scale);
    ParamChecks.positive("Weibull", "concentration", concentration);
    this.batch = ParamChecks.batchOf(
        "Weibull", new String[] {"scale", "concentration"}, scale, concentration);
    this.scale = scale;
    this.concentration = concentration;
  }

  /** {@code Weibull(scale, concentration)}, NumPyro's argument order. */
  public static Weibull of(Tensor scale, Tensor concentration) {
    return new Weibull(scale, concentration);
  }

  @Override
  public Shape batchShape() {
    return batch;
  }

  @Override
  public Shape eventShape() {
    return Shape.SCALAR;
  }

  @Override
  public Constraint support() {
    return Constraints.positive();
  }

  @Override
  public Map<String, Tensor> params() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("scale", scale.broadcastTo(batch));
    m.put("concentration", concentration.broadcastTo(batch));
    return m;
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return of(p.get("scale"), p.get("concentration"));
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    return Samplers.exponential(key, extendedShape(sampleShape))
        .pow(concentration.reciprocal()).mul(scale);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor z = value.div(scale);
    return concentration.log().sub(scale.log())
        .add(concentration.sub(1.0).mul(z.log()))
        .sub(z.pow(concentration));
  }

  @Override
  public Tensor mean() {
    return scale.mul(concentration.reciprocal().add(1.0).logGamma().exp()).broadcastTo(batch);
  }

  @Override
  public Tensor variance() {
    Tensor g1 = concentration.reciprocal().add(1.0).logGamma().exp();
    Tensor g2 = concentration.reciprocal().mul(2.0).add(1.0).logGamma().exp();
    return scale.square().mul(g2.sub(g1.square())).broadcastTo(batch);
  }
}
