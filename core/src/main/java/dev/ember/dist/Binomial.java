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
 * The binomial distribution of successes in {@code totalCount} trials with probability {@code
 * probs}.
 *
 * <pre>{@code
 * Binomial.of(Tensor.scalar(10.0), Tensor.scalar(0.3)).mean(); // 3.0
 * }</pre>
 */
public final class Binomial extends ScalarFamily {
  private static final long serialVersionUID = 1L;
  private static final String[] NAMES = {"totalCount", "probs"};

  private Binomial(Tensor totalCount, Tensor probs) {
    super("Binomial", NAMES,
        ParamChecks.nonnegativeInteger("Binomial", "totalCount", totalCount),
        ParamChecks.unitInterval("Binomial", "probs", probs));
  }

  @Override
  Distribution create(Tensor... p) {
    return new Binomial(p[0], p[1]);
  }

  /** {@code Binomial(totalCount, probs)}. */
  public static Binomial of(Tensor totalCount, Tensor probs) {
    return new Binomial(totalCount, probs);
  }

  /** Non-negative integers; counts above {@code totalCount} have log-probability {@code -inf}. */
  @Override
  public Constraint support() {
    return Constraints.nonnegativeInteger();
  }

  @Override
  public Tensor sample(RngKey key, Shape sampleShape) {
    return Samplers.binomial(key, param(0).detach(), param(1).detach(), extendedShape(sampleShape));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor n = param(0);
    Tensor probs = param(1);
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
    return batched(param(0).mul(param(1)));
  }

  @Override
  public Tensor variance() {
    return batched(param(0).mul(param(1)).mul(param(1).rsub(1.0)));
  }
}
