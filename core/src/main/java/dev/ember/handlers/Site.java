// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import dev.ember.dist.Distribution;
import dev.ember.dist.constraints.Constraint;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * One recorded site of a {@link Trace}: what its message held after the handlers and the
 * default step.
 *
 * @param name the site name
 * @param type the primitive
 * @param fn the distribution (sample sites)
 * @param value the value
 * @param observed whether it was observed
 * @param scale the weight of its log-density
 * @param plates the enclosing plates, innermost last
 * @param infer free-form settings
 * @param constraint the constraint (param sites)
 * @param timeSteps the length of its leading time axis if it was stacked by scan, else 0
 * @param observedSteps for a scanned site that some steps observed and others sampled (then
 *     {@code observed} is true): which steps observed it, {@code [T]} booleans by position; null
 *     when every step agrees
 * @param intermediates what the distribution computed on the way to the value when the value is
 *     its own draw ({@link Distribution#rsampleWithIntermediates}), else empty
 */
public record Site(
    String name,
    SiteType type,
    Distribution fn,
    Tensor value,
    boolean observed,
    double scale,
    List<PlateFrame> plates,
    Map<String, Object> infer,
    Constraint constraint,
    int timeSteps,
    Tensor observedSteps,
    List<Tensor> intermediates) {

  static Site of(Message m) {
    return new Site(m.name(), m.type(), m.fn(), m.value(), m.isObserved(), m.scale(),
        m.plates().isEmpty() ? List.of() : List.copyOf(m.plates()),
        m.infer().isEmpty() ? Map.of() : Map.copyOf(m.infer()), m.constraint(), m.timeSteps(),
        m.observedSteps(), m.intermediates());
  }

  /** {@code fn.logProb(value)}, unscaled, shape {@code batchShape}. */
  public Tensor logProb() {
    if (type != SiteType.SAMPLE) {
      throw new IllegalStateException("site '" + name + "' is a " + type + ", not a sample site");
    }
    return fn.logProb(value);
  }

  /**
   * {@code scale * sum(logProb())}: this site's term of the log joint, computed from the draw's
   * intermediates when the value is the distribution's own draw ({@link
   * Distribution#logProbSum(Tensor, List)}).
   */
  public Tensor scaledLogProbSum() {
    if (type != SiteType.SAMPLE) {
      throw new IllegalStateException("site '" + name + "' is a " + type + ", not a sample site");
    }
    Tensor s = fn.logProbSum(value, intermediates);
    return scale == 1.0 ? s : s.mul(scale);
  }
}
