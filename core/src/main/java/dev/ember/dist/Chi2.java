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
 * The chi-squared distribution with {@code df} degrees of freedom: {@code Gamma(df / 2, 1 / 2)}.
 *
 * <pre>{@code
 * Chi2.of(Tensor.scalar(3.0)).variance(); // 6.0
 * }</pre>
 */
public final class Chi2 extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor df;
  private final Gamma gamma;

  private Chi2(Tensor df) {
    ParamChecks.positive("Chi2", "df", df);
    this.df = df;
    this.gamma = Gamma.of(df.mul(0.5), Tensor.scalar(0.5));
  }

  /** Chi-squared with {@code df} degrees of freedom. */
  public static Chi2 of(Tensor df) {
    return new Chi2(df);
  }

  @Override
  public Shape batchShape() {
    return df.shape();
  }

  @Override
  public Shape eventShape() {
    return Shape.SCALAR;
  }

  @Override
  public Constraint support() {
    return Constraints.positive();
  }

  @Override
  public Map<String, Tensor> params() {
    return Map.of("df", df);
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return of(p.get("df"));
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    return gamma.rsample(key, sampleShape);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    return gamma.logDensity(value);
  }

  @Override
  public Tensor mean() {
    return df;
  }

  @Override
  public Tensor variance() {
    return df.mul(2.0);
  }

  @Override
  public Tensor entropy() {
    return gamma.entropy();
  }
}
