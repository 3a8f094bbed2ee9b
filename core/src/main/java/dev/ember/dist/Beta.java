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
 * The beta distribution on {@code [0, 1]}; reparameterized as {@code X / (X + Y)} with implicitly
 * reparameterized {@code X ~ Gamma(a)}, {@code Y ~ Gamma(b)}.
 *
 * <pre>{@code
 * Beta.of(Tensor.scalar(2.0), Tensor.scalar(6.0)).mean(); // 0.25
 * }</pre>
 */
public final class Beta extends ScalarFamily {
  private static final long serialVersionUID = 1L;
  private static final String[] NAMES = {"concentration1", "concentration0"};

  private Beta(Tensor concentration1, Tensor concentration0) {
    super("Beta", NAMES,
        ParamChecks.positive("Beta", "concentration1", concentration1),
        ParamChecks.positive("Beta", "concentration0", concentration0));
  }

  @Override
  Distribution create(Tensor... p) {
    return new Beta(p[0], p[1]);
  }

  /** {@code Beta(concentration1, concentration0)}, NumPyro's argument names. */
  public static Beta of(Tensor concentration1, Tensor concentration0) {
    return new Beta(concentration1, concentration0);
  }

  /** A scalar beta. */
  public static Beta of(double concentration1, double concentration0) {
    return new Beta(Tensor.scalar(concentration1), Tensor.scalar(concentration0));
  }

  @Override
  public Constraint support() {
    return Constraints.unitInterval();
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    RngKey[] k = key.split(2);
    Shape s = extendedShape(sampleShape);
    Tensor x = ImplicitGamma.rsample(k[0], param(0), s);
    Tensor y = ImplicitGamma.rsample(k[1], param(1), s);
    return x.div(x.add(y));
  }

  /** {@code log B(a, b) = log Gamma(a) + log Gamma(b) - log Gamma(a + b)}. */
  static Tensor logBeta(Tensor a, Tensor b) {
    return a.logGamma().add(b.logGamma()).sub(a.add(b).logGamma());
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor a = param(0);
    Tensor b = param(1);
    return a.sub(1.0).mul(value.log()).add(b.sub(1.0).mul(value.neg().log1p())).sub(logBeta(a, b));
  }

  @Override
  public Tensor mean() {
    return batched(param(0).div(param(0).add(param(1))));
  }

  @Override
  public Tensor variance() {
    Tensor s = param(0).add(param(1));
    return batched(param(0).mul(param(1)).div(s.square().mul(s.add(1.0))));
  }

  @Override
  public Tensor entropy() {
    Tensor a = param(0);
    Tensor b = param(1);
    Tensor s = a.add(b);
    return batched(logBeta(a, b).sub(a.sub(1.0).mul(a.digamma())).sub(b.sub(1.0).mul(b.digamma()))
        .add(s.sub(2.0).mul(s.digamma())));
  }
}
