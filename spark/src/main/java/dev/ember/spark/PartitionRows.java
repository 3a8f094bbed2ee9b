// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;

/**
 * The valid rows of one partition, sorted by id and stored column-wise in a few arrays (ids, the
 * values in the {@link DoubleChunks} they were appended to, covariates), so that a cached
 * partition of a million series is a handful of objects rather than millions: a step builds
 * {@link SequenceRow}s for its minibatch's rows only.
 *
 * <pre>{@code
 * PartitionRows.Builder b = new PartitionRows.Builder(List.of());
 * b.add(new SequenceRow(7L, new double[] {0.1, 0.4}, Map.of()));
 * PartitionRows rows = b.build();
 * rows.row(rows.position(7L));        // the row again
 * }</pre>
 */
final class PartitionRows implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] ids; // sorted ascending
  private final int[] offsets; // [n + 1]: row i's values are at positions offsets[i] ..
  private final DoubleChunks values;
  private final String[] covariateNames;
  private final int[][] covariateOffsets; // [covariate][n + 1]
  private final double[][] covariateValues; // [covariate][...]

  private PartitionRows(long[] ids, int[] offsets, DoubleChunks values, String[] covariateNames,
      int[][] covariateOffsets, double[][] covariateValues) {
    this.ids = ids;
    this.offsets = offsets;
    this.values = values;
    this.covariateNames = covariateNames;
    this.covariateOffsets = covariateOffsets;
    this.covariateValues = covariateValues;
  }

  /** The number of rows. */
  int size() {
    return ids.length;
  }

  /** The id of row {@code i} (rows are sorted by id). */
  long id(int i) {
    return ids[i];
  }

  /** The length of row {@code i}'s sequence. */
  int length(int i) {
    return offsets[i + 1] - offsets[i];
  }

  /** The ids, ascending (a copy). */
  long[] ids() {
    return ids.clone();
  }

  /**
   * All rows' values end to end, row i's at positions {@link #valuesStart}{@code (i)} on for
   * {@link #length}{@code (i)}: the stored chunks themselves, for the set-up pass's summaries to
   * read in place (never to write).
   */
  DoubleChunks storedValues() {
    return values;
  }

  /** The position of row {@code i}'s first value in {@link #storedValues}. */
  int valuesStart(int i) {
    return offsets[i];
  }

  /** The covariates' names, in the order the rows hold them. */
  List<String> covariateNames() {
    return List.of(covariateNames);
  }

  /** Row {@code i}'s values of covariate {@code c} (a copy). */
  double[] covariate(int c, int i) {
    return Arrays.copyOfRange(covariateValues[c], covariateOffsets[c][i],
        covariateOffsets[c][i + 1]);
  }

  /**
   * Copies row {@code i}'s values of covariate {@code c} into {@code dst} from {@code at} on, read
   * in place (a step's batch, with no array per row).
   */
  void copyCovariate(int c, int i, double[] dst, int at) {
    System.arraycopy(covariateValues[c], covariateOffsets[c][i], dst, at, covariateLength(c, i));
  }

  /**
   * All rows' values of covariate {@code c} end to end, row i's at {@link #covariateStart}{@code
   * (c, i)} on: the stored array itself, for the set-up pass's fingerprint to read in place (never
   * to write).
   */
  double[] storedCovariate(int c) {
    return covariateValues[c];
  }

  /** The position of row {@code i}'s first value of covariate {@code c} in its stored array. */
  int covariateStart(int c, int i) {
    return covariateOffsets[c][i];
  }

  /** The length of row {@code i}'s values of covariate {@code c}. */
  int covariateLength(int c, int i) {
    return covariateOffsets[c][i + 1] - covariateOffsets[c][i];
  }

  /** The position of {@code id}, or a negative number if this partition does not hold it. */
  int position(long id) {
    return Arrays.binarySearch(ids, id);
  }

  /** Row {@code i} as a {@link SequenceRow} (its arrays copied out). */
  SequenceRow row(int i) {
    Map<String, double[]> cov = covariateNames.length == 0 ? Map.of() : new LinkedHashMap<>();
    for (int c = 0; c < covariateNames.length; c++) {
      cov.put(covariateNames[c], covariate(c, i));
    }
    double[] v = new double[length(i)];
    values.copyTo(offsets[i], v, 0, v.length);
    return new SequenceRow(ids[i], v, cov);
  }

  /** The rows at {@code positions[from .. to)}, in that order. */
  List<SequenceRow> rows(int[] positions, int from, int to) {
    List<SequenceRow> out = new ArrayList<>(to - from);
    for (int k = from; k < to; k++) {
      out.add(row(positions[k]));
    }
    return out;
  }

  /** All rows, in id order. */
  List<SequenceRow> all() {
    List<SequenceRow> out = new ArrayList<>(ids.length);
    for (int i = 0; i < ids.length; i++) {
      out.add(row(i));
    }
    return out;
  }

  /** Collects rows in any order; {@link #build} sorts them by id. */
  static final class Builder {
    private final String[] covariateNames;
    private long[] ids = new long[16];
    private int[] lengths = new int[16];
    private final DoubleChunks values = new DoubleChunks();
    private final int[][] covariateLengths;
    private final DoubleChunks[] covariateValues;
    private int n;
    private boolean built; // the rows took over the chunks of values

    /** A builder for rows with covariates {@code covariateNames}. */
    Builder(List<String> covariateNames) {
      this.covariateNames = covariateNames.toArray(new String[0]);
      int c = this.covariateNames.length;
      covariateLengths = new int[c][16];
      covariateValues = new DoubleChunks[c];
      for (int j = 0; j < c; j++) {
        covariateValues[j] = new DoubleChunks();
      }
    }

    /** Adds a row. */
    Builder add(SequenceRow row) {
      open();
      grow();
      ids[n] = row.id();
      lengths[n] = row.values().length;
      values.append(row.values());
      for (int c = 0; c < covariateNames.length; c++) {
        double[] v = row.covariates().get(covariateNames[c]);
        covariateLengths[c][n] = v.length;
        covariateValues[c].append(v);
      }
      n++;
      return this;
    }

    /**
     * Adds a row whose values and covariates (in this builder's order) are Spark unsafe arrays,
     * each copied in one piece into the chunks and checked there: no array of the row's own is
     * made. Adds nothing and returns false when an element is null or not finite (the caller then
     * reads the row another way, which names the problem).
     */
    boolean addUnsafe(long id, UnsafeArrayData rowValues, UnsafeArrayData[] covariates) {
      open();
      int valuesAt = values.size();
      boolean ok = values.appendChecked(rowValues);
      int c = 0;
      for (; ok && c < covariateNames.length; c++) {
        ok = covariateValues[c].appendChecked(covariates[c]); // if not, it appended nothing
      }
      if (!ok) {
        values.truncate(valuesAt);
        for (int d = 0; d < c - 1; d++) { // the covariates appended before the one that failed
          covariateValues[d].truncate(covariateValues[d].size() - covariates[d].numElements());
        }
        return false;
      }
      grow();
      ids[n] = id;
      lengths[n] = rowValues.numElements();
      for (int d = 0; d < covariateNames.length; d++) {
        covariateLengths[d][n] = covariates[d].numElements();
      }
      n++;
      return true;
    }

    private void open() {
      if (built) {
        throw new IllegalStateException("PartitionRows.Builder: the rows were built; a builder "
            + "builds once");
      }
    }

    private void grow() {
      if (n == ids.length) {
        ids = Arrays.copyOf(ids, 2 * n);
        lengths = Arrays.copyOf(lengths, 2 * n);
        for (int c = 0; c < covariateNames.length; c++) {
          covariateLengths[c] = Arrays.copyOf(covariateLengths[c], 2 * n);
        }
      }
    }

    /** The rows added so far. */
    int size() {
      return n;
    }

    private boolean ascending() {
      for (int i = 1; i < n; i++) {
        if (ids[i - 1] > ids[i]) {
          return false;
        }
      }
      return true;
    }

    /** The offsets of rows of these lengths laid end to end: [n + 1]. */
    private int[] offsetsOf(int[] rowLengths) {
      int[] out = new int[n + 1];
      for (int i = 0; i < n; i++) {
        out[i + 1] = out[i] + rowLengths[i];
      }
      return out;
    }

    /**
     * The rows sorted by id (equal ids kept, in the order added). Once: the rows take over the
     * chunks their values were appended to.
     */
    PartitionRows build() {
      open();
      built = true;
      if (ascending()) { // rows often arrive in id order: no reordering then
        int[][] covOffsets = new int[covariateNames.length][];
        double[][] covValues = new double[covariateNames.length][];
        for (int j = 0; j < covariateNames.length; j++) {
          covOffsets[j] = offsetsOf(covariateLengths[j]);
          covValues[j] = covariateValues[j].toArray();
        }
        values.trim();
        return new PartitionRows(Arrays.copyOf(ids, n), offsetsOf(lengths), values,
            covariateNames.clone(), covOffsets, covValues);
      }
      int[] order = RadixOrder.byKey(ids, n);
      int[] start = new int[n + 1]; // where each added row's values begin
      for (int i = 0; i < n; i++) {
        start[i + 1] = start[i] + lengths[i];
      }
      long[] sortedIds = new long[n];
      int[] offsets = new int[n + 1];
      DoubleChunks sortedValues = new DoubleChunks();
      for (int k = 0; k < n; k++) {
        int i = order[k];
        sortedIds[k] = ids[i];
        sortedValues.append(values, start[i], lengths[i]);
        offsets[k + 1] = offsets[k] + lengths[i];
      }
      int c = covariateNames.length;
      int[][] covOffsets = new int[c][n + 1];
      double[][] covValues = new double[c][];
      for (int j = 0; j < c; j++) {
        int[] cs = new int[n + 1];
        for (int i = 0; i < n; i++) {
          cs[i + 1] = cs[i] + covariateLengths[j][i];
        }
        covValues[j] = new double[covariateValues[j].size()];
        for (int k = 0; k < n; k++) {
          int i = order[k];
          int len = covariateLengths[j][i];
          covariateValues[j].copyTo(cs[i], covValues[j], covOffsets[j][k], len);
          covOffsets[j][k + 1] = covOffsets[j][k] + len;
        }
      }
      sortedValues.trim();
      return new PartitionRows(sortedIds, offsets, sortedValues, covariateNames.clone(),
          covOffsets, covValues);
    }
  }

  @Override
  public String toString() {
    return "PartitionRows(" + ids.length + " rows)";
  }
}
