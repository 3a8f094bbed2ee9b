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
 * The normal distribution {@code N(loc, scale^2)}; reparameterized as {@code loc + scale * eps}.
 *
 * <pre>{@code
 * Normal d = Normal.of(Tensor.of(0.0, 5.0), Tensor.scalar(1.0)); // batch [2]
 * d.logProb(Tensor.of(0.0, 5.0));                                // [-0.9189, -0.9189]
 * }</pre>
 */
public final class Normal extends Distribution {
  private static final long serialVersionUID = 1L;
  static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  private final Tensor loc;
  private final Tensor scale;
  private final Shape batch;

  private Normal(Tensor loc, Tensor scale) {
    ParamChecks.finite("Normal", "loc", loc);
    ParamChecks.positive("Normal", "scale", scale);
    this.batch = ParamChecks.batchOf("Normal", new String[] {"loc", "scale"}, loc, scale);
    this.loc = loc;
    this.scale = scale;
  }

  /** {@code N(loc, scale^2)}; the parameters broadcast to the batch shape. */
  public static Normal of(Tensor loc, Tensor scale) {
    return new Normal(loc, scale);
  }

  /** A scalar normal. */
  public static Normal of(double loc, double scale) {
    return new Normal(Tensor.scalar(loc), Tensor.scalar(scale));
  }

  /** {@code N(0, 1)}. */
  public static Normal standard() {
    return of(0.0, 1.0);
  }

  /** The location. */
  public Tensor loc() {
    return loc;
  }

  /** The scale (standard deviation). */
  public Tensor scale() {
    return scale;
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
    return Constraints.real();
  }

  @Override
  public Map<String, Tensor> params() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("loc", loc.broadcastTo(batch));
    m.put("scale", scale.broadcastTo(batch));
    return m;
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return of(p.get("loc"), p.get("scale"));
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    Tensor eps = Samplers.normal(key, extendedShape(sampleShape));
    return eps.mul(scale).add(loc);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor z = value.sub(loc).div(scale);
    return z.square().mul(-0.5).sub(scale.log()).sub(HALF_LOG_2PI);
  }

  @Override
  public Tensor mean() {
    return loc.broadcastTo(batch);
  }

  @Override
  public Tensor variance() {
    return scale.square().broadcastTo(batch);
  }

  @Override
  public Tensor entropy() {
    return scale.log().add(0.5 + HALF_LOG_2PI).broadcastTo(batch);
  }
}
