// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A probability distribution over tensors: the {@code fn} of a {@code sample} site.
 *
 * <p>Shapes follow NumPyro. A draw with {@code sample(key, sampleShape)} has shape {@code
 * sampleShape + batchShape + eventShape}; {@code logProb(value)} has shape {@code sampleShape +
 * batchShape} (the event dimensions are summed). Batch dimensions are independent copies; event
 * dimensions belong to one draw (a vector of a multivariate normal).
 *
 * <pre>{@code
 * Distribution d = Normal.of(Tensor.of(0.0, 1.0), Tensor.scalar(2.0)); // batch [2]
 * Tensor x = d.sample(RngKey.of(0), Shape.of(5));                      // [5, 2]
 * Tensor lp = d.logProb(x);                                            // [5, 2]
 * Distribution joint = d.toEvent(1);                                   // batch [], event [2]
 * }</pre>
 *
 * <p>Parameters are validated when a distribution is built ({@code Normal.of(0, -1)} throws,
 * naming the distribution, the parameter and the value). {@link #logProb} is {@code -inf} outside
 * the support, computed without NaN gradients (out-of-support values are replaced by a feasible
 * point before scoring); {@link #validateSample} throws instead, for callers that treat such a
 * value as an error. Parameters are exposed by name ({@link #params()}) and a distribution of the
 * same family can be rebuilt from new parameter tensors ({@link #withParams}), which is how per-step
 * distributions inside a {@code scan} are stacked along time.
 */
public abstract class Distribution implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The shape of independent copies. */
  public abstract Shape batchShape();

  /** The shape of one draw. */
  public abstract Shape eventShape();

  /** The set the values live in. */
  public abstract Constraint support();

  /**
   * The named parameter tensors, broadcast to {@code batchShape} (plus each parameter's own event
   * dimensions), in constructor order.
   */
  public abstract Map<String, Tensor> params();

  /**
   * The parameters as given, before broadcasting to the batch shape (by default {@link
   * #params()}). Stacking along time keeps a parameter that every step shares (the same tensor)
   * unstacked, so a constant scale is not copied and its logarithm taken T times.
   */
  public Map<String, Tensor> rawParams() {
    return params();
  }

  /** A distribution of the same family with new parameters (same names as {@link #params()}). */
  public abstract Distribution withParams(Map<String, Tensor> params);

  /**
   * {@link #withParams} for parameters made only of elements that distributions of this family
   * accepted: broadcasts, slices and stacks of their parameters, as {@link #expand} and a scan's
   * per-step parameters stacked over time are. Shapes are checked; a family whose element checks
   * hold element by element (the location-scale families) does not run them again, the others
   * check as {@link #withParams} does.
   */
  public Distribution withAcceptedParams(Map<String, Tensor> params) {
    return withParams(params);
  }

  /** The log density (or mass) of values inside the support; see {@link #logProb}. */
  protected abstract Tensor logDensity(Tensor value);

  /** Draws without gradient: {@code sampleShape + batchShape + eventShape}. */
  public Tensor sample(RngKey key, Shape sampleShape) {
    return rsample(key, sampleShape).detach();
  }

  /** Whether {@link #rsample} exists: draws that are differentiable in the parameters. */
  public boolean hasRsample() {
    return false;
  }

  /**
   * Reparameterized draws: gradients flow from the draw to the parameters.
   *
   * @throws UnsupportedOperationException for families without a reparameterization
   */
  public Tensor rsample(RngKey key, Shape sampleShape) {
    throw new UnsupportedOperationException(
        name() + " has no reparameterized sampler (hasRsample() is false); use sample(), and a "
            + "score-function gradient estimator if it is a latent site of a guide");
  }

  /**
   * A reparameterized draw together with what the distribution computed on the way to it, for
   * scoring that draw again without recomputing it ({@link #logProbSum(Tensor, List)}): NumPyro's
   * {@code sample_with_intermediates}. By default there are no intermediates.
   *
   * <pre>{@code
   * Normal q = Normal.of(loc, scale);
   * Distribution.Draw d = q.rsampleWithIntermediates(key, Shape.SCALAR); // value, [noise]
   * Tensor logQ = q.logProbSum(d.value(), d.intermediates());          // from the noise
   * }</pre>
   *
   * @throws UnsupportedOperationException for families without a reparameterization
   */
  public Draw rsampleWithIntermediates(RngKey key, Shape sampleShape) {
    return new Draw(rsample(key, sampleShape), List.of());
  }

  /**
   * A draw and its intermediates ({@link #rsampleWithIntermediates}).
   *
   * @param value the draw, {@code sampleShape + batchShape + eventShape}
   * @param intermediates what the family computed on the way (Normal: its standard noise); empty
   *     for most families
   */
  public record Draw(Tensor value, List<Tensor> intermediates) {
    /** Copies the list. */
    public Draw {
      java.util.Objects.requireNonNull(value, "value");
      intermediates = List.copyOf(intermediates);
    }
  }

  /**
   * {@link #logProbSum(Tensor)} of a draw this distribution made, given the intermediates that
   * {@link #rsampleWithIntermediates} returned with it: NumPyro's {@code log_prob(value,
   * intermediates)}. The value is the same; a family may compute it from the intermediates
   * (Normal from its noise, as {@code sum(-noise^2 / 2 - log scale) - n log(2 pi) / 2}). That is
   * the same function of the parameters, so derivatives with respect to the parameters and
   * everything they depend on are unchanged; but the value is then not an input, so it gets no
   * gradient of its own from this term. Asking for the density of a value without its
   * intermediates ({@link #logProbSum(Tensor)}) always gives the full gradient, whatever tensor
   * the value is. With no intermediates this is {@link #logProbSum(Tensor)}.
   *
   * @throws IllegalArgumentException if the intermediates do not fit the value
   */
  public Tensor logProbSum(Tensor value, List<Tensor> intermediates) {
    return logProbSum(value);
  }

  /**
   * The sum of {@code log p(value)} over the elements where a boolean {@code mask} (broadcasting
   * with {@code sampleShape + batchShape}) is true: what a {@link Masked} distribution sums. With
   * the intermediates of a draw this distribution made ({@link #rsampleWithIntermediates}), as
   * {@link #logProbSum(Tensor, List)}: a family may read them, and then the value gets no gradient
   * of its own from this term. Masked-out values may be anything (padding, NaN): they are
   * neither scored nor given a gradient. By default each masked-out value is replaced by a point
   * of the support, the terms computed ({@link #logProb}) and the masked-out ones set to 0, any
   * intermediates unread; a family may read only the elements the mask keeps (Normal, in one
   * pass, from its noise when it has it).
   *
   * @throws IllegalArgumentException if the value's shape does not fit, or the intermediates do
   *     not fit the value
   */
  protected Tensor maskedLogProbSum(Tensor value, List<Tensor> intermediates, Tensor mask) {
    return Masked.logProbOf(this, value, mask).sum();
  }

  /**
   * {@code log p(value)}, of shape {@code sampleShape + batchShape}; {@code -inf} outside the
   * support.
   *
   * @throws IllegalArgumentException if {@code value}'s shape does not end with a shape that
   *     broadcasts with {@code batchShape + eventShape}
   */
  public Tensor logProb(Tensor value) {
    requireEventShape(value);
    Constraint support = support();
    if (support == Constraints.real() || support == Constraints.realVector()) {
      return logDensity(value);
    }
    Tensor ok = support.check(value); // [sample + batch]
    if (ok.all()) {
      return logDensity(value);
    }
    Tensor okValue = ok;
    for (int i = 0; i < support.eventDim(); i++) {
      okValue = okValue.unsqueeze(-1);
    }
    Tensor safe = Tensor.where(okValue, value, support.feasibleLike(value));
    return Tensor.where(ok, logDensity(safe), Tensor.scalar(Double.NEGATIVE_INFINITY));
  }

  /**
   * {@code logProb(value).sum()}: the scalar a site adds to a log joint. A family may compute it
   * without building the elementwise log-density (Normal does, in one pass).
   */
  public Tensor logProbSum(Tensor value) {
    return logProb(value).sum();
  }

  /**
   * Throws if any value lies outside the support, naming the distribution, the first offending
   * position and its value.
   */
  public void validateSample(Tensor value) {
    requireEventShape(value);
    if (support() == Constraints.real() || support() == Constraints.realVector()) {
      if (value.allFinite()) {
        return;
      }
      int bad = value.firstViolation(v -> !Double.isNaN(v));
      if (bad >= 0) { // infinities are in the closure of the reals and score -inf; NaN is not
        throw new IllegalArgumentException(
            name() + ": value NaN at position " + bad + " of a value of shape " + value.shape()
                + " is outside the support " + support() + " (mask missing values instead)");
      }
      return;
    }
    Tensor ok = support().check(value);
    if (ok.all()) {
      return;
    }
    double[] flags = ok.toArray();
    int first = 0;
    while (flags[first] != 0.0) {
      first++;
    }
    int eventSize = Math.max(1, value.size() / Math.max(1, flags.length));
    double bad = value.toArray()[first * eventSize];
    throw new IllegalArgumentException(
        name() + ": value " + bad + " at position " + first + " of a value of shape "
            + value.shape() + " is outside the support " + support());
  }

  /** The mean, shape {@code batchShape + eventShape}. */
  public Tensor mean() {
    throw new UnsupportedOperationException(name() + " has no closed-form mean");
  }

  /** The variance, shape {@code batchShape + eventShape}. */
  public Tensor variance() {
    throw new UnsupportedOperationException(name() + " has no closed-form variance");
  }

  /** The entropy, shape {@code batchShape}. */
  public Tensor entropy() {
    throw new UnsupportedOperationException(name() + " has no closed-form entropy");
  }

  /**
   * This distribution with its batch shape broadcast to {@code batchShape}, by broadcasting its
   * parameters (each keeps its own event dimensions): the independent copies are exact copies of
   * the family, so there is no separate expanded wrapper.
   *
   * @throws IllegalArgumentException if the batch shape does not broadcast to {@code batchShape}
   */
  public Distribution expand(Shape batchShape) {
    Shape batch = batchShape();
    if (batchShape.equals(batch)) {
      return this;
    }
    if (!batch.broadcastsTo(batchShape)) {
      throw new IllegalArgumentException(
          name() + ": cannot expand batch shape " + batch + " to " + batchShape);
    }
    Map<String, Tensor> expanded = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : params().entrySet()) {
      Tensor p = e.getValue();
      Shape paramEvent = p.shape().dropLeft(batch.rank());
      expanded.put(e.getKey(), p.broadcastTo(batchShape.concat(paramEvent)));
    }
    return withAcceptedParams(expanded); // broadcast views of this distribution's parameters
  }

  /** Reinterprets the {@code n} rightmost batch dimensions as event dimensions. */
  public Distribution toEvent(int n) {
    return n == 0 ? this : new Independent(this, n);
  }

  /** Zeroes {@code logProb} where {@code mask} (boolean, broadcast to the batch shape) is false. */
  public Distribution mask(Tensor mask) {
    return new Masked(this, mask);
  }

  /** The family's name, used in messages. */
  public String name() {
    return getClass().getSimpleName();
  }

  /** {@code sampleShape + batchShape + eventShape}. */
  protected Shape extendedShape(Shape sampleShape) {
    return sampleShape.concat(batchShape()).concat(eventShape());
  }

  final void requireEventShape(Tensor value) {
    Shape event = eventShape();
    Shape full = batchShape().concat(event);
    Shape tail = value.rank() >= full.rank() ? value.shape().suffix(full.rank()) : value.shape();
    boolean ok = value.shape().endsWith(event);
    try {
      Shape.broadcast(tail, full, "logProb");
    } catch (IllegalArgumentException e) {
      ok = false;
    }
    if (!ok) {
      throw new IllegalArgumentException(
          name() + ": a value of shape " + value.shape() + " does not match batch shape "
              + batchShape() + " and event shape " + event
              + " (expected sampleShape + batchShape + eventShape)");
    }
  }

  @Override
  public String toString() {
    return name() + "(batch " + batchShape() + ", event " + eventShape() + ")";
  }
}
