// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * Gives the latent sample sites of a model the values that a guide's trace recorded under the
 * same names, and plates the guide's indices; observed sites are left alone.
 *
 * <p>Inside a {@code scan} body it acts at each step, at the point of sampling: a guide site
 * stacked over the scan's T steps (recorded with its explicit time axis) gives step {@code t} its
 * slice {@code t}, so the draws that flow into the carry and the outputs are the guide's, not
 * fresh prior draws (the bug this project began with). Sites not stacked are used whole.
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
    if (position < 0 || g.timeSteps() == 0) {
      return g.value();
    }
    if (g.timeSteps() != length) {
      throw new IllegalArgumentException(
          "replay: guide site '" + msg.name() + "' is stacked over " + g.timeSteps()
              + " steps but the model's scan has " + length);
    }
    return g.value().select(0, position);
  }
}
