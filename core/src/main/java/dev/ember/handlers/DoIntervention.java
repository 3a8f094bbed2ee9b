// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * A causal intervention ({@code do}): downstream code sees the given value, while the site itself
 * is still drawn and recorded under its own name; the intervened value is kept, hidden, as
 * {@code name + "__CF"}.
 *
 * <p>Inside a scan body the intervention must be placed inside the body: from outside, the body's
 * sites have already run when the scan reports them, so an outer {@code do} naming one throws
 * instead of pretending.
 *
 * <pre>{@code
 * Model<Tensor> intervened = Handlers.doIntervention(model, Map.of("treatment", Tensor.scalar(1)));
 * }</pre>
 */
public final class DoIntervention extends Messenger {
  private static final String APPLIED = "doApplied";
  private final Map<String, Tensor> data;

  DoIntervention(Map<String, Tensor> data) {
    this.data = data;
  }

  @Override
  protected void process(Message msg) {
    if (msg.type() != SiteType.SAMPLE || !data.containsKey(msg.name())
        || msg.infer().containsKey(APPLIED)) {
      return;
    }
    if (msg.isControlFlowDone()) {
      throw new UnsupportedOperationException(
          "doIntervention: site '" + msg.name() + "' is inside a scan body, which ran before the "
              + "intervention could act; put Handlers.doIntervention inside the body");
    }
    msg.infer().put(APPLIED, Boolean.TRUE);
    Message original = msg.copy();
    HandlerStack.applyOutside(this, original); // the site, drawn and recorded as usual
    msg.setName(msg.name() + "__CF");
    msg.setValue(data.get(original.name()));
    msg.setObserved(true);
    msg.stop();
  }
}
