// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the set-up pass learns about the rows of some partitions, mergeable: how many are valid
 * and invalid (with the first problem), the longest sequence, the two smallest ids, the data's
 * {@link DataFingerprint} and {@link ValueStats}, and for each per-series covariate its length
 * (which every row must share) or the first row that breaks it. A partition adds its rows ({@link
 * #add}, {@link #invalid}); the driver merges the partitions' summaries in partition order, so
 * "first" means first in partition order.
 *
 * <pre>{@code
 * DataSummary s = DataSummary.empty(List.of()).add(row).invalid("row id 5: ...");
 * DataSummary all = s.merge(other);
 * all.valid();   all.longest();   all.fingerprint();   all.values().mean();
 * }</pre>
 */
final class DataSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  private long valid;
  private long invalid;
  private String firstProblem;
  private int longest;
  private long[] smallestIds = new long[0]; // at most two, ascending
  private DataFingerprint fingerprint = DataFingerprint.empty();
  private ValueStats values = ValueStats.empty();
  // per-series covariates: the length of the first row seen, that row's id, or the conflict
  private final Map<String, long[]> seriesLengths = new LinkedHashMap<>(); // name -> {K, id}
  private String lengthConflict;

  private DataSummary() {}

  /** No rows yet (a summary is filled by one partition's task, then merged on the driver). */
  static DataSummary empty() {
    return new DataSummary();
  }

  /** Adds a valid row whose per-series covariates are {@code perSeries}. */
  DataSummary add(SequenceRow row, Iterable<String> perSeries) {
    valid++;
    longest = Math.max(longest, row.values().length);
    if (smallestIds.length < 2 || row.id() < smallestIds[1]) {
      smallestIds = smallest(smallestIds, new long[] {row.id()});
    }
    fingerprint = fingerprint.add(row);
    values = values.add(row.values());
    for (String name : perSeries) {
      int k = row.covariates().get(name).length;
      long[] seen = seriesLengths.get(name);
      if (seen == null) {
        seriesLengths.put(name, new long[] {k, row.id()});
      } else if (seen[0] != k && lengthConflict == null) {
        lengthConflict = conflict(name, row.id(), k, seen);
      }
    }
    return this;
  }

  /**
   * Adds a partition's valid rows, whose per-series covariates are {@code perSeries}: what {@link
   * #add}ing each row gives, but the values' statistics are those of all the rows' values a chunk
   * at a time (the same mean and spread up to rounding), and the rows are read in place.
   */
  DataSummary addAll(PartitionRows rows, List<String> perSeries) {
    int n = rows.size();
    if (n == 0) {
      return this;
    }
    valid += n;
    for (int i = 0; i < n; i++) {
      longest = Math.max(longest, rows.length(i));
    }
    // rows are sorted by id: the first two are the smallest
    smallestIds = smallest(smallestIds, n == 1 ? new long[] {rows.id(0)}
        : new long[] {rows.id(0), rows.id(1)});
    fingerprint = fingerprint.merge(DataFingerprint.of(rows));
    DoubleChunks v = rows.storedValues(); // all the rows' values, chunk by chunk
    for (int c = 0; c < v.chunkCount(); c++) {
      values = values.merge(ValueStats.of(v.chunk(c), 0, v.chunkUsed(c)));
    }
    List<String> names = rows.covariateNames();
    for (String name : perSeries) {
      int c = names.indexOf(name);
      for (int i = 0; i < n; i++) {
        int k = rows.covariateLength(c, i);
        long[] seen = seriesLengths.get(name);
        if (seen == null) {
          seriesLengths.put(name, new long[] {k, rows.id(i)});
        } else if (seen[0] != k) {
          if (lengthConflict == null) {
            lengthConflict = conflict(name, rows.id(i), k, seen);
          }
          break;
        }
      }
    }
    return this;
  }

  /** Counts an invalid row, keeping the first problem. */
  DataSummary invalid(String problem) {
    invalid++;
    if (firstProblem == null) {
      firstProblem = problem;
    }
    return this;
  }

  /** This summary and {@code later}'s (the rows of later partitions), into this one. */
  DataSummary merge(DataSummary later) {
    valid += later.valid;
    invalid += later.invalid;
    firstProblem = firstProblem != null ? firstProblem : later.firstProblem;
    longest = Math.max(longest, later.longest);
    smallestIds = smallest(smallestIds, later.smallestIds);
    fingerprint = fingerprint.merge(later.fingerprint);
    values = values.merge(later.values);
    lengthConflict = lengthConflict != null ? lengthConflict : later.lengthConflict;
    for (Map.Entry<String, long[]> e : later.seriesLengths.entrySet()) {
      long[] seen = seriesLengths.get(e.getKey());
      if (seen == null) {
        seriesLengths.put(e.getKey(), e.getValue());
      } else if (seen[0] != e.getValue()[0] && lengthConflict == null) {
        lengthConflict = conflict(e.getKey(), e.getValue()[1], (int) e.getValue()[0], seen);
      }
    }
    return this;
  }

  /** This summary with its invalid rows forgotten (they were counted elsewhere). */
  DataSummary withoutInvalid() {
    invalid = 0;
    firstProblem = null;
    return this;
  }

  private static String conflict(String name, long id, int k, long[] seen) {
    return "row id " + id + ": column '" + name + "' has " + k + " values but row id " + seen[1]
        + " has " + seen[0] + "; a per-series covariate needs the same length in every row";
  }

  private static long[] smallest(long[] a, long[] b) {
    long[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    Arrays.sort(all);
    return Arrays.copyOf(all, Math.min(2, all.length));
  }

  /** The valid rows. */
  long valid() {
    return valid;
  }

  /** The invalid rows. */
  long invalid() {
    return invalid;
  }

  /** The first invalid row's problem, or null. */
  String firstProblem() {
    return firstProblem;
  }

  /** The longest valid sequence. */
  int longest() {
    return longest;
  }

  /** The (up to) two smallest valid ids, ascending. */
  long[] smallestIds() {
    return smallestIds.clone();
  }

  /** The fingerprint of the valid rows. */
  DataFingerprint fingerprint() {
    return fingerprint;
  }

  /** The statistics of the valid rows' values. */
  ValueStats values() {
    return values;
  }

  /** Two valid rows whose per-series covariate lengths differ, described; or null. */
  String lengthConflict() {
    return lengthConflict;
  }
}
