// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * The gamma distribution with shape {@code concentration} and {@code rate}, on {@code x > 0};
 * reparameterized through implicit differentiation of its sampler.
 *
 * <pre>{@code
 * Gamma g = Gamma.of(Tensor.scalar(2.0), Tensor.scalar(4.0));
 * g.mean(); // 0.5
 * }</pre>
 */
public final class Gamma extends ScalarFamily {
  private static final long serialVersionUID = 1L;
  private static final String[] NAMES = {"concentration", "rate"};

  private Gamma(Tensor concentration, Tensor rate) {
    super("Gamma", NAMES, ParamChecks.positive("Gamma", "concentration", concentration),
        ParamChecks.positive("Gamma", "rate", rate));
  }

  @Override
  Distribution create(Tensor... p) {
    return new Gamma(p[0], p[1]);
  }

  /** {@code Gamma(concentration, rate)}. */
  public static Gamma of(Tensor concentration, Tensor rate) {
    return new Gamma(concentration, rate);
  }

  /** A scalar gamma. */
  public static Gamma of(double concentration, double rate) {
    return new Gamma(Tensor.scalar(concentration), Tensor.scalar(rate));
  }

  /** The shape parameter. */
  public Tensor concentration() {
    return param(0);
  }

  /** The rate (inverse scale). */
  public Tensor rate() {
    return param(1);
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
    return ImplicitGamma.rsample(key, concentration(), extendedShape(sampleShape)).div(rate());
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor a = concentration();
    Tensor b = rate();
    // a log b + (a - 1) log x - b x - log Gamma(a)
    return a.mul(b.log()).add(a.sub(1.0).mul(value.log())).sub(b.mul(value)).sub(a.logGamma());
  }

  @Override
  public Tensor mean() {
    return batched(concentration().div(rate()));
  }

  @Override
  public Tensor variance() {
    return batched(concentration().div(rate().square()));
  }

  @Override
  public Tensor entropy() {
    Tensor a = concentration();
    // a - log b + log Gamma(a) + (1 - a) psi(a)
    return batched(a.sub(rate().log()).add(a.logGamma()).add(a.rsub(1.0).mul(a.digamma())));
  }
}
