// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * The inverse-gamma distribution: {@code 1 / Y} for {@code Y ~ Gamma(concentration, rate)}, so
 * {@code rate} is the scale of the result; reparameterized through the gamma draw.
 *
 * <pre>{@code
 * InverseGamma.of(Tensor.scalar(3.0), Tensor.scalar(2.0)).mean(); // 1.0 = 2 / (3 - 1)
 * }</pre>
 */
public final class InverseGamma extends ScalarFamily {
  private static final long serialVersionUID = 1L;
  private static final String[] NAMES = {"concentration", "rate"};

  private InverseGamma(Tensor concentration, Tensor rate) {
    super("InverseGamma", NAMES, ParamChecks.positive("InverseGamma", "concentration", concentration),
        ParamChecks.positive("InverseGamma", "rate", rate));
  }

  @Override
  Distribution create(Tensor... p) {
    return new InverseGamma(p[0], p[1]);
  }

  /** {@code InverseGamma(concentration, rate)}. */
  public static InverseGamma of(Tensor concentration, Tensor rate) {
    return new InverseGamma(concentration, rate);
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
    return param(1).div(ImplicitGamma.rsample(key, param(0), extendedShape(sampleShape)));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor a = param(0);
    Tensor b = param(1);
    return a.mul(b.log()).sub(a.logGamma()).sub(a.add(1.0).mul(value.log())).sub(b.div(value));
  }

  /** {@code rate / (concentration - 1)} for concentration above 1, infinite otherwise. */
  @Override
  public Tensor mean() {
    Tensor a = param(0);
    return batched(Tensor.where(a.gt(1.0), param(1).div(a.sub(1.0)),
        Tensor.scalar(Double.POSITIVE_INFINITY)));
  }

  /** {@code rate^2 / ((a - 1)^2 (a - 2))} for concentration above 2, infinite otherwise. */
  @Override
  public Tensor variance() {
    Tensor a = param(0);
    Tensor a1 = a.sub(1.0);
    return batched(Tensor.where(a.gt(2.0), param(1).square().div(a1.square().mul(a.sub(2.0))),
        Tensor.scalar(Double.POSITIVE_INFINITY)));
  }
}
