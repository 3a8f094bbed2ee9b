// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.data;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A batch of B sequences of possibly different lengths, padded to the longest (T) and laid out
 * time-major, as a scan over time with a series plate inside its body reads them: what a model
 * fitted on sequence data is called with, on one machine and on Spark executors alike.
 *
 * <pre>{@code
 * SequenceBatch batch = SequenceBatch.of(new long[] {7, 9},
 *     new double[][] {{0.1, 0.3, 0.2}, {1.0, 0.8}}, 1000);
 * batch.values();    // [3, 2], the second column padded with 0 at t = 2
 * batch.observed();  // [3, 2] booleans: false at the padding
 * // in a model: sample("y", Normal.of(z, tau).mask(observed.select(0, t)), values.select(0, t))
 * }</pre>
 *
 * @param ids each sequence's id (the row id of the dataset), [B]
 * @param values the values, zero-padded, {@code [T, B]}
 * @param observed where {@code values} holds data (false at the padding), {@code [T, B]} booleans
 * @param lengths each sequence's length, [B]
 * @param covariates named covariates: {@code [T, B]} per step or {@code [B, K]} per series
 * @param totalSeries N, the number of sequences in the whole dataset (the minibatch scale is
 *     N / B)
 */
public record SequenceBatch(long[] ids, Tensor values, Tensor observed, int[] lengths,
    Map<String, Tensor> covariates, long totalSeries) implements Serializable {

  /** Series copied together when rows are laid out time-major (one cache line of doubles). */
  private static final int TRANSPOSE_BLOCK = 8;

  /** Checks the shapes and copies the covariates into an unmodifiable map. */
  public SequenceBatch {
    int b = ids.length;
    if (b < 1) {
      throw new IllegalArgumentException("SequenceBatch: needs at least one sequence");
    }
    if (values.rank() != 2 || values.dim(1) != b || !observed.shape().equals(values.shape())
        || lengths.length != b) {
      throw new IllegalArgumentException("SequenceBatch: values " + values.shape() + ", observed "
          + observed.shape() + " and " + lengths.length + " lengths do not fit " + b
          + " sequences (values must be [T, B])");
    }
    if (totalSeries < b) {
      throw new IllegalArgumentException(
          "SequenceBatch: totalSeries " + totalSeries + " is below the batch size " + b);
    }
    covariates = Collections.unmodifiableMap(new LinkedHashMap<>(covariates));
  }

  /** Pads {@code rows} (one sequence each, ids {@code ids}) into a batch of a dataset of N series. */
  public static SequenceBatch of(long[] ids, double[][] rows, long totalSeries) {
    return of(ids, rows, Map.of(), totalSeries);
  }

  /** As {@link #of(long[], double[][], long)}, with covariates already laid out. */
  public static SequenceBatch of(long[] ids, double[][] rows, Map<String, Tensor> covariates,
      long totalSeries) {
    if (ids.length != rows.length) {
      throw new IllegalArgumentException(
          "SequenceBatch: " + ids.length + " ids for " + rows.length + " sequences");
    }
    int b = rows.length;
    int t = 0;
    int[] lengths = new int[b];
    for (int i = 0; i < b; i++) {
      if (rows[i] == null || rows[i].length == 0) {
        throw new IllegalArgumentException(
            "SequenceBatch: sequence of id " + ids[i] + " is empty; every sequence needs a value");
      }
      lengths[i] = rows[i].length;
      t = Math.max(t, lengths[i]);
    }
    double[] v = timeMajor(rows, t); // [T, B]
    return new SequenceBatch(ids.clone(), Tensor.of(v, Shape.of(t, b)),
        observedMask(lengths, t), lengths, covariates, totalSeries);
  }

  /**
   * The {@code observed} mask of sequences of {@code lengths} padded to {@code t} steps: {@code
   * [t, lengths.length]}, true at step {@code s} of sequence {@code i} where {@code s <
   * lengths[i]}. When every sequence fills the {@code t} steps, the mask is a view of one true
   * value ({@link Tensor#fullBoolean}), with no array of {@code t * B}.
   *
   * <pre>{@code
   * SequenceBatch.observedMask(new int[] {2, 1}, 3); // [[T, T], [T, F], [F, F]] (T: true)
   * }</pre>
   */
  public static Tensor observedMask(int[] lengths, int t) {
    int b = lengths.length;
    if (Arrays.stream(lengths).allMatch(len -> len >= t)) {
      return Tensor.fullBoolean(true, t, b);
    }
    boolean[] m = new boolean[t * b];
    for (int s = 0; s < t; s++) {
      for (int i = 0; i < b; i++) {
        m[s * b + i] = s < lengths[i];
      }
    }
    return Tensor.ofBooleans(m).reshape(t, b);
  }

  /**
   * Rows of at most {@code t} values each laid out time-major, {@code [t, rows.length]}, zero
   * past a row's end: element {@code [s, i]} is {@code rows[i][s]}. The rows are copied by blocks
   * of {@value #TRANSPOSE_BLOCK}, each step's part of a block written in one piece: one row at a
   * time would step through the result by {@code rows.length} doubles, and at a power of two such
   * as 512 every write would land in the same few cache sets.
   */
  public static double[] timeMajor(double[][] rows, int t) {
    int b = rows.length;
    double[] out = new double[t * b];
    for (int i0 = 0; i0 < b; i0 += TRANSPOSE_BLOCK) {
      int i1 = Math.min(b, i0 + TRANSPOSE_BLOCK);
      for (int s = 0; s < t; s++) {
        int row = s * b;
        for (int i = i0; i < i1; i++) {
          if (s < rows[i].length) {
            out[row + i] = rows[i][s];
          }
        }
      }
    }
    return out;
  }

  /** B, the number of sequences. */
  public int size() {
    return ids.length;
  }

  /** T, the padded length. */
  public int steps() {
    return values.dim(0);
  }

  /** N / B: the weight of this batch's local terms in an unbiased estimate of the full data's. */
  public double scale() {
    return (double) totalSeries / ids.length;
  }

  /**
   * This batch extended by {@code h} steps past its longest sequence, for forecasting: values
   * {@code [T + h, B]} zero-padded and {@code observed} false at the new steps; ids, lengths,
   * covariates and N unchanged. A model called with it runs its scan over {@code T + h} steps,
   * and the steps where {@code observed} is false are not scored by a model that masks its sites
   * with it (as every model fitted on padded batches must); its latent sites there are drawn
   * from the model. Its observation sites stay observed at the padded value 0 unless a handler
   * draws them (the Spark module's {@code SequenceForecast.model} does), and the guide should see
   * {@link #history()} only, so that its latent series cover the observed steps and the model
   * draws the rest.
   *
   * <p>Per-step covariates keep their T steps: a model that reads them at step {@code t >= T}
   * fails, as it needs their future values, which a batch does not have.
   *
   * <pre>{@code
   * SequenceBatch b = SequenceBatch.of(new long[] {7}, new double[][] {{0.1, 0.3}}, 1);
   * SequenceBatch f = b.withHorizon(3);   // values [5, 1]; observed: true, true, false x 3
   * f.history();                          // equals b's values and observed again
   * }</pre>
   *
   * @param h the horizon, {@code >= 0} (0 gives this batch)
   * @return the extended batch
   * @throws IllegalArgumentException if {@code h < 0}
   */
  public SequenceBatch withHorizon(int h) {
    if (h < 0) {
      throw new IllegalArgumentException(
          "SequenceBatch.withHorizon: the horizon must be >= 0 steps, got " + h);
    }
    if (h == 0) {
      return this;
    }
    int b = size();
    Tensor v = Tensor.concat(0, values, Tensor.zeros(h, b)); // [T + h, B]
    Tensor m = Tensor.concat(0, observed, Tensor.fullBoolean(false, h, b));
    return new SequenceBatch(ids, v, m, lengths, covariates, totalSeries);
  }

  /**
   * The steps up to the longest sequence: this batch without the horizon {@link #withHorizon}
   * added (this batch itself if it has none). What a guide is called with when the model
   * forecasts.
   *
   * @return the batch of {@code max(lengths)} steps
   */
  public SequenceBatch history() {
    int t = Arrays.stream(lengths).max().orElse(0);
    if (t == steps()) {
      return this;
    }
    return new SequenceBatch(ids, values.slice(0, 0, t), observed.slice(0, 0, t), lengths,
        covariates, totalSeries);
  }

  /**
   * The number of steps past the longest sequence ({@link #withHorizon}), 0 for a batch made by
   * {@link #of}.
   */
  public int horizon() {
    return steps() - Arrays.stream(lengths).max().orElse(0);
  }

  /** The covariate named {@code name}; throws naming the ones there are. */
  public Tensor covariate(String name) {
    Tensor c = covariates.get(name);
    if (c == null) {
      throw new IllegalArgumentException(
          "SequenceBatch: no covariate '" + name + "'; the batch has " + covariates.keySet());
    }
    return c;
  }

  @Override
  public String toString() {
    return "SequenceBatch(B=" + size() + ", T=" + steps() + ", N=" + totalSeries + ", ids="
        + (ids.length <= 8 ? Arrays.toString(ids) : ids.length + " ids") + ")";
  }
}
