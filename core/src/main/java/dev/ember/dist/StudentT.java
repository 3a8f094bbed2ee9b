// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Student's t distribution with {@code df} degrees of freedom; reparameterized as {@code loc +
 * scale N / sqrt(G / (df / 2))} with {@code G ~ Gamma(df / 2, 1)} implicitly reparameterized.
 *
 * <pre>{@code
 * StudentT t = StudentT.of(Tensor.scalar(4.0), Tensor.scalar(0.0), Tensor.scalar(1.0));
 * t.variance(); // 2.0 = df / (df - 2)
 * }</pre>
 */
public final class StudentT extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor df;
  private final Tensor loc;
  private final Tensor scale;
  private final Shape batch;

  private StudentT(Tensor df, Tensor loc, Tensor scale) {
    ParamChecks.positive("StudentT", "df", df);
    ParamChecks.finite("StudentT", "loc", loc);
    ParamChecks.positive("StudentT", "scale", scale);
    this.batch = ParamChecks.batchOf("StudentT", new String[] {"df", "loc", "scale"}, df, loc, scale);
    this.df = df;
    this.loc = loc;
    this.scale = scale;
  }

  /** {@code StudentT(df, loc, scale)}. */
  public static StudentT of(Tensor df, Tensor loc, Tensor scale) {
    return new StudentT(df, loc, scale);
  }

  @Override
  public Shape batchShape() {
    return batch;
  }

  @Override
  public Shape eventShape() {
    return Shape.SCALAR;
  }

  @Override
  public Constraint support() {
    return Constraints.real();
  }

  @Override
  public Map<String, Tensor> params() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("df", df.broadcastTo(batch));
    m.put("loc", loc.broadcastTo(batch));
    m.put("scale", scale.broadcastTo(batch));
    return m;
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return of(p.get("df"), p.get("loc"), p.get("scale"));
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    RngKey[] k = key.split(2);
    Shape s = extendedShape(sampleShape);
    Tensor half = df.mul(0.5);
    Tensor g = ImplicitGamma.rsample(k[1], half, s);
    return Samplers.normal(k[0], s).div(g.div(half).sqrt()).mul(scale).add(loc);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor z = value.sub(loc).div(scale);
    Tensor half = df.mul(0.5);
    return half.add(0.5).logGamma()
        .sub(half.logGamma())
        .sub(df.mul(Math.PI).log().mul(0.5))
        .sub(scale.log())
        .sub(half.add(0.5).mul(z.square().div(df).log1p()));
  }

  /** {@code loc} where {@code df > 1}, NaN otherwise. */
  @Override
  public Tensor mean() {
    return Tensor.where(df.gt(1.0), loc, Tensor.scalar(Double.NaN)).broadcastTo(batch);
  }

  /** {@code scale^2 df / (df - 2)} for {@code df > 2}; infinite for {@code 1 < df <= 2}; NaN below. */
  @Override
  public Tensor variance() {
    Tensor finite = scale.square().mul(df).div(df.sub(2.0));
    Tensor v = Tensor.where(df.gt(2.0), finite,
        Tensor.where(df.gt(1.0), Tensor.scalar(Double.POSITIVE_INFINITY), Tensor.scalar(Double.NaN)));
    return v.broadcastTo(batch);
  }
}
