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
 * The Weibull distribution with {@code scale} and shape {@code concentration}; reparameterized by
 * inversion, {@code scale (-log u)^(1 / concentration)}.
 *
 * <pre>{@code
 * Weibull.of(Tensor.scalar(2.0), Tensor.scalar(1.0)).mean(); // 2.0 (an exponential of mean 2)
 * }</pre>
 */
public final class Weibull extends ScalarFamily {
  private static final long serialVersionUID = 1L;
  private static final String[] NAMES = {"scale", "concentration"};

  private Weibull(Tensor scale, Tensor concentration) {
    super("Weibull", NAMES, ParamChecks.positive("Weibull", "scale", scale),
        ParamChecks.positive("Weibull", "concentration", concentration));
  }

  @Override
  Distribution create(Tensor... p) {
    return new Weibull(p[0], p[1]);
  }

  /** {@code Weibull(scale, concentration)}, NumPyro's argument order. */
  public static Weibull of(Tensor scale, Tensor concentration) {
    return new Weibull(scale, concentration);
  }

  @Override
  public Constraint support() {
    return Constraints.positive();
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    return Samplers.exponential(key, extendedShape(sampleShape))
        .pow(param(1).reciprocal()).mul(param(0));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor k = param(1);
    Tensor z = value.div(param(0));
    return k.log().sub(param(0).log()).add(k.sub(1.0).mul(z.log())).sub(z.pow(k));
  }

  @Override
  public Tensor mean() {
    return batched(param(0).mul(param(1).reciprocal().add(1.0).logGamma().exp()));
  }

  @Override
  public Tensor variance() {
    Tensor g1 = param(1).reciprocal().add(1.0).logGamma().exp();
    Tensor g2 = param(1).reciprocal().mul(2.0).add(1.0).logGamma().exp();
    return batched(param(0).square().mul(g2.sub(g1.square())));
  }
}
