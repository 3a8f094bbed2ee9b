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
 * The half-Cauchy distribution: {@code |X|} for {@code X ~ Cauchy(0, scale)}, a common prior for
 * scales; reparameterized by inversion, {@code scale tan(pi u / 2)}.
 *
 * <pre>{@code
 * HalfCauchy.of(Tensor.scalar(1.0)).logProb(Tensor.of(0.0)); // [log(2 / pi)]
 * }</pre>
 */
public final class HalfCauchy extends ScalarFamily {
  private static final long serialVersionUID = 1L;
  private static final String[] NAMES = {"scale"};

  private HalfCauchy(Tensor scale) {
    super("HalfCauchy", NAMES,
        ParamChecks.positive("HalfCauchy", "scale", scale));
  }

  @Override
  Distribution create(Tensor... p) {
    return new HalfCauchy(p[0]);
  }

  /** A half-Cauchy with the given scale. */
  public static HalfCauchy of(Tensor scale) {
    return new HalfCauchy(scale);
  }

  @Override
  public Constraint support() {
    return Constraints.nonnegative();
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    Tensor angle = Samplers.uniform(key, extendedShape(sampleShape)).mul(Math.PI / 2);
    return angle.sin().div(angle.cos()).mul(param(0));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor s = param(0);
    return value.div(s).square().log1p().neg().sub(s.log()).add(Math.log(2 / Math.PI));
  }

  @Override
  public Tensor mean() {
    return Tensor.full(Double.POSITIVE_INFINITY, batch);
  }

  @Override
  public Tensor variance() {
    return Tensor.full(Double.POSITIVE_INFINITY, batch);
  }

  @Override
  public Tensor entropy() {
    return param(0).log().add(Math.log(2 * Math.PI));
  }
}
