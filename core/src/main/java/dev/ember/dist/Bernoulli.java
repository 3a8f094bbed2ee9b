// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * The Bernoulli distribution on {0, 1}, given by probabilities or by logits.
 *
 * <pre>{@code
 * Bernoulli.ofProbs(Tensor.scalar(0.3)).logProb(Tensor.of(1.0, 0.0)); // [log 0.3, log 0.7]
 * Bernoulli.ofLogits(Tensor.scalar(0.0)).mean();                       // 0.5
 * }</pre>
 */
public final class Bernoulli extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor probs;
  private final Tensor logits;

  private Bernoulli(Tensor probs, Tensor logits) {
    this.probs = probs;
    this.logits = logits;
  }

  /** Success probabilities in [0, 1]. */
  public static Bernoulli ofProbs(Tensor probs) {
    ParamChecks.unitInterval("Bernoulli", "probs", probs);
    return new Bernoulli(probs, null);
  }

  /** Log-odds of success. */
  public static Bernoulli ofLogits(Tensor logits) {
    ParamChecks.finite("Bernoulli", "logits", logits);
    return new Bernoulli(null, logits);
  }

  /** The success probabilities. */
  public Tensor probs() {
    return probs != null ? probs : logits.sigmoid();
  }

  @Override
  public Shape batchShape() {
    return probs != null ? probs.shape() : logits.shape();
  }

  @Override
  public Shape eventShape() {
    return Shape.SCALAR;
  }

  @Override
  public Constraint support() {
    return Constraints.booleanValues();
  }

  @Override
  public Map<String, Tensor> params() {
    return probs != null ? Map.of("probs", probs) : Map.of("logits", logits);
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return p.containsKey("probs") ? ofProbs(p.get("probs")) : ofLogits(p.get("logits"));
  }

  @Override
  public Tensor sample(RngKey key, Shape sampleShape) {
    return Samplers.bernoulli(key, probs().detach(), extendedShape(sampleShape));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    if (logits != null) {
      // x * logits - softplus(logits)
      return value.mul(logits).sub(logits.softplus());
    }
    // x log p + (1 - x) log(1 - p); the clamp keeps the branch not taken finite at p = 0 or 1,
    // where its gradient (multiplied by zero) would otherwise be NaN
    Tensor one = value.gt(0.5);
    Tensor logP = Tensor.where(probs.gt(0.0), probs.clamp(Double.MIN_NORMAL, 1).log(),
        Tensor.scalar(Double.NEGATIVE_INFINITY));
    Tensor log1mP = Tensor.where(probs.lt(1.0), probs.neg().log1p(),
        Tensor.scalar(Double.NEGATIVE_INFINITY));
    return Tensor.where(one, logP, log1mP);
  }

  @Override
  public Tensor mean() {
    return probs();
  }

  @Override
  public Tensor variance() {
    Tensor p = probs();
    return p.mul(p.rsub(1.0));
  }

  @Override
  public Tensor entropy() {
    Tensor p = probs();
    Tensor q = p.rsub(1.0);
    Tensor a = Tensor.where(p.gt(0.0), p.mul(p.clamp(Double.MIN_NORMAL, 1).log()), Tensor.scalar(0.0));
    Tensor b = Tensor.where(q.gt(0.0), q.mul(q.clamp(Double.MIN_NORMAL, 1).log()), Tensor.scalar(0.0));
    return a.add(b).neg();
  }
}
