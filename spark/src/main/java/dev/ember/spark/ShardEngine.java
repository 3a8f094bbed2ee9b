// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.autodiff.ValueAndGrad;
import dev.ember.data.SequenceBatch;
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

/**
 * What one partition computes at one step, without Spark: the rows of the minibatch it holds,
 * padded into a {@link SequenceBatch}, run through guide and model with row-keyed randomness;
 * their loss split into the local terms (sites inside the series plate, summed unscaled over the
 * rows) and the global ones, each with its gradient with respect to the unconstrained params.
 *
 * <pre>{@code
 * ShardEngine engine = new ShardEngine(svi, "series", covariateKinds);
 * ShardResult.Part part = engine.compute(0, rows, state, stepKey, totalSeries);
 * }</pre>
 *
 * <p>The driver then forms {@code loss = global + (N / B) sum(local)} ({@link #combine}).
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
    List<SequenceRow> sorted = rows.stream().sorted(Comparator.comparingLong(SequenceRow::id)).toList();
    int b = sorted.size();
    long[] ids = new long[b];
    double[][] values = new double[b][];
    for (int i = 0; i < b; i++) {
      ids[i] = sorted.get(i).id();
      values[i] = sorted.get(i).values();
    }
    int longest = 0;
    for (double[] v : values) {
      longest = Math.max(longest, v.length);
    }
    int t = Math.max(longest, minSteps);
    Map<String, Tensor> cov = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, CovariateKind> e : covariates.entrySet()) {
      String name = e.getKey();
      if (e.getValue() == CovariateKind.PER_STEP) {
        double[] d = new double[t * b]; // [T, B]
        for (int i = 0; i < b; i++) {
          double[] c = sorted.get(i).covariates().get(name);
          for (int s = 0; s < c.length; s++) {
            d[s * b + i] = c[s];
          }
        }
        cov.put(name, Tensor.of(d, t, b));
      } else {
        int k = sorted.get(0).covariates().get(name).length;
        double[] d = new double[b * k]; // [B, K]
        for (int i = 0; i < b; i++) {
          System.arraycopy(sorted.get(i).covariates().get(name), 0, d, i * k, k);
        }
        cov.put(name, Tensor.of(d, b, k));
      }
    }
    SequenceBatch batch = SequenceBatch.of(ids, values, cov, totalSeries);
    if (t == longest) {
      return batch;
    }
    return new SequenceBatch(ids, Tensor.concat(0, batch.values(), Tensor.zeros(t - longest, b)),
        Tensor.concat(0, batch.observed(), Tensor.fullBoolean(false, t - longest, b)),
        batch.lengths(), cov, totalSeries);
  }

  /** This partition's part of step {@code state.step()}: null when it holds no row of the batch. */
  public ShardResult.Part compute(int partition, List<SequenceRow> rows, SviState state,
      RngKey stepKey, long totalSeries) {
    if (rows.isEmpty()) {
      return null;
    }
    SequenceBatch batch = batch(rows, totalSeries);
    List<ValueAndGrad> parts = svi.lossParts(state, batch, stepKey, this::split);
    return new ShardResult.Part(partition, rows.size(), parts.get(0).loss(),
        flatten(parts.get(0).grad(), state), parts.get(1).loss(), flatten(parts.get(1).grad(), state));
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

  /**
   * The step's loss and gradient: {@code global + (N / B) * sum(local)}, B the realized number of
   * rows.
   *
   * @param loss the loss
   * @param gradient its gradient, flattened
   * @param rows the realized B
   */
  public record Combined(double loss, double[] gradient, long rows) {}

  /** Combines the partitions' parts. */
  public static Combined combine(ShardResult r, long totalSeries, int gradientSize) {
    ShardResult.Part global = r.global();
    if (global == null) {
      throw new IllegalStateException("the minibatch has no rows on any partition");
    }
    long rows = r.rows();
    double scale = (double) totalSeries / rows;
    double[] g = r.localGradient(gradientSize);
    for (int i = 0; i < g.length; i++) {
      g[i] = global.globalGradient()[i] + scale * g[i];
    }
    return new Combined(global.globalLoss() + scale * r.localLoss(), g, rows);
  }
}
