// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.data.SequenceBatch;
import dev.ember.infer.Svi;
import dev.ember.infer.SviState;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Where a fit starts: the params initialised on the first step's minibatch (B rows, fetched to the
 * driver by the minibatch index), the guide's per-series params found ({@link
 * SeriesParams#detect}), and, if the checkpoint folder holds a checkpoint of this run, the state
 * it resumes from.
 *
 * <pre>{@code
 * FitStart start = FitStart.of(settings, index.fetch(0, summary.smallestIds()), summary, store,
 *     run);
 * start.state();       // the driver's state: global params and their moments
 * start.local();       // the per-series params, if any
 * }</pre>
 *
 * @param state the state the first step runs from (global params only)
 * @param local the per-series params ({@link SeriesParams#none()} without)
 * @param losses the losses of the steps already run (those of a resumed checkpoint)
 * @param resumed the checkpoint resumed from, or null
 */
record FitStart(SviState state, SeriesParams local, List<Double> losses, Checkpoint resumed) {
  /**
   * The start of a fit with {@code settings} on the data of {@code summary}, whose first
   * minibatch and rows of its two smallest ids are {@code fetched} ({@link MinibatchIndex#fetch}):
   * resumed from {@code store}'s newest whole checkpoint of the run {@code run} if it has one
   * ({@link CheckpointStore#resume}: another run's checkpoint is refused, naming each
   * difference), else initialised.
   *
   * @param store the fit's checkpoint folder, or null without checkpoints
   * @param run what defines the fit
   */
  static FitStart of(FitSettings settings, List<List<SequenceRow>> fetched, DataSummary summary,
      CheckpointStore store, RunDefinition run) {
    long n = summary.valid();
    Svi<SequenceBatch> svi = settings.svi();
    ShardEngine engine = settings.engine();
    RngKey root = RngKey.of(settings.seed());
    List<SequenceRow> first = fetched.get(0);
    SviState full = svi.init(root, engine.batch(first, n));
    SeriesParams local = detect(svi, engine, first, fetched.get(1), n, root, full,
        summary.longest());
    SviState global = local.globalPart(full, svi.optimizer());
    Checkpoint resumed = store == null ? null : store.resume(run, global, local);
    if (resumed == null) {
      return new FitStart(global, local, new ArrayList<>(), null);
    }
    List<Double> losses = new ArrayList<>();
    for (double l : resumed.losses()) {
      losses.add(l);
    }
    return new FitStart(resumed.state(), local, losses, resumed);
  }

  /**
   * The per-series params of the guide ({@link SeriesParams#detect}): none unless some param's
   * shape changes between the first minibatch and its first row; then the guide is initialised
   * on one row and on two (the data's two smallest ids), both padded to the longest series of the
   * data, which every batch is padded to from then on.
   */
  private static SeriesParams detect(Svi<SequenceBatch> svi, ShardEngine engine,
      List<SequenceRow> first, List<SequenceRow> smallest, long n, RngKey root, SviState full,
      int longest) {
    if (n < 2) {
      return SeriesParams.none(); // one series: its params are the fit's params
    }
    if (first.size() > 1) {
      SviState one = svi.init(root, engine.batch(first.subList(0, 1), n));
      boolean same = true;
      for (Map.Entry<String, Tensor> e : full.optimizer().params().entrySet()) {
        same &= one.optimizer().params().get(e.getKey()).shape().equals(e.getValue().shape());
      }
      if (same) {
        return SeriesParams.none();
      }
    }
    List<SequenceRow> pair = new ArrayList<>(smallest);
    pair.sort(Comparator.comparingLong(SequenceRow::id));
    SequenceRow firstRow = pair.get(0);
    SviState alone = svi.init(root, engine.batch(List.of(firstRow), n, longest));
    SviState both = svi.init(root, engine.batch(pair, n, longest));
    SviState longer = svi.init(root, engine.batch(List.of(firstRow), n, longest + 1));
    return SeriesParams.detect(alone, both, longer, 0, longest);
  }
}
