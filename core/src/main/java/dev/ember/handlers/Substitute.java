// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import dev.ember.tensor.Tensor;
import java.util.Map;
import java.util.function.Function;

/**
 * Gives sites their values from a map or a function of the message; with {@code observe} (the
 * {@code condition} handler) the sites also become observed.
 *
 * <p>Inside a {@code scan} body it acts at each step, on sample sites: a value with the per-step
 * shape is used at every step; a value with one more leading axis of length T gives step {@code
 * t} its slice {@code t} (by position, also for reverse scans); a shorter leading axis gives the
 * first steps and lets later steps sample (forecasting); a longer one is an error naming the site
 * and both lengths. Under {@code condition} the steps given a value are observed and the later
 * ones latent: the stacked site records which ({@link Site#observedSteps()}).
 *
 * <pre>{@code
 * try (Substitute s = Handlers.substitute(Map.of("x", Tensor.scalar(0.5)))) {
 *   sample("x", Normal.standard()); // 0.5, still latent
 * }
 * }</pre>
 */
public final class Substitute extends Messenger {
  private final Function<Message, Tensor> values;
  private final boolean observe;

  Substitute(Function<Message, Tensor> values, boolean observe) {
    this.values = values;
    this.observe = observe;
  }

  static Function<Message, Tensor> fromMap(Map<String, Tensor> data) {
    return m -> m.name() == null ? null : data.get(m.name());
  }

  @Override
  protected void process(Message msg) {
    if (msg.isControlFlowDone()) {
      return;
    }
    switch (msg.type()) {
      case CONTROL_FLOW:
        msg.bodyHandlers().add((position, length) ->
            new Substitute(m -> perStep(m, position, length), observe));
        return;
      case SAMPLE:
        break;
      case PARAM:
      case DETERMINISTIC:
      case PLATE:
        if (observe) {
          return; // condition acts on sample sites only
        }
        break;
      default:
        return;
    }
    Tensor v = values.apply(msg);
    if (v != null) {
      msg.setValue(v);
      if (observe) {
        msg.setObserved(true);
      }
    }
  }

  /** The value for the sample site {@code m} at step {@code position} of {@code length}. */
  private Tensor perStep(Message m, int position, int length) {
    if (m.type() != SiteType.SAMPLE) {
      return null;
    }
    Tensor v = values.apply(m);
    if (v == null) {
      return null;
    }
    int stepRank = m.fn().batchShape().rank() + m.fn().eventShape().rank();
    if (v.rank() <= stepRank) {
      return v; // one value for every step
    }
    if (v.rank() == stepRank + 1) {
      int given = v.dim(0);
      if (given > length) {
        throw new IllegalArgumentException(
            "site '" + m.name() + "': the " + (observe ? "conditioned" : "substituted")
                + " value has " + given
                + " steps on its time axis but the scan has " + length + " steps");
      }
      return position < given ? v.select(0, position) : null; // past the data: sample
    }
    throw new IllegalArgumentException(
        "site '" + m.name() + "': a " + (observe ? "conditioned" : "substituted")
            + " value of shape " + v.shape() + " fits neither "
            + "one step (" + m.fn().batchShape().concat(m.fn().eventShape()) + ") nor a series "
            + "[T] + that shape");
  }
}
