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
 * A point mass at {@code v} with log density {@code logDensity} there (and {@code -inf}
 * elsewhere); draws are {@code v} itself, differentiable in {@code v} (AutoDelta's guide).
 *
 * <pre>{@code
 * Delta d = Delta.of(Tensor.of(1.0, 2.0), 1); // one event of shape [2]
 * d.logProb(Tensor.of(1.0, 2.0));             // 0.0
 * }</pre>
 */
public final class Delta extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor v;
  private final Tensor logDensity;
  private final int eventDim;

  private Delta(Tensor v, Tensor logDensity, int eventDim) {
    if (eventDim < 0 || eventDim > v.rank()) {
      throw new IllegalArgumentException(
          "Delta: eventDim " + eventDim + " is out of range for a value of shape " + v.shape());
    }
    this.v = v;
    this.eventDim = eventDim;
    this.logDensity = logDensity.broadcastTo(v.shape().sub(0, v.rank() - eventDim));
  }

  /** A point mass at {@code v} whose {@code eventDim} rightmost dimensions form one event. */
  public static Delta of(Tensor v, int eventDim) {
    return new Delta(v, Tensor.scalar(0.0), eventDim);
  }

  /** A point mass with a log density (a Jacobian term, as NumPyro's autoguides use). */
  public static Delta of(Tensor v, Tensor logDensity, int eventDim) {
    return new Delta(v, logDensity, eventDim);
  }

  /** The point. */
  public Tensor value() {
    return v;
  }

  @Override
  public Shape batchShape() {
    return v.shape().sub(0, v.rank() - eventDim);
  }

  @Override
  public Shape eventShape() {
    return v.shape().suffix(eventDim);
  }

  @Override
  public Constraint support() {
    return Constraints.independent(Constraints.real(), eventDim);
  }

  @Override
  public Map<String, Tensor> params() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("v", v);
    m.put("logDensity", logDensity);
    return m;
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return new Delta(p.get("v"), p.get("logDensity"), eventDim);
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    return v.broadcastTo(extendedShape(sampleShape));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor same = value.eq(v.detach());
    Tensor hit = Independent.sumRightmost(same.toFloat(), eventDim).eq(eventShape().numel());
    return Tensor.where(hit, logDensity, Tensor.scalar(Double.NEGATIVE_INFINITY));
  }

  @Override
  public Tensor mean() {
    return v;
  }

  @Override
  public Tensor variance() {
    return Tensor.zerosLike(v);
  }

  @Override
  public Tensor entropy() {
    return Tensor.zerosLike(logDensity);
  }
}
