// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A distribution whose {@code logProb} is zero where a boolean mask is false; sampling is
 * unaffected ({@code d.mask(m)}).
 *
 * <p>Masked-out values are replaced by a point of the support before scoring (as NumPyro does),
 * so a padded value (even NaN) never puts a NaN into the gradient. Summed ({@link #logProbSum}),
 * a family may skip them instead ({@link Distribution#maskedLogProbSum}): a masked Normal sums
 * its density in one pass over the elements the mask keeps, and scores its own draw from its
 * noise ({@link #rsampleWithIntermediates}).
 *
 * <pre>{@code
 * Tensor observed = Tensor.ofBooleans(true, true, false);        // the last step is padding
 * Distribution d = Normal.of(Tensor.zeros(3), Tensor.ones(3)).mask(observed);
 * d.logProb(Tensor.of(0.0, 0.0, Double.NaN));                     // [-0.92, -0.92, 0]
 * }</pre>
 */
public final class Masked extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Distribution base;
  private final Tensor mask;
  private final Shape batch;

  /** The base distribution with the boolean {@code mask} (broadcast with its batch shape). */
  public Masked(Distribution base, Tensor mask) {
    if (!mask.isBool()) {
      throw new IllegalArgumentException(
          "mask: " + base.name() + " needs a boolean mask (a comparison or Tensor.ofBooleans), "
              + "but got dtype " + mask.dtype() + " of shape " + mask.shape());
    }
    this.batch = Shape.broadcast(base.batchShape(), mask.shape(), "mask of " + base.name());
    this.base = base.expand(batch);
    this.mask = mask;
  }

  /** The wrapped distribution. */
  public Distribution base() {
    return base;
  }

  /** The mask. */
  public Tensor maskTensor() {
    return mask;
  }

  @Override
  public String name() {
    return "Masked(" + base.name() + ")";
  }

  @Override
  public Shape batchShape() {
    return batch;
  }

  @Override
  public Shape eventShape() {
    return base.eventShape();
  }

  @Override
  public Constraint support() {
    return base.support();
  }

  @Override
  public Map<String, Tensor> params() {
    Map<String, Tensor> m = new LinkedHashMap<>(base.params());
    m.put("mask", mask.broadcastTo(batch));
    return m;
  }

  @Override
  public Map<String, Tensor> rawParams() {
    Map<String, Tensor> m = new LinkedHashMap<>(base.rawParams());
    m.put("mask", mask);
    return m;
  }

  @Override
  public Distribution withParams(Map<String, Tensor> params) {
    Map<String, Tensor> rest = new LinkedHashMap<>(params);
    Tensor m = rest.remove("mask");
    return new Masked(base.withParams(rest), m);
  }

  @Override
  public Distribution withAcceptedParams(Map<String, Tensor> params) {
    Map<String, Tensor> rest = new LinkedHashMap<>(params);
    Tensor m = rest.remove("mask");
    return new Masked(base.withAcceptedParams(rest), m);
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
    if (mask.all()) {
      // nothing masked out (sequences of one length have no padding): the selections below
      // would return the base's log-density unchanged, forward and backward
      return base.logProb(value);
    }
    return logProbOf(base, value, mask);
  }

  /**
   * {@code d}'s log-density where {@code mask} is true and 0 elsewhere, each masked-out value
   * replaced by a point of the support first (so that it puts no NaN into the gradient).
   */
  static Tensor logProbOf(Distribution d, Tensor value, Tensor mask) {
    Tensor m = mask;
    for (int i = 0; i < d.eventShape().rank(); i++) {
      m = m.unsqueeze(-1);
    }
    Tensor safe = Tensor.where(m, value, d.support().feasibleLike(value));
    return Tensor.where(mask, d.logProb(safe), Tensor.scalar(0.0));
  }

  /**
   * The base's terms summed over the elements the mask keeps ({@link
   * Distribution#maskedLogProbSum}): a Normal's in one pass, with no padded value read.
   */
  @Override
  public Tensor logProbSum(Tensor value) {
    return mask.all() ? base.logProbSum(value) : base.maskedLogProbSum(value, List.of(), mask);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    return logProb(value);
  }

  /** The base's draw and its intermediates: the mask does not change sampling. */
  @Override
  public Draw rsampleWithIntermediates(RngKey key, Shape sampleShape) {
    return base.rsampleWithIntermediates(key, sampleShape);
  }

  /**
   * The base's density at its own draw over the elements the mask keeps ({@link
   * Distribution#maskedLogProbSum}): a Normal's from its noise and the log of its scale, in one
   * pass, with no padded value read. With no intermediates, {@link #logProbSum(Tensor)}.
   */
  @Override
  public Tensor logProbSum(Tensor value, List<Tensor> intermediates) {
    if (intermediates.isEmpty()) {
      return logProbSum(value);
    }
    return mask.all() ? base.logProbSum(value, intermediates)
        : base.maskedLogProbSum(value, intermediates, mask);
  }

  /** A mask over this one: the base's sum over the elements both masks keep. */
  @Override
  protected Tensor maskedLogProbSum(Tensor value, List<Tensor> intermediates, Tensor outer) {
    return base.maskedLogProbSum(value, intermediates, mask.and(outer));
  }

  /** Validates only the values that are not masked out (padding may hold anything). */
  @Override
  public void validateSample(Tensor value) {
    if (mask.all()) { // nothing masked out: every value is checked, with no selection first
      base.validateSample(value);
      return;
    }
    Tensor m = mask;
    for (int i = 0; i < base.eventShape().rank(); i++) {
      m = m.unsqueeze(-1);
    }
    base.validateSample(Tensor.where(m, value, base.support().feasibleLike(value)));
  }

  @Override
  public Tensor mean() {
    return base.mean();
  }

  @Override
  public Tensor variance() {
    return base.variance();
  }
}
