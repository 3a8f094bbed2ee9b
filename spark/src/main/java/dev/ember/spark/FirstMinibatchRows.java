// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A fit's first rows, gathered by the minibatch index's boundary search: a request for the rows
 * of the first minibatch of {@code epoch} and of {@code ids}, answered by the search's last job
 * ({@link MinibatchIndex}'s counts, whose {@code keysIn} with a bound on the keys to read also
 * collects each partition's {@link Part}); {@link #gathered} stays null if the search did not
 * (too many keys to read in the hash range of the first minibatch, or no search: one minibatch
 * of all N rows). A fit's initialisation then needs no job of its own for them.
 *
 * <pre>{@code
 * FirstMinibatchRows ride = new FirstMinibatchRows(0, 1024, new long[] {17L});
 * // ... the boundary search's last job fills ride.gathered ...
 * List<List<SequenceRow>> rows = ride.select(bounds);  // minibatch 0's rows, then row 17
 * }</pre>
 */
final class FirstMinibatchRows {
  final long epoch;
  final int batchSize;
  final long[] ids;
  List<Part> gathered;

  FirstMinibatchRows(long epoch, int batchSize, long[] ids) {
    this.epoch = epoch;
    this.batchSize = batchSize;
    this.ids = ids;
  }

  /**
   * One partition's part of the last job: its keys the search asked for, its rows of the
   * epoch whose hash is at most the first minibatch's bound (in key order, with their keys),
   * and its rows of the ids asked for.
   */
  record Part(long[] keys, List<SequenceRow> candidates, long[] hashes,
      List<SequenceRow> extra) implements Serializable {
    static Part of(PartitionRows pr, List<EpochKeys> all, long epoch, long firstHi,
        long[] wanted, long[] keys) {
      EpochKeys ek = BatchBoundaries.of(all, epoch);
      int end = ek.endOf(firstHi);
      long[] hashes = new long[end];
      for (int i = 0; i < end; i++) {
        hashes[i] = ek.hash(i);
      }
      List<SequenceRow> extra = new ArrayList<>();
      for (long id : wanted) {
        int at = pr.position(id);
        if (at >= 0) {
          extra.add(pr.row(at));
        }
      }
      return new Part(keys, pr.rows(ek.positions(), 0, end), hashes, extra);
    }
  }

  /**
   * The rows of minibatch 0 among the gathered ones, those whose key comes before its end in
   * {@code bounds}, in partition order and each partition's in key order (as a fetch job
   * returns them), and the rows of the ids.
   */
  List<List<SequenceRow>> select(BatchBoundaries bounds) {
    List<SequenceRow> inBatch = new ArrayList<>();
    List<SequenceRow> extra = new ArrayList<>();
    for (Part p : gathered) {
      for (int i = 0; i < p.candidates().size(); i++) {
        SequenceRow row = p.candidates().get(i);
        if (bounds.beforeEndOf(0, p.hashes()[i], row.id())) {
          inBatch.add(row);
        }
      }
      extra.addAll(p.extra());
    }
    if (inBatch.size() != batchSize) {
      throw new IllegalStateException("minibatches: the first minibatch of epoch " + epoch
          + " has " + inBatch.size() + " rows, not " + batchSize + "; did the data change "
          + "during the fit?");
    }
    return List.of(inBatch, extra);
  }
}
