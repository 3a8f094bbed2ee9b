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
 * The negative binomial distribution of counts (NumPyro's {@code NegativeBinomialProbs}): {@code
 * p(k) = Gamma(k + r) / (Gamma(r) k!) (1 - p)^r p^k} with {@code r = totalCount} (real, positive)
 * and {@code p = probs}; the Gamma–Poisson mixture with rate {@code (1 - p) / p}, which is how it
 * is sampled.
 *
 * <pre>{@code
 * NegativeBinomial.of(Tensor.scalar(2.0), Tensor.scalar(0.5)).mean(); // 2.0 = r p / (1 - p)
 * }</pre>
 */
public final class NegativeBinomial extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor totalCount;
  private final Tensor probs;
  private final Shape batch;

  private NegativeBinomial(Tensor totalCount, Tensor probs) {
    ParamChecks.positive("NegativeBinomial", "totalCount", totalCount);
    ParamChecks.unitInterval("NegativeBinomial", "probs", probs);
    ParamChecks.positive("NegativeBinomial", "1 - probs", probs.rsub(1.0));
    this.batch = ParamChecks.batchOf(
        "NegativeBinomial", new String[] {"totalCount", "probs"}, totalCount, probs);
    this.totalCount = totalCount;
    this.probs = probs;
  }

  /** {@code NegativeBinomial(totalCount, probs)} with {@code 0 <= probs < 1}. */
  public static NegativeBinomial of(Tensor totalCount, Tensor probs) {
    return new NegativeBinomial(totalCount, probs);
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
    RngKey[] k = key.split(2);
    Shape s = extendedShape(sampleShape);
    Tensor p = probs.detach();
    Tensor lambda = Samplers.gamma(k[0], totalCount.detach(), s).mul(p.div(p.rsub(1.0)));
    return Samplers.poisson(k[1], lambda, s);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor p = probs.clamp(Double.MIN_NORMAL, 1.0);
    Tensor success = Tensor.where(value.gt(0.0), value.mul(p.log()), Tensor.scalar(0.0));
    return value.add(totalCount).logGamma().sub(totalCount.logGamma())
        .sub(value.add(1.0).logGamma())
        .add(totalCount.mul(probs.neg().log1p()))
        .add(success);
  }

  @Override
  public Tensor mean() {
    return totalCount.mul(probs).div(probs.rsub(1.0)).broadcastTo(batch);
  }

  @Override
  public Tensor variance() {
    return totalCount.mul(probs).div(probs.rsub(1.0).square()).broadcastTo(batch);
  }
}
