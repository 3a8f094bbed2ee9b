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
 * The binomial distribution of successes in {@code totalCount} trials with probability {@code
 * probs}.
 *
 * <pre>{@code
 * Binomial.of(Tensor.scalar(10.0), Tensor.scalar(0.3)).mean(); // 3.0
 * }</pre>
 */
public final class Binomial extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor totalCount;
  private final Tensor probs;
  private final Shape batch;

  private Binomial(Tensor totalCount, Tensor probs) {
    ParamChecks.nonnegativeInteger("Binomial", "totalCount", totalCount);
    ParamChecks.unitInterval("Binomial", "probs", probs);
    this.batch = ParamChecks.batchOf("Binomial", new String[] {"totalCount", "probs"}, totalCount, probs);
    this.totalCount = totalCount;
    this.probs = probs;
  }

  /** {@code Binomial(totalCount, probs)}. */
  public static Binomial of(Tensor totalCount, Tensor probs) {
    return new Binomial(totalCount, probs);
  }

  @Override
  public Shape batchShape() {
    return batch;
  }

  @Override
  public Shape eventShape() {
    return Shape.SCALAR;
  }

  /** Non-negative integers; counts above {@code totalCount} have log-probability {@code -inf}. */
  @Override
  public Constraint support() {
    return Constraints.nonnegativeInteger();
  }

  @Override
  public Map<String, Tensor> params() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("totalCount", totalCount.broadcastTo(batch));
    m.put("probs", probs.broadcastTo(batch));
    return m;
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return of(p.get("totalCount"), p.get("probs"));
  }

  @Override
  public Tensor sample(RngKey key, Shape sampleShape) {
    return Samplers.binomial(key, totalCount.detach(), probs.detach(), extendedShape(sampleShape));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor n = totalCount;
    Tensor fail = n.sub(value);
    Tensor logChoose = n.add(1.0).logGamma().sub(value.add(1.0).logGamma())
        .sub(fail.clamp(0, Double.MAX_VALUE).add(1.0).logGamma());
    // k log p + (n - k) log(1 - p) with 0 log 0 = 0 at p = 0 or 1
    Tensor p = probs.clamp(Double.MIN_NORMAL, 1 - 0x1.0p-53);
    Tensor lp = logChoose
        .add(Tensor.where(value.gt(0.0), value.mul(p.log()), Tensor.scalar(0.0)))
        .add(Tensor.where(fail.gt(0.0), fail.mul(p.neg().log1p()), Tensor.scalar(0.0)));
    Tensor impossible = value.gt(n.detach())
        .or(value.gt(0.0).and(probs.detach().eq(0.0)))
        .or(fail.gt(0.0).and(probs.detach().eq(1.0)));
    return Tensor.where(impossible, Tensor.scalar(Double.NEGATIVE_INFINITY), lp);
  }

  @Override
  public Tensor mean() {
    return totalCount.mul(probs).broadcastTo(batch);
  }

  @Override
  public Tensor variance() {
    return totalCount.mul(probs).mul(probs.rsub(1.0)).broadcastTo(batch);
  }
}
