// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * Gives the latent sample sites of a model the values that a guide's trace recorded under the
 * same names, and plates the guide's indices; observed sites are left alone.
 *
 * <p>Inside a {@code scan} body it acts at each step, at the point of sampling: a guide site
 * stacked over the scan's T steps (recorded with its explicit time axis, by a scan or by {@code
 * sampleOverTime}) gives step {@code t} its slice {@code t}, so the draws that flow into the carry
 * and the outputs are the guide's, not fresh prior draws (the bug this project began with).
 *
 * <p>A guide site sampled once outside any scan, as NumPyro users write it, has no time axis on
 * record. It is sliced the same way when its shape is exactly {@code [T]} + the body site's
 * per-step shape, the one case where NumPyro's rule (slice when the leading dimension is T) cannot
 * mean anything else. Any other shape is refused with an error that names the site, both shapes
 * and {@code sampleOverTime}: used whole at every step it would give each step all T values.
 *
 * <pre>{@code
 * Trace guideTrace = Handlers.trace(Handlers.seed(guide, key)).getTrace(data);
 * Trace modelTrace = Handlers.trace(Handlers.replay(model, guideTrace)).getTrace(data);
 * }</pre>
 */
public final class Replay extends Messenger {
  private final Map<String, Site> guide;
  private final int position;
  private final int length;

  Replay(Map<String, Site> guide) {
    this(guide, -1, 0);
  }

  private Replay(Map<String, Site> guide, int position, int length) {
    this.guide = guide;
    this.position = position;
    this.length = length;
  }

  @Override
  protected void process(Message msg) {
    if (msg.type() == SiteType.CONTROL_FLOW) {
      if (position >= 0) {
        throw new UnsupportedOperationException(
            "replay into a scan nested in a scan is not supported; unroll the outer loop "
                + "or merge the two scans");
      }
      msg.bodyHandlers().add((p, n) -> new Replay(guide, p, n));
      return;
    }
    if (msg.name() == null || !guide.containsKey(msg.name())) {
      return;
    }
    Site g = guide.get(msg.name());
    if (msg.type() == SiteType.PLATE) {
      msg.setValue(g.value());
      return;
    }
    if (msg.type() != SiteType.SAMPLE || msg.isObserved()) {
      return;
    }
    if (g.type() != SiteType.SAMPLE || g.observed()) {
      throw new IllegalArgumentException(
          "replay: site '" + msg.name() + "' is latent in the model but "
              + (g.type() != SiteType.SAMPLE ? "a " + g.type() + " site" : "observed")
              + " in the guide; the guide must sample it");
    }
    msg.setValue(slice(g, msg));
    msg.infer().putAll(g.infer());
  }

  private Tensor slice(Site g, Message msg) {
    if (position < 0) {
      return g.value();
    }
    if (g.timeSteps() == 0) {
      return sliceOfPlainSample(g, msg);
    }
    if (g.timeSteps() != length) {
      throw new IllegalArgumentException(
          "replay: guide site '" + msg.name() + "' is stacked over " + g.timeSteps()
              + " steps but the model's scan has " + length);
    }
    return g.value().select(0, position);
  }

  /** Step {@code position}'s slice of a guide value recorded without a time axis. */
  private Tensor sliceOfPlainSample(Site g, Message msg) {
    Shape step = msg.fn().batchShape().concat(msg.fn().eventShape());
    Shape series = step.prepend(length);
    if (!g.value().shape().equals(series)) {
      throw new IllegalArgumentException(
          "replay: the guide samples '" + msg.name() + "' outside any scan with shape "
              + g.value().shape() + ", but the model samples it inside a scan of " + length
              + " steps, each of shape " + step + "; a guide value for all steps must have shape "
              + series + " ([T] + the per-step shape), or sample it with sampleOverTime(\""
              + msg.name() + "\", fn) (fn with batch shape [T, ...]) or inside a scan of the same "
              + "length");
    }
    return g.value().select(0, position); // the shape says axis 0 is time
  }
}
