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
 * The categorical distribution over {@code 0 .. K-1}, from logits or probabilities {@code [...,
 * K]}; values are category indices stored as doubles.
 *
 * <pre>{@code
 * Categorical c = Categorical.ofProbs(Tensor.of(0.2, 0.3, 0.5));
 * c.logProb(Tensor.of(2.0)); // [log 0.5]
 * }</pre>
 */
public final class Categorical extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor logits; // normalized: logSumExp over the last axis is 0

  private Categorical(Tensor logits) {
    if (logits.rank() < 1) {
      throw new IllegalArgumentException(
          "Categorical: logits must have shape [..., K], got " + logits.shape());
    }
    ParamChecks.notNaN("Categorical", "logits", logits);
    this.logits = logits.sub(logits.logSumExp(-1, true));
  }

  /** From unnormalized log-probabilities {@code [..., K]} ({@code -inf} allowed). */
  public static Categorical ofLogits(Tensor logits) {
    return new Categorical(logits);
  }

  /** From non-negative probabilities {@code [..., K]} (normalized here). */
  public static Categorical ofProbs(Tensor probs) {
    double[] p = probs.toArray();
    for (int i = 0; i < p.length; i++) {
      if (!(p[i] >= 0) || Double.isInfinite(p[i])) {
        throw new IllegalArgumentException(
            "Categorical: probs must be non-negative and finite, but got " + p[i]
                + " at position " + i);
      }
    }
    return new Categorical(probs.log());
  }

  /** Normalized log-probabilities {@code [..., K]}. */
  public Tensor logits() {
    return logits;
  }

  /** The number of categories. */
  public int categories() {
    return logits.dim(-1);
  }

  @Override
  public Shape batchShape() {
    return logits.shape().sub(0, logits.rank() - 1);
  }

  @Override
  public Shape eventShape() {
    return Shape.SCALAR;
  }

  @Override
  public Constraint support() {
    return Constraints.integerInterval(0, categories() - 1);
  }

  @Override
  public Map<String, Tensor> params() {
    return Map.of("logits", logits);
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return ofLogits(p.get("logits"));
  }

  @Override
  public Tensor sample(RngKey key, Shape sampleShape) {
    return Samplers.categorical(key, logits.detach(), extendedShape(sampleShape));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor hit = value.unsqueeze(-1).eq(Tensor.arange(categories())); // [..., K]
    return Tensor.where(hit, logits, Tensor.scalar(0.0)).sum(-1);
  }

  @Override
  public Tensor mean() {
    return logits.exp().mul(Tensor.arange(categories())).sum(-1);
  }

  @Override
  public Tensor variance() {
    Tensor k = Tensor.arange(categories());
    Tensor p = logits.exp();
    Tensor m = p.mul(k).sum(-1);
    return p.mul(k.square()).sum(-1).sub(m.square());
  }

  @Override
  public Tensor entropy() {
    Tensor p = logits.exp();
    return Tensor.where(p.gt(0.0), p.mul(logits), Tensor.scalar(0.0)).sum(-1).neg();
  }
}
