// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

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
public final class NegativeBinomial extends ScalarFamily {
  private static final long serialVersionUID = 1L;
  private static final String[] NAMES = {"totalCount", "probs"};

  private NegativeBinomial(Tensor totalCount, Tensor probs) {
    super("NegativeBinomial", NAMES,
        ParamChecks.positive("NegativeBinomial", "totalCount", totalCount),
        ParamChecks.unitInterval("NegativeBinomial", "probs", probs));
    ParamChecks.positive("NegativeBinomial", "1 - probs", probs.rsub(1.0));
  }

  @Override
  Distribution create(Tensor... p) {
    return new NegativeBinomial(p[0], p[1]);
  }

  /** {@code NegativeBinomial(totalCount, probs)} with {@code 0 <= probs < 1}. */
  public static NegativeBinomial of(Tensor totalCount, Tensor probs) {
    return new NegativeBinomial(totalCount, probs);
  }

  @Override
  public Constraint support() {
    return Constraints.nonnegativeInteger();
  }

  @Override
  public Tensor sample(RngKey key, Shape sampleShape) {
    RngKey[] k = key.split(2);
    Shape s = extendedShape(sampleShape);
    Tensor p = param(1).detach();
    Tensor lambda = Samplers.gamma(k[0], param(0).detach(), s).mul(p.div(p.rsub(1.0)));
    return Samplers.poisson(k[1], lambda, s);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor r = param(0);
    Tensor probs = param(1);
    Tensor success = Tensor.where(value.gt(0.0),
        value.mul(probs.clamp(Double.MIN_NORMAL, 1.0).log()), Tensor.scalar(0.0));
    return value.add(r).logGamma().sub(r.logGamma()).sub(value.add(1.0).logGamma())
        .add(r.mul(probs.neg().log1p())).add(success);
  }

  @Override
  public Tensor mean() {
    return batched(param(0).mul(param(1)).div(param(1).rsub(1.0)));
  }

  @Override
  public Tensor variance() {
    return batched(param(0).mul(param(1)).div(param(1).rsub(1.0).square()));
  }
}
