// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;

/**
 * The ids that occur more than once among some rows: how many such ids, how many rows hold them,
 * and the smallest of them with its count (what an error names). Counted in ascending ids ({@link
 * #inSorted}); two counts {@link #merge} only when no id is in both (rows of disjoint id ranges, or
 * of different reducers of a hash).
 *
 * <pre>{@code
 * DuplicateIds d = DuplicateIds.inSorted(new long[] {3, 5, 5, 5, 8, 8}, 6);
 * d.ids();          // 2 (5 and 8)
 * d.rows();         // 5
 * d.firstId();      // 5, held 3 times: d.firstCount()
 * }</pre>
 *
 * @param ids the ids held by more than one row
 * @param rows the rows that hold them
 * @param firstId the smallest such id (0 if there is none)
 * @param firstCount how many rows hold it (0 if there is none)
 */
record DuplicateIds(long ids, long rows, long firstId, long firstCount) implements Serializable {

  /** No duplicated id. */
  static DuplicateIds none() {
    return new DuplicateIds(0, 0, 0, 0);
  }

  /** The duplicated ids among {@code sorted[0 .. n)}, ascending. */
  static DuplicateIds inSorted(long[] sorted, int n) {
    long ids = 0;
    long rows = 0;
    long firstId = 0;
    long firstCount = 0;
    for (int i = 0; i < n; ) {
      int j = i + 1;
      while (j < n && sorted[j] == sorted[i]) {
        j++;
      }
      if (j - i > 1) {
        if (ids == 0) {
          firstId = sorted[i];
          firstCount = j - i;
        }
        ids++;
        rows += j - i;
      }
      i = j;
    }
    return new DuplicateIds(ids, rows, firstId, firstCount);
  }

  /** The duplicated ids of these rows and {@code other}'s, which share no id. */
  DuplicateIds merge(DuplicateIds other) {
    boolean mine = ids > 0 && (other.ids == 0 || firstId < other.firstId);
    return new DuplicateIds(ids + other.ids, rows + other.rows, mine ? firstId : other.firstId,
        mine ? firstCount : other.firstCount);
  }
}
