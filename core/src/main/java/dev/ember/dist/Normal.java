// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.FusedDensities;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.List;

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

  private Normal(Tensor loc, Tensor scale, boolean checkElements) {
    super("Normal", loc, scale, checkElements);
  }

  /** {@code N(loc, scale^2)}; the parameters broadcast to the batch shape. */
  public static Normal of(Tensor loc, Tensor scale) {
    return new Normal(loc, scale, true);
  }

  /** A scalar normal. */
  public static Normal of(double loc, double scale) {
    return new Normal(Tensor.scalar(loc), Tensor.scalar(scale), true);
  }

  /** {@code N(0, 1)}. */
  public static Normal standard() {
    return of(0.0, 1.0);
  }

  /** One fused pass forward and one backward (the hot path of SVI). */
  @Override
  protected Tensor logDensity(Tensor value) {
    return FusedDensities.normal(value, loc, scale);
  }

  /** The draw {@code loc + scale * noise} with its standard noise as the one intermediate. */
  @Override
  public Draw rsampleWithIntermediates(RngKey key, Shape sampleShape) {
    Tensor noise = standardSample(key, extendedShape(sampleShape));
    return new Draw(noise.mulAdd(scale, loc), List.of(noise));
  }

  /** The support is the real line, so this is the fused density summed, in one pass. */
  @Override
  public Tensor logProbSum(Tensor value) {
    requireEventShape(value);
    return FusedDensities.normalSum(value, loc, scale);
  }

  /**
   * At a draw of this distribution with its noise as the intermediate ({@link
   * #rsampleWithIntermediates}): {@code sum(-noise^2 / 2 - log scale) - n log(2 pi) / 2}, read
   * from the noise ({@link FusedDensities#normalSumAtDraw}). Its gradient goes to the scale only:
   * for fixed noise the parts through the draw and through loc cancel, and neither is computed.
   * A scale that keeps its log ({@link Tensor#keptLog}: a positive parameter, the exponential of
   * its unconstrained value) gives {@code log scale} as it is, and the gradient goes to that log
   * ({@link FusedDensities#normalSumAtDrawOfLogScale}): the same function of the unconstrained
   * value, with no logarithm and no division per element.
   *
   * @throws IllegalArgumentException unless the intermediates are one tensor of the value's shape
   */
  @Override
  public Tensor logProbSum(Tensor value, List<Tensor> intermediates) {
    if (intermediates.isEmpty()) {
      return logProbSum(value);
    }
    Tensor noise = noiseOf(value, intermediates);
    Tensor s = scale.size() == 1 ? scale : scale.broadcastTo(value.shape()); // a view
    Tensor logScale = s.keptLog();
    return logScale != null ? FusedDensities.normalSumAtDrawOfLogScale(noise, logScale)
        : FusedDensities.normalSumAtDraw(noise, s);
  }

  /**
   * Over the elements where the mask is true, in one pass: of a draw with its noise ({@link
   * FusedDensities#normalSumAtDraw(Tensor, Tensor, Tensor, boolean)}, from the log the scale keeps
   * when it keeps one, as {@link #logProbSum(Tensor, List)}; nothing of the draw or loc is read),
   * or of any value ({@link FusedDensities#normalSum(Tensor, Tensor, Tensor, Tensor)}).
   *
   * @throws IllegalArgumentException unless the intermediates are none or one tensor of the
   *     value's shape
   */
  @Override
  protected Tensor maskedLogProbSum(Tensor value, List<Tensor> intermediates, Tensor mask) {
    if (intermediates.isEmpty()) {
      requireEventShape(value);
      return FusedDensities.normalSum(value, loc, scale, mask);
    }
    Tensor noise = noiseOf(value, intermediates);
    Shape shape = value.shape();
    Tensor m = mask.broadcastTo(shape); // itself, or a view
    Tensor s = scale.size() == 1 ? scale : scale.broadcastTo(shape);
    Tensor logScale = s.keptLog();
    return logScale != null ? FusedDensities.normalSumAtDraw(noise, logScale, m, true)
        : FusedDensities.normalSumAtDraw(noise, s, m, false);
  }

  /** The noise among a draw's intermediates, checked against the draw. */
  private Tensor noiseOf(Tensor value, List<Tensor> intermediates) {
    requireEventShape(value);
    if (intermediates.size() != 1 || !intermediates.get(0).shape().equals(value.shape())) {
      throw new IllegalArgumentException(
          "Normal.logProbSum: the intermediates of a draw of shape " + value.shape()
              + " are its standard noise, one tensor of that shape, but got "
              + intermediates.size() + " tensor(s)"
              + (intermediates.isEmpty() ? "" : " of shape " + intermediates.get(0).shape())
              + "; pass the intermediates that rsampleWithIntermediates returned with the value");
    }
    return intermediates.get(0);
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
  Normal create(Tensor loc, Tensor scale, boolean checkElements) {
    return new Normal(loc, scale, checkElements);
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
