// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.data.SequenceBatch;
import dev.ember.handlers.Model;
import java.io.Serializable;

/**
 * What evaluation and prediction over a {@code Dataset} take from a configured {@link SparkSvi}:
 * its model and guide (through the engine that pads rows into batches), the series plate, the
 * columns, the number of particles and whether invalid rows are skipped.
 *
 * <pre>{@code
 * ModelSetup s = sparkSvi.setup();
 * s.model();   // the model as fitted (no annealing)
 * }</pre>
 *
 * @param engine pads rows into batches; holds the model and the guide
 * @param seriesPlate the plate over series
 * @param columns the input columns
 * @param particles particles of the ELBO
 * @param skipInvalidRows whether invalid rows are skipped (and counted) instead of failing
 */
record ModelSetup(ShardEngine engine, String seriesPlate, DatasetReader.Columns columns,
    int particles, boolean skipInvalidRows) implements Serializable {

  /** The model. */
  Model<SequenceBatch> model() {
    return engine.svi().model();
  }

  /** The guide. */
  Model<SequenceBatch> guide() {
    return engine.svi().guide();
  }
}
