// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

/**
 * A model run under a fresh {@link Trace}: {@code Handlers.trace(model).getTrace(data)}.
 *
 * @param <D> the model's data type
 */
public final class TracedModel<D> {
  private final Model<D> model;

  TracedModel(Model<D> model) {
    this.model = model;
  }

  /** Runs the model once and returns what it recorded. */
  public Trace getTrace(D data) {
    Trace tr = new Trace();
    HandlerStack.runWith(tr, () -> model.run(data));
    return tr;
  }
}
