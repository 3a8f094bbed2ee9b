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
 * Student's t distribution with {@code df} degrees of freedom; reparameterized as {@code loc +
 * scale N / sqrt(G / (df / 2))} with {@code G ~ Gamma(df / 2, 1)} implicitly reparameterized.
 *
 * <pre>{@code
 * StudentT t = StudentT.of(Tensor.scalar(4.0), Tensor.scalar(0.0), Tensor.scalar(1.0));
 * t.variance(); // 2.0 = df / (df - 2)
 * }</pre>
 */
public final class StudentT extends ScalarFamily {
  private static final long serialVersionUID = 1L;
  private static final String[] NAMES = {"df", "loc", "scale"};

  private StudentT(Tensor df, Tensor loc, Tensor scale) {
    super("StudentT", NAMES,
        ParamChecks.positive("StudentT", "df", df),
        ParamChecks.finite("StudentT", "loc", loc),
        ParamChecks.positive("StudentT", "scale", scale));
  }

  @Override
  Distribution create(Tensor... p) {
    return new StudentT(p[0], p[1], p[2]);
  }

  /** {@code StudentT(df, loc, scale)}. */
  public static StudentT of(Tensor df, Tensor loc, Tensor scale) {
    return new StudentT(df, loc, scale);
  }

  @Override
  public Constraint support() {
    return Constraints.real();
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    RngKey[] k = key.split(2);
    Shape s = extendedShape(sampleShape);
    Tensor half = param(0).mul(0.5);
    Tensor g = ImplicitGamma.rsample(k[1], half, s);
    return Samplers.normal(k[0], s).div(g.div(half).sqrt()).mul(param(2)).add(param(1));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor df = param(0);
    Tensor z = value.sub(param(1)).div(param(2));
    Tensor half = df.mul(0.5);
    return half.add(0.5).logGamma().sub(half.logGamma()).sub(df.mul(Math.PI).log().mul(0.5))
        .sub(param(2).log()).sub(half.add(0.5).mul(z.square().div(df).log1p()));
  }

  /** {@code loc} where {@code df > 1}, NaN otherwise. */
  @Override
  public Tensor mean() {
    return batched(Tensor.where(param(0).gt(1.0), param(1), Tensor.scalar(Double.NaN)));
  }

  /** {@code scale^2 df / (df - 2)} for {@code df > 2}; infinite for {@code 1 < df <= 2}; NaN below. */
  @Override
  public Tensor variance() {
    Tensor df = param(0);
    Tensor finite = param(2).square().mul(df).div(df.sub(2.0));
    return batched(Tensor.where(df.gt(2.0), finite, Tensor.where(df.gt(1.0),
        Tensor.scalar(Double.POSITIVE_INFINITY), Tensor.scalar(Double.NaN))));
  }
}
