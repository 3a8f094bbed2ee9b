// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The inverse-gamma distribution: {@code 1 / Y} for {@code Y ~ Gamma(concentration, rate)}, so
 * {@code rate} is the scale of the result; reparameterized through the gamma draw.
 *
 * <pre>{@code
 * InverseGamma.of(Tensor.scalar(3.0), Tensor.scalar(2.0)).mean(); // 1.0 = 2 / (3 - 1)
 * }</pre>
 */
public final class InverseGamma extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor concentration;
  private final Tensor rate;
  private final Shape batch;

  private InverseGamma(Tensor concentration, Tensor rate) {
    ParamChecks.positive("InverseGamma", "concentration", concentration);
    ParamChecks.positive("InverseGamma", "rate", rate);
    this.batch = ParamChecks.batchOf(
        "InverseGamma", new String[] {"concentration", "rate"}, concentration, rate);
    this.concentration = concentration;
    this.rate = rate;
  }

  /** {@code InverseGamma(concentration, rate)}. */
  public static InverseGamma of(Tensor concentration, Tensor rate) {
    return new InverseGamma(concentration, rate);
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
    m.put("concentration", concentration.broadcastTo(batch));
    m.put("rate", rate.broadcastTo(batch));
    return m;
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return of(p.get("concentration"), p.get("rate"));
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    return rate.div(ImplicitGamma.rsample(key, concentration, extendedShape(sampleShape)));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    return concentration.mul(rate.log())
        .sub(concentration.logGamma())
        .sub(concentration.add(1.0).mul(value.log()))
        .sub(rate.div(value));
  }

  /** {@code rate / (concentration - 1)} for concentration above 1, infinite otherwise. */
  @Override
  public Tensor mean() {
    return Tensor.where(concentration.gt(1.0), rate.div(concentration.sub(1.0)),
        Tensor.scalar(Double.POSITIVE_INFINITY)).broadcastTo(batch);
  }

  /** {@code rate^2 / ((a - 1)^2 (a - 2))} for concentration above 2, infinite otherwise. */
  @Override
  public Tensor variance() {
    Tensor a1 = concentration.sub(1.0);
    return Tensor.where(concentration.gt(2.0),
        rate.square().div(a1.square().mul(concentration.sub(2.0))),
        Tensor.scalar(Double.POSITIVE_INFINITY)).broadcastTo(batch);
  }
}
