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
public final class Uniform extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor low;
  private final Tensor high;
  private final Shape batch;

  private Uniform(Tensor low, Tensor high) {
    ParamChecks.finite("Uniform", "low", low);
    ParamChecks.finite("Uniform", "high", high);
    ParamChecks.positive("Uniform", "high - low", high.sub(low));
    this.batch = ParamChecks.batchOf("Uniform", new String[] {"low", "high"}, low, high);
    this.low = low;
    this.high = high;
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
  public Shape batchShape() {
    return batch;
  }

  @Override
  public Shape eventShape() {
    return Shape.SCALAR;
  }

  @Override
  public Constraint support() {
    if (low.size() == 1 && high.size() == 1) {
      return Constraints.interval(low.toArray()[0], high.toArray()[0]);
    }
    return Constraints.real();
  }

  @Override
  public Map<String, Tensor> params() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("low", low.broadcastTo(batch));
    m.put("high", high.broadcastTo(batch));
    return m;
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return of(p.get("low"), p.get("high"));
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    return Samplers.uniform(key, extendedShape(sampleShape)).mul(high.sub(low)).add(low);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor inside = value.ge(low.detach()).and(value.le(high.detach()));
    Tensor lp = high.sub(low).log().neg().broadcastTo(Shape.broadcast(value.shape(), batch, "logProb"));
    return Tensor.where(inside, lp, Tensor.scalar(Double.NEGATIVE_INFINITY));
  }

  @Override
  public Tensor mean() {
    return low.add(high).mul(0.5).broadcastTo(batch);
  }

  @Override
  public Tensor variance() {
    return high.sub(low).square().div(12.0).broadcastTo(batch);
  }

  @Override
  public Tensor entropy() {
    return high.sub(low).log().broadcastTo(batch);
  }
}
