// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * The normal distribution {@code N(loc, scale^2)}; reparameterized as {@code loc + scale * eps}.
 *
 * <pre>{@code
 * Normal d = Normal.of(Tensor.of(0.0, 5.0), Tensor.scalar(1.0)); // batch [2]
 * d.logProb(Tensor.of(0.0, 5.0));                                // [-0.9189, -0.9189]
 * }</pre>
 */
public final class Normal extends LocationScale {
  private static final long serialVersionUID = 1L;
  static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  private Normal(Tensor loc, Tensor scale) {
    super("Normal", loc, scale);
  }

  /** {@code N(loc, scale^2)}; the parameters broadcast to the batch shape. */
  public static Normal of(Tensor loc, Tensor scale) {
    return new Normal(loc, scale);
  }

  /** A scalar normal. */
  public static Normal of(double loc, double scale) {
    return new Normal(Tensor.scalar(loc), Tensor.scalar(scale));
  }

  /** {@code N(0, 1)}. */
  public static Normal standard() {
    return of(0.0, 1.0);
  }

  /** One fused pass forward and one per input backward (the hot path of SVI). */
  @Override
  protected Tensor logDensity(Tensor value) {
    return dev.ember.tensor.FusedDensities.normal(value, loc, scale);
  }

  /**
   * The latest reparameterized draw of this distribution and its standard noise, so that the
   * density at that draw can be read from the noise ({@link #logProbSum}). A new record per draw,
   * compared by identity, so concurrent draws from one instance only miss the shortcut.
   */
  private transient volatile Draw lastDraw;

  private record Draw(Tensor value, Tensor noise) {}

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    Tensor noise = standardSample(key, extendedShape(sampleShape));
    Tensor value = noise.mulAdd(scale, loc);
    lastDraw = new Draw(value, noise);
    return value;
  }

  /**
   * The support is the real line, so this is the fused density summed, in one pass. At this
   * distribution's own latest reparameterized draw (a guide scoring the value it sampled, as an
   * ELBO does) it is read from the draw's noise instead, {@code sum(-noise^2 / 2 - log scale) - n
   * log(2 pi) / 2}: the same function of loc and scale, so its derivatives with respect to them,
   * and to anything they depend on, are unchanged. The draw itself gets no gradient from this
   * term: its part of the total derivative cancels the part through loc, and neither is computed.
   */
  @Override
  public Tensor logProbSum(Tensor value) {
    requireEventShape(value);
    Draw d = lastDraw;
    if (d != null && d.value == value
        && (scale.size() == 1 || scale.shape().equals(value.shape()))) {
      return dev.ember.tensor.FusedDensities.normalSumAtDraw(d.noise, scale);
    }
    return dev.ember.tensor.FusedDensities.normalSum(value, loc, scale);
  }

  @Override
  Tensor standardLogDensity(Tensor z) {
    return z.square().mul(-0.5).sub(HALF_LOG_2PI);
  }

  @Override
  Tensor standardSample(RngKey key, Shape shape) {
    return Samplers.normal(key, shape);
  }

  @Override
  Normal create(Tensor loc, Tensor scale) {
    return of(loc, scale);
  }

  @Override
  public Tensor mean() {
    return loc.broadcastTo(batch);
  }

  @Override
  public Tensor variance() {
    return scale.square().broadcastTo(batch);
  }

  @Override
  public Tensor entropy() {
    return scale.log().add(0.5 + HALF_LOG_2PI).broadcastTo(batch);
  }
}
