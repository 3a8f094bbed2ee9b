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
 * The gamma distribution with shape {@code concentration} and {@code rate}, on {@code x > 0};
 * reparameterized through implicit differentiation of its sampler.
 *
 * <pre>{@code
 * Gamma g = Gamma.of(Tensor.scalar(2.0), Tensor.scalar(4.0));
 * g.mean(); // 0.5
 * }</pre>
 */
public final class Gamma extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor concentration;
  private final Tensor rate;
  private final Shape batch;

  private Gamma(Tensor concentration, Tensor rate) {
    ParamChecks.positive("Gamma", "concentration", concentration);
    ParamChecks.positive("Gamma", "rate", rate);
    this.batch =
        ParamChecks.batchOf("Gamma", new String[] {"concentration", "rate"}, concentration, rate);
    this.concentration = concentration;
    this.rate = rate;
  }

  /** {@code Gamma(concentration, rate)}. */
  public static Gamma of(Tensor concentration, Tensor rate) {
    return new Gamma(concentration, rate);
  }

  /** A scalar gamma. */
  public static Gamma of(double concentration, double rate) {
    return new Gamma(Tensor.scalar(concentration), Tensor.scalar(rate));
  }

  /** The shape parameter. */
  public Tensor concentration() {
    return concentration;
  }

  /** The rate (inverse scale). */
  public Tensor rate() {
    return rate;
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
    return ImplicitGamma.rsample(key, concentration, extendedShape(sampleShape)).div(rate);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    // a log b + (a - 1) log x - b x - log Gamma(a)
    return concentration
        .mul(rate.log())
        .add(concentration.sub(1.0).mul(value.log()))
        .sub(rate.mul(value))
        .sub(concentration.logGamma());
  }

  @Override
  public Tensor mean() {
    return concentration.div(rate).broadcastTo(batch);
  }

  @Override
  public Tensor variance() {
    return concentration.div(rate.square()).broadcastTo(batch);
  }

  @Override
  public Tensor entropy() {
    // a - log b + log Gamma(a) + (1 - a) psi(a)
    return concentration
        .sub(rate.log())
        .add(concentration.logGamma())
        .add(concentration.rsub(1.0).mul(concentration.digamma()))
        .broadcastTo(batch);
  }
}
