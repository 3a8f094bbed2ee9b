// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * The Dirichlet distribution on the simplex of {@code K} categories, {@code concentration [...,
 * K]}; reparameterized as normalized, implicitly reparameterized gamma draws.
 *
 * <pre>{@code
 * Dirichlet.of(Tensor.of(1.0, 1.0, 2.0)).mean(); // [0.25, 0.25, 0.5]
 * }</pre>
 */
public final class Dirichlet extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor concentration;

  private Dirichlet(Tensor concentration) {
    if (concentration.rank() < 1 || concentration.dim(-1) < 2) {
      throw new IllegalArgumentException(
          "Dirichlet: concentration must be [..., K] with K >= 2, got " + concentration.shape());
    }
    ParamChecks.positive("Dirichlet", "concentration", concentration);
    this.concentration = concentration;
  }

  /** {@code Dirichlet(concentration)} with {@code concentration [..., K]}. */
  public static Dirichlet of(Tensor concentration) {
    return new Dirichlet(concentration);
  }

  /** The concentration {@code [..., K]}. */
  public Tensor concentration() {
    return concentration;
  }

  @Override
  public Shape batchShape() {
    return concentration.shape().sub(0, concentration.rank() - 1);
  }

  @Override
  public Shape eventShape() {
    return Shape.of(concentration.dim(-1));
  }

  @Override
  public Constraint support() {
    return Constraints.simplex();
  }

  @Override
  public Map<String, Tensor> params() {
    return Map.of("concentration", concentration);
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return of(p.get("concentration"));
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    Tensor g = ImplicitGamma.rsample(key, concentration, extendedShape(sampleShape));
    return g.div(g.sum(-1, true));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    return concentration.sub(1.0).mul(value.log()).sum(-1)
        .add(concentration.sum(-1).logGamma())
        .sub(concentration.logGamma().sum(-1));
  }

  @Override
  public Tensor mean() {
    return concentration.div(concentration.sum(-1, true));
  }

  @Override
  public Tensor variance() {
    Tensor a0 = concentration.sum(-1, true);
    return concentration.mul(a0.sub(concentration)).div(a0.square().mul(a0.add(1.0)));
  }
}
