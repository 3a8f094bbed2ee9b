// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.data.SequenceBatch;
import dev.ember.spark.ShardEngine.CovariateKind;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import dev.ember.tensor.TensorBuilder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows in id order padded into a {@link SequenceBatch}, read where they are kept: a list of
 * {@link SequenceRow}s, or a partition's stored rows at some positions ({@link PartitionRows}),
 * whose values are copied straight into the batch's time-major layout, with no row objects.
 * Values and per-step covariates are zero past a row's end and up to at least {@code minSteps}
 * steps; {@code observed} is true where a row has data.
 *
 * <pre>{@code
 * SequenceBatch b = RowBatches.of(RowBatches.stored(rows, positions), kinds, n, steps);
 * SequenceBatch same = RowBatches.of(RowBatches.listed(rowsInIdOrder), kinds, n, steps);
 * }</pre>
 */
final class RowBatches {
  /**
   * Series copied together into the time-major layout: one cache line of doubles. One series at
   * a time would step through a [T, B] array by B doubles, and at a power of two such as 512
   * every write would fall in the same few cache sets.
   */
  private static final int BLOCK = 8;

  private RowBatches() {}

  /** Rows in id order, as a batch lays them out. */
  interface Source {
    int size();

    long id(int i);

    /** The length of row {@code i}'s values. */
    int length(int i);

    /** Copies row {@code i}'s values into {@code dst} from {@code at} on. */
    void copyValues(int i, double[] dst, int at);

    int covariateLength(String name, int i);

    void copyCovariate(String name, int i, double[] dst, int at);
  }

  /** {@code rows}, which must be in id order. */
  static Source listed(List<SequenceRow> rows) {
    return new Source() {
      @Override
      public int size() {
        return rows.size();
      }

      @Override
      public long id(int i) {
        return rows.get(i).id();
      }

      @Override
      public int length(int i) {
        return rows.get(i).values().length;
      }

      @Override
      public void copyValues(int i, double[] dst, int at) {
        double[] v = rows.get(i).values();
        System.arraycopy(v, 0, dst, at, v.length);
      }

      @Override
      public int covariateLength(String name, int i) {
        return rows.get(i).covariates().get(name).length;
      }

      @Override
      public void copyCovariate(String name, int i, double[] dst, int at) {
        double[] c = rows.get(i).covariates().get(name);
        System.arraycopy(c, 0, dst, at, c.length);
      }
    };
  }

  /** The rows of {@code rows} at {@code positions}, which must ascend (so in id order). */
  static Source stored(PartitionRows rows, int[] positions) {
    for (int i = 1; i < positions.length; i++) {
      if (positions[i] <= positions[i - 1]) {
        throw new IllegalArgumentException("a batch's rows: position " + positions[i] + " after "
            + positions[i - 1] + "; positions must ascend (a batch puts its rows in id order)");
      }
    }
    Map<String, Integer> index = new HashMap<>(); // a covariate's place among the stored ones
    List<String> names = rows.covariateNames();
    for (int c = 0; c < names.size(); c++) {
      index.put(names.get(c), c);
    }
    return new Source() {
      @Override
      public int size() {
        return positions.length;
      }

      @Override
      public long id(int i) {
        return rows.id(positions[i]);
      }

      @Override
      public int length(int i) {
        return rows.length(positions[i]);
      }

      @Override
      public void copyValues(int i, double[] dst, int at) {
        int r = positions[i];
        rows.storedValues().copyTo(rows.valuesStart(r), dst, at, rows.length(r));
      }

      @Override
      public int covariateLength(String name, int i) {
        return rows.covariateLength(index.get(name), positions[i]);
      }

      @Override
      public void copyCovariate(String name, int i, double[] dst, int at) {
        rows.copyCovariate(index.get(name), positions[i], dst, at);
      }
    };
  }

  /**
   * The batch of {@code rows} in a dataset of {@code totalSeries} series, padded to at least
   * {@code minSteps} steps, with the covariates laid out by {@code kinds}.
   *
   * @throws IllegalArgumentException if there are no rows, a row has no values, a per-step
   *     covariate has another length than its row's values, or a per-series covariate another
   *     length than the first row's
   */
  static SequenceBatch of(Source rows, Map<String, CovariateKind> kinds, long totalSeries,
      int minSteps) {
    int b = rows.size();
    if (b == 0) {
      throw new IllegalArgumentException("SequenceBatch: needs at least one sequence");
    }
    long[] ids = new long[b];
    int[] lengths = new int[b];
    int t = Math.max(0, minSteps);
    for (int i = 0; i < b; i++) {
      ids[i] = rows.id(i);
      lengths[i] = rows.length(i);
      if (lengths[i] == 0) {
        throw new IllegalArgumentException("SequenceBatch: sequence of id " + ids[i] + " is "
            + "empty; every sequence needs a value");
      }
      t = Math.max(t, lengths[i]);
    }
    Tensor values = timeMajor(b, t, lengths, rows::copyValues); // [T, B]
    Map<String, Tensor> cov = new LinkedHashMap<>();
    for (Map.Entry<String, CovariateKind> e : kinds.entrySet()) {
      String name = e.getKey();
      if (e.getValue() == CovariateKind.PER_STEP) {
        int[] len = new int[b];
        for (int i = 0; i < b; i++) {
          len[i] = rows.covariateLength(name, i);
          if (len[i] != lengths[i]) {
            throw new IllegalArgumentException("series id " + ids[i] + ": per-step covariate '"
                + name + "' has " + len[i] + " values but the sequence has " + lengths[i]
                + " steps; a per-step covariate needs one value per step");
          }
        }
        cov.put(name, timeMajor(b, t, len, (i, dst, at) -> rows.copyCovariate(name, i, dst, at)));
      } else {
        int k = rows.covariateLength(name, 0);
        double[] d = new double[b * k]; // [B, K]
        for (int i = 0; i < b; i++) {
          if (rows.covariateLength(name, i) != k) {
            throw new IllegalArgumentException("series id " + ids[i] + ": per-series covariate '"
                + name + "' has " + rows.covariateLength(name, i) + " values but series id "
                + ids[0] + "'s has " + k + "; every series needs the same number");
          }
          rows.copyCovariate(name, i, d, i * k);
        }
        cov.put(name, Tensor.of(d, b, k));
      }
    }
    return new SequenceBatch(ids, values, SequenceBatch.observedMask(lengths, t), lengths, cov,
        totalSeries);
  }

  /** Copies row {@code i}'s values into {@code dst} from {@code at} on. */
  private interface RowCopy {
    void copy(int i, double[] dst, int at);
  }

  /**
   * Rows of {@code len[i] <= t} values each as a {@code [t, b]} tensor, zero past a row's end:
   * {@link #BLOCK} rows copied into a scratch array, then written step by step.
   */
  private static Tensor timeMajor(int b, int t, int[] len, RowCopy rows) {
    TensorBuilder out = Tensor.builder(Shape.of(t, b));
    double[] block = new double[BLOCK * t]; // [BLOCK, t], row-major
    for (int i0 = 0; i0 < b; i0 += BLOCK) {
      int i1 = Math.min(b, i0 + BLOCK);
      for (int i = i0; i < i1; i++) {
        rows.copy(i, block, (i - i0) * t);
      }
      for (int s = 0; s < t; s++) {
        for (int i = i0; i < i1; i++) {
          if (s < len[i]) {
            out.set(s * b + i, block[(i - i0) * t + s]);
          }
        }
      }
    }
    return out.build();
  }
}
