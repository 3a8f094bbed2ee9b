// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.data.SequenceBatch;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.infer.TraceElbo;
import dev.ember.random.RngKey;

/**
 * {@link TraceElbo} whose sites inside the series plate draw with their row's own key ({@link
 * Handlers#seedRows}): a row's draws depend on the step key and its id only, not on the rows it
 * is batched with, so any partitioning of a minibatch gives the same values as one JVM.
 *
 * <pre>{@code
 * Svi<SequenceBatch> svi = Svi.of(model, guide, Adam.of(0.01), new RowKeyedTraceElbo(1, "series"));
 * }</pre>
 */
public final class RowKeyedTraceElbo extends TraceElbo {
  private static final long serialVersionUID = 1L;

  private final String seriesPlate;

  /** {@code numParticles} particles; local sites are those inside plate {@code seriesPlate}. */
  public RowKeyedTraceElbo(int numParticles, String seriesPlate) {
    super(numParticles);
    this.seriesPlate = java.util.Objects.requireNonNull(seriesPlate, "seriesPlate");
  }

  /** The name of the plate over series. */
  public String seriesPlate() {
    return seriesPlate;
  }

  @Override
  protected <D> Model<D> seeded(Model<D> model, D data, RngKey key) {
    if (!(data instanceof SequenceBatch batch)) {
      throw new IllegalArgumentException(
          "RowKeyedTraceElbo: the data must be a SequenceBatch, got "
              + (data == null ? "null" : data.getClass().getName()));
    }
    return Handlers.seedRows(model, key, seriesPlate, batch.ids());
  }
}
