// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.data.SequenceBatch;
import dev.ember.dist.Distribution;
import dev.ember.handlers.Message;
import dev.ember.handlers.Messenger;
import dev.ember.handlers.Model;
import dev.ember.handlers.PlateFrame;
import dev.ember.handlers.SiteType;
import dev.ember.primitives.Primitives;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * Forecasting with a model and guide fitted on {@link SequenceBatch}es, unchanged: the model is
 * called with the batch extended by a horizon ({@link SequenceBatch#withHorizon}), the guide
 * with its {@link SequenceBatch#history()}, and {@link dev.ember.infer.Predictive} substitutes
 * the guide's latent series into the model's scan, so that the model's own transition draws the
 * steps past the data.
 *
 * <pre>{@code
 * SequenceBatch future = batch.withHorizon(12);
 * Map<String, Tensor> draws = Predictive.of(SequenceForecast.model(model, "series"),
 *         SequenceForecast.guide(guide), 500)
 *     .seeding((m, b, k) -> Handlers.seedRows(m, k, "series", b.ids()))
 *     .returnSites("y")
 *     .run(key, future, params);      // "y": [500, T + 12, B]; steps >= T are forecasts
 * }</pre>
 *
 * <p>How a model fitted on padded batches runs with the longer horizon, without being rewritten:
 *
 * <ol>
 *   <li>Its scan runs over {@code T + h} steps (it scans over {@code batch.values()}); the new
 *       steps have {@code observed} false, so a model that masks its sites with {@code observed}
 *       (as every model fitted on padded batches must) scores nothing there.
 *   <li>Its latent sites at those steps get no value from the guide (the guide saw T steps: its
 *       latent series are {@code [T, ...]}, and {@code substitute} lets the later steps sample),
 *       so they are drawn from the model's transition, each row with its own row key.
 *   <li>Its observation sites are observed at every step (the padded value 0 at the new steps).
 *       The handler {@link #model} installs draws them instead wherever {@code observed} is
 *       false: inside the scan body at the point of sampling, so a drawn observation flows into
 *       the carry (autoregressive models on the observations forecast correctly); and for an
 *       observation site outside the scan whose value has the batch's {@code [T + h, B]} shape.
 *       The site stays observed (its mask keeps it unscored); its value holds the draws.
 * </ol>
 *
 * <p>The draws of observations are keyed by row: with a key {@code K} taken from the model's
 * seed ({@code prngKey()}) when the model starts, an observation site of a scan step at position
 * {@code p} draws row {@code r} from a key split from {@code K'.foldIn(p)} ({@code K'} split from
 * {@code K} for that scan) folded with the row's id, so a row's forecast does not depend on the
 * rows batched with it. Run the model under {@code Handlers.seedRows} (as above) for its latent
 * draws to be keyed by row too.
 *
 * <p>Limitations: per-step covariates have no future values in a batch, so a model that reads
 * them cannot forecast; an observation site outside a scan is drawn only if its value has the
 * batch's {@code [T + h, B]} shape; a scan whose length is not the batch's number of steps is
 * left alone.
 */
public final class SequenceForecast {
  private SequenceForecast() {}

  /**
   * {@code model} drawing its observation sites in the plate {@code seriesPlate} wherever the
   * batch's {@code observed} is false. Run it under a seed handler.
   *
   * @param model the model, as fitted
   * @param seriesPlate the plate over series
   * @return the forecasting model
   */
  public static Model<SequenceBatch> model(Model<SequenceBatch> model, String seriesPlate) {
    java.util.Objects.requireNonNull(model, "model");
    java.util.Objects.requireNonNull(seriesPlate, "seriesPlate");
    return batch -> {
      RngKey key = Primitives.prngKey();
      if (key == null) {
        throw new IllegalStateException("SequenceForecast.model: no random key; run it under "
            + "Handlers.seed or Handlers.seedRows (Predictive does)");
      }
      new ObservationDraws(key, seriesPlate, batch).enter().run(() -> {
        model.run(batch);
        return null;
      });
    };
  }

  /**
   * {@code guide} called with the batch's {@link SequenceBatch#history()}: its latent series
   * cover the steps with data only.
   *
   * @param guide the guide, as fitted
   * @return the guide for forecasting batches
   */
  public static Model<SequenceBatch> guide(Model<SequenceBatch> guide) {
    java.util.Objects.requireNonNull(guide, "guide");
    return batch -> guide.run(batch.history());
  }

  /** Draws the observation sites of the series plate where the batch is not observed. */
  private static final class ObservationDraws extends Messenger {
    private final String plate;
    private final SequenceBatch batch;
    private RngKey key;

    ObservationDraws(RngKey key, String plate, SequenceBatch batch) {
      this.key = key.base();
      this.plate = plate;
      this.batch = batch;
    }

    private RngKey next() {
      RngKey[] k = key.split();
      key = k[0];
      return k[1];
    }

    @Override
    protected void process(Message msg) {
      if (msg.isControlFlowDone()) {
        return; // a scan's stacked site: its steps were drawn in the body
      }
      if (msg.type() == SiteType.CONTROL_FLOW) {
        RngKey scanKey = next();
        msg.bodyHandlers().add((position, length) -> length != batch.steps() ? null
            : new StepDraws(scanKey.foldIn(position), this, batch.observed().select(0, position)));
        return;
      }
      if (msg.type() == SiteType.SAMPLE && msg.isObserved()
          && msg.value().shape().equals(batch.values().shape())) {
        PlateFrame f = frame(msg);
        if (f != null && f.dim() == -1 && msg.fn().eventShape().rank() == 0
            && msg.fn().batchShape().equals(batch.values().shape())) {
          msg.setValue(Tensor.where(batch.observed(), msg.value(), draw(msg, f, next())));
        }
      }
    }

    /** The frame of the series plate on {@code msg}, or null. */
    PlateFrame frame(Message msg) {
      for (PlateFrame f : msg.plates()) {
        if (f.name().equals(plate)) {
          return f;
        }
      }
      return null;
    }

    /** A draw of {@code msg}'s distribution, row {@code r} keyed by {@code k} and row id r. */
    Tensor draw(Message msg, PlateFrame f, RngKey k) {
      Distribution fn = msg.fn();
      if (f.subsampleSize() != batch.size()) {
        throw new IllegalArgumentException("site '" + msg.name() + "' in plate '" + plate
            + "' has " + f.subsampleSize() + " rows but the batch has " + batch.size()
            + "; open the series plate with the batch's size");
      }
      return fn.sample(k.withRows(plate, batch.ids()).placeRows(f.dim(), fn.eventShape().rank()),
          Shape.SCALAR);
    }
  }

  /** One scan step's draws: observation sites of the plate where the step's mask is false. */
  private static final class StepDraws extends Messenger {
    private final ObservationDraws outer;
    private final Tensor observed; // [B] booleans
    private RngKey key;

    StepDraws(RngKey key, ObservationDraws outer, Tensor observed) {
      this.key = key;
      this.outer = outer;
      this.observed = observed;
    }

    @Override
    protected void process(Message msg) {
      if (msg.type() != SiteType.SAMPLE || !msg.isObserved()) {
        return;
      }
      PlateFrame f = outer.frame(msg);
      if (f == null) {
        return;
      }
      RngKey[] k = key.split();
      key = k[0];
      Tensor draw = outer.draw(msg, f, k[1]);
      // the step's mask on the plate's axis of the draw (batch shape + event shape)
      int axis = draw.rank() - msg.fn().eventShape().rank() + f.dim();
      int[] dims = new int[draw.rank()];
      java.util.Arrays.fill(dims, 1);
      dims[axis] = observed.dim(0);
      msg.setValue(Tensor.where(observed.reshape(dims), msg.value(), draw));
    }
  }
}
