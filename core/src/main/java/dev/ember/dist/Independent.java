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
 * Reinterprets the {@code n} rightmost batch dimensions of a base distribution as event
 * dimensions: {@code logProb} sums over them ({@code toEvent(n)}).
 *
 * <pre>{@code
 * Distribution d = Normal.of(Tensor.zeros(3), Tensor.ones(3)).toEvent(1); // event [3]
 * d.logProb(Tensor.zeros(3)).shape();                                     // []
 * }</pre>
 */
public final class Independent extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Distribution base;
  private final int n;

  /** The base with its {@code n} rightmost batch dimensions made event dimensions. */
  public Independent(Distribution base, int n) {
    if (n < 0 || n > base.batchShape().rank()) {
      throw new IllegalArgumentException(
          "Independent: cannot reinterpret " + n + " dimensions of " + base.name()
              + "'s batch shape " + base.batchShape());
    }
    this.base = base;
    this.n = n;
  }

  /** The wrapped distribution. */
  public Distribution base() {
    return base;
  }

  /** Number of reinterpreted dimensions. */
  public int reinterpreted() {
    return n;
  }

  @Override
  public String name() {
    return "Independent(" + base.name() + ", " + n + ")";
  }

  @Override
  public Shape batchShape() {
    Shape b = base.batchShape();
    return b.sub(0, b.rank() - n);
  }

  @Override
  public Shape eventShape() {
    Shape b = base.batchShape();
    return b.suffix(n).concat(base.eventShape());
  }

  @Override
  public Constraint support() {
    return Constraints.independent(base.support(), n);
  }

  @Override
  public Map<String, Tensor> params() {
    return base.params();
  }

  @Override
  public Distribution withParams(Map<String, Tensor> params) {
    return new Independent(base.withParams(params), n);
  }

  @Override
  public Distribution withAcceptedParams(Map<String, Tensor> params) {
    return new Independent(base.withAcceptedParams(params), n);
  }

  @Override
  public Distribution expand(Shape batchShape) {
    return new Independent(base.expand(batchShape.concat(base.batchShape().suffix(n))), n);
  }

  @Override
  public Tensor sample(RngKey key, Shape sampleShape) {
    return base.sample(key, sampleShape);
  }

  @Override
  public boolean hasRsample() {
    return base.hasRsample();
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    return base.rsample(key, sampleShape);
  }

  @Override
  public Tensor logProb(Tensor value) {
    return sumRightmost(base.logProb(value), n);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    return logProb(value);
  }

  static Tensor sumRightmost(Tensor t, int n) {
    Tensor r = t;
    for (int i = 0; i < n; i++) {
      r = r.sum(-1);
    }
    return r;
  }

  @Override
  public Tensor mean() {
    return base.mean();
  }

  @Override
  public Tensor variance() {
    return base.variance();
  }

  @Override
  public Tensor entropy() {
    return sumRightmost(base.entropy(), n);
  }
}
