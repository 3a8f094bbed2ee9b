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
 * A Gaussian random walk of {@code numSteps} steps as one event: {@code x_0 ~ N(0, scale)},
 * {@code x_t ~ N(x_{t-1}, scale)}; the vectorized alternative to a {@code scan}. Reparameterized
 * as a cumulative sum of scaled normal increments.
 *
 * <pre>{@code
 * GaussianRandomWalk w = GaussianRandomWalk.of(Tensor.scalar(1.0), 4);
 * w.variance(); // [1, 2, 3, 4]
 * }</pre>
 */
public final class GaussianRandomWalk extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor scale;
  private final int numSteps;

  private GaussianRandomWalk(Tensor scale, int numSteps) {
    ParamChecks.positive("GaussianRandomWalk", "scale", scale);
    if (numSteps < 1) {
      throw new IllegalArgumentException(
          "GaussianRandomWalk: numSteps must be >= 1, got " + numSteps);
    }
    this.scale = scale;
    this.numSteps = numSteps;
  }

  /** A walk of {@code numSteps} steps with increments of the given scale. */
  public static GaussianRandomWalk of(Tensor scale, int numSteps) {
    return new GaussianRandomWalk(scale, numSteps);
  }

  @Override
  public Shape batchShape() {
    return scale.shape();
  }

  @Override
  public Shape eventShape() {
    return Shape.of(numSteps);
  }

  @Override
  public Constraint support() {
    return Constraints.realVector();
  }

  @Override
  public Map<String, Tensor> params() {
    return Map.of("scale", scale);
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return of(p.get("scale"), numSteps);
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    Tensor steps = Samplers.normal(key, extendedShape(sampleShape)); // [..., T]
    return steps.mul(scale.unsqueeze(-1)).cumsum(-1);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor first = value.slice(-1, 0, 1);
    Tensor increments = Tensor.concat(-1, first,
        value.slice(-1, 1, numSteps).sub(value.slice(-1, 0, numSteps - 1))); // [..., T]
    Tensor s = scale.unsqueeze(-1);
    return increments.div(s).square().mul(-0.5).sub(s.log()).sub(Normal.HALF_LOG_2PI).sum(-1);
  }

  @Override
  public Tensor mean() {
    return Tensor.zeros(batchShape().concat(eventShape()));
  }

  @Override
  public Tensor variance() {
    return scale.square().unsqueeze(-1).mul(Tensor.arange(1, numSteps + 1, 1));
  }
}
