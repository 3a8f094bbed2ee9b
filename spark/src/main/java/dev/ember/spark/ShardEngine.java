// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.autodiff.ValueAndGrad;
import dev.ember.data.SequenceBatch;
import dev.ember.handlers.HandlerStack;
import dev.ember.handlers.PlateFrame;
import dev.ember.handlers.Site;
import dev.ember.handlers.SiteType;
import dev.ember.handlers.Trace;
import dev.ember.infer.ElboEstimate;
import dev.ember.infer.Svi;
import dev.ember.infer.SviState;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What one partition computes at one step, without Spark: the rows of the minibatch it holds,
 * padded into a {@link SequenceBatch}, run through guide and model with row-keyed randomness;
 * their loss split into the local terms (sites inside the series plate, summed unscaled over the
 * rows) and the global ones, each with its gradient with respect to the unconstrained params.
 *
 * <pre>{@code
 * ShardEngine engine = new ShardEngine(svi, "series", covariateKinds);
 * ShardResult.Part part = engine.compute(0, rows, state, stepKey, totalSeries, batchSize, 0);
 * }</pre>
 *
 * <p>Each partition weights its terms so that the parts add up to the step's loss {@code global
 * + (N / B) sum(local)}, which the driver then only sums ({@link ShardResult}).
 */
public final class ShardEngine implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Svi<SequenceBatch> svi;
  private final String seriesPlate;
  private final Map<String, CovariateKind> covariates;

  /** How a covariate column is laid out in a batch. */
  public enum CovariateKind {
    /** One value per time step: a {@code [T, B]} tensor, zero-padded. */
    PER_STEP,
    /** One vector per series: a {@code [B, K]} tensor. */
    PER_SERIES
  }

  /**
   * An engine for {@code svi}, whose loss must be a {@link RowKeyedTraceElbo} over the plate
   * {@code seriesPlate}.
   */
  public ShardEngine(Svi<SequenceBatch> svi, String seriesPlate, Map<String, CovariateKind> covariates) {
    if (!(svi.loss() instanceof RowKeyedTraceElbo)) {
      throw new IllegalArgumentException("ShardEngine: the SVI loss must be a RowKeyedTraceElbo");
    }
    this.svi = svi;
    this.seriesPlate = seriesPlate;
    this.covariates = Map.copyOf(covariates);
  }

  /** The plate over series. */
  String seriesPlate() {
    return seriesPlate;
  }

  /** The SVI whose loss is split. */
  public Svi<SequenceBatch> svi() {
    return svi;
  }

  /** The rows (any order) padded into a batch of a dataset of {@code totalSeries} series, by id. */
  public SequenceBatch batch(List<SequenceRow> rows, long totalSeries) {
    return batch(rows, totalSeries, 0);
  }

  /**
   * As {@link #batch(List, long)}, padded to at least {@code minSteps} steps (values, mask and
   * per-step covariates alike): per-series params keep one shape whatever rows a batch holds.
   */
  public SequenceBatch batch(List<SequenceRow> rows, long totalSeries, int minSteps) {
    List<SequenceRow> sorted = rows.stream().sorted(Comparator.comparingLong(SequenceRow::id))
        .toList();
    return RowBatches.of(RowBatches.listed(sorted), covariates, totalSeries, minSteps);
  }

  /**
   * As {@link #batch(List, long, int)}, of the rows of a partition's storage at {@code positions}
   * (ascending, so in id order), read in place.
   */
  SequenceBatch batch(PartitionRows rows, int[] positions, long totalSeries, int minSteps) {
    return RowBatches.of(RowBatches.stored(rows, positions), covariates, totalSeries, minSteps);
  }

  /**
   * This partition's part of step {@code state.step()}: its loss term {@code (N / B) sum(local) +
   * (rows / B) global} and that term's gradient with respect to {@code state}'s params, from one
   * forward and one backward pass (every partition computes the same global terms, so the
   * partitions' weights {@code rows / B} add up to one). Null when it holds no row of the
   * minibatch. A term or gradient that is not finite comes with the rows and sites that made it so
   * ({@link NonFiniteTerms}).
   *
   * @param partition the partition's index
   * @param rows its rows of the minibatch
   * @param state the params (unconstrained) and step; its optimizer moments are not used
   * @param stepKey the step's key
   * @param totalSeries N
   * @param batchSize B, the minibatch's rows over all partitions
   * @param minSteps the length batches are padded to at least
   */
  public ShardResult.Part compute(int partition, List<SequenceRow> rows, SviState state,
      RngKey stepKey, long totalSeries, int batchSize, int minSteps) {
    checkNoHandlers();
    if (rows.isEmpty()) {
      return null;
    }
    return compute(partition, batch(rows, totalSeries, minSteps), () -> rows, state, stepKey,
        totalSeries, batchSize, minSteps);
  }

  /**
   * {@link #compute(int, List, SviState, RngKey, long, int, int)} of a batch built already
   * ({@link #batch(PartitionRows, int[], long, int)}); its rows are asked for only to name those
   * that made a term not finite.
   */
  ShardResult.Part compute(int partition, SequenceBatch batch,
      Supplier<List<SequenceRow>> rows, SviState state, RngKey stepKey, long totalSeries,
      int batchSize, int minSteps) {
    checkNoHandlers();
    ValueAndGrad vg = weighted(state, batch, stepKey, totalSeries, batchSize);
    double[] grad = flatten(vg.grad(), state);
    List<String> problems = List.of();
    if (!finite(vg.loss(), grad)) {
      problems = NonFiniteTerms.find(this, state, rows.get(), stepKey, totalSeries, minSteps);
    }
    return new ShardResult.Part(partition, batch.size(), vg.loss(), grad, problems);
  }

  /**
   * The weighted loss term {@code (N / B) sum(local) + (b / B) global} of a batch of b rows and
   * its gradient with respect to every param of {@code state}, in one backward pass.
   */
  ValueAndGrad weighted(SviState state, SequenceBatch batch, RngKey stepKey, long totalSeries,
      int batchSize) {
    double localWeight = (double) totalSeries / batchSize;
    double globalWeight = (double) batch.size() / batchSize;
    return svi.lossParts(state, batch, stepKey, e -> {
      Tensor[] parts = split(e);
      return new Tensor[] {parts[0].mul(localWeight).add(parts[1].mul(globalWeight))};
    }).get(0);
  }

  /**
   * Refuses to start on a thread that still has handlers open: they would act on this shard's
   * sites (Spark runs tasks on pooled threads, so a handler leaked by earlier code on the thread
   * would corrupt every later task there).
   */
  static void checkNoHandlers() {
    if (!HandlerStack.isEmpty()) {
      throw new IllegalStateException("a shard computation started on a thread whose handler "
          + "stack is not empty: " + HandlerStack.active() + " are still open, left by earlier "
          + "code on this thread; close every handler (try-with-resources) before the shard runs");
    }
  }

  static boolean finite(double loss, double[] grad) {
    boolean ok = Double.isFinite(loss);
    for (int i = 0; ok && i < grad.length; i++) {
      ok = Double.isFinite(grad[i]);
    }
    return ok;
  }

  /** The loss's local and global parts: {@code -(sum log p - sum log q)} over each kind of site. */
  Tensor[] split(ElboEstimate e) {
    Tensor local = Tensor.scalar(0.0);
    Tensor global = Tensor.scalar(0.0);
    for (Site g : e.guideTrace().sites().values()) {
      if (g.type() == SiteType.SAMPLE && !g.observed() && !g.fn().hasRsample()) {
        throw new UnsupportedOperationException(
            "guide site '" + g.name() + "' is not reparameterizable; distributed SVI supports "
                + "reparameterized guide sites only");
      }
    }
    for (Map.Entry<String, Tensor> t : e.modelTerms().entrySet()) {
      if (isLocal(e.modelTrace(), t.getKey())) {
        local = local.sub(t.getValue());
      } else {
        global = global.sub(t.getValue());
      }
    }
    for (Map.Entry<String, Tensor> t : e.guideTerms().entrySet()) {
      if (isLocal(e.guideTrace(), t.getKey())) {
        local = local.add(t.getValue());
      } else {
        global = global.add(t.getValue());
      }
    }
    return new Tensor[] {local, global};
  }

  private boolean isLocal(Trace trace, String site) {
    for (PlateFrame f : trace.get(site).plates()) {
      if (f.name().equals(seriesPlate)) {
        return true;
      }
    }
    return false;
  }

  /** The gradient map flattened in the state's param order. */
  static double[] flatten(Map<String, Tensor> grads, SviState state) {
    int size = 0;
    for (Tensor p : state.optimizer().params().values()) {
      size += p.shape().numel();
    }
    double[] out = new double[size];
    int at = 0;
    for (Map.Entry<String, Tensor> e : state.optimizer().params().entrySet()) {
      double[] g = grads.get(e.getKey()).toArray();
      System.arraycopy(g, 0, out, at, g.length);
      at += g.length;
    }
    return out;
  }

  /** The flat vector back into tensors shaped like the state's params. */
  static Map<String, Tensor> unflatten(double[] flat, SviState state) {
    Map<String, Tensor> out = new java.util.LinkedHashMap<>();
    int at = 0;
    for (Map.Entry<String, Tensor> e : state.optimizer().params().entrySet()) {
      int n = e.getValue().shape().numel();
      out.put(e.getKey(), Tensor.of(java.util.Arrays.copyOfRange(flat, at, at + n), e.getValue().shape()));
      at += n;
    }
    return out;
  }
}
