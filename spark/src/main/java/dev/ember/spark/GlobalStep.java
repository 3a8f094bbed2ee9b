// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import scala.runtime.AbstractFunction2;

/**
 * One step's Spark job when every param is global (the driver holds them all): each task takes its
 * partition's rows of the step's minibatch from the epoch's index (two binary searches), runs the
 * {@link ShardEngine} on them, and the parts are merged in partition order ({@link PartsJob}).
 *
 * <pre>{@code
 * ShardResult r = GlobalStep.run(rows, index.window(e), contextBc, shipped, depth, times);
 * }</pre>
 */
final class GlobalStep {
  private GlobalStep() {}

  /** The step's parts over {@code rows}, the minibatch read from {@code window}. */
  static ShardResult run(JavaRDD<PartitionRows> rows, MinibatchIndex.Window window,
      Broadcast<FitContext> context, StepInputShipping.Shipped input, int depth,
      ExecutorTimes times) {
    return PartsJob.run(rows.rdd().zipPartitions(window.keys().rdd(), false,
        new Task(new StepTaskInputs(window.bounds(), window.first(), context, input, times)),
        PartsJob.tag(EpochKeys.class), PartsJob.PART), depth);
  }

  /**
   * A step's task: its rows of the minibatch through the engine (a named class: see {@link
   * PartsJob}).
   */
  private static final class Task extends
      AbstractFunction2<scala.collection.Iterator<PartitionRows>,
      scala.collection.Iterator<EpochKeys>, scala.collection.Iterator<ShardResult.Part>>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    private final StepTaskInputs inputs;

    Task(StepTaskInputs inputs) {
      this.inputs = inputs;
    }

    @Override
    public scala.collection.Iterator<ShardResult.Part> apply(
        scala.collection.Iterator<PartitionRows> r, scala.collection.Iterator<EpochKeys> k) {
      long start = System.nanoTime();
      long cpuStart = ExecutorTimes.cpuNow();
      PartitionRows pr = r.next();
      StepInput in = inputs.step();
      EpochKeys keys = inputs.keysOf(k);
      BatchBoundaries bb = inputs.bounds();
      // in position order, which is id order: the batch is laid out by id
      int[] at = Arrays.copyOfRange(keys.positions(), bb.start(keys, in.batch()),
          bb.end(keys, in.batch()));
      Arrays.sort(at);
      FitContext ctx = inputs.context().value();
      Iterator<ShardResult.Part> out = at.length == 0 ? Collections.emptyIterator()
          : List.of(ctx.engine().compute(TaskContext.getPartitionId(),
              ctx.engine().batch(pr, at, ctx.totalSeries(), ctx.local().steps()),
              () -> pr.rows(at, 0, at.length), in.state(ctx.constraints()), in.key(),
              ctx.totalSeries(), ctx.batchSize(), ctx.local().steps())).iterator();
      inputs.times().addCompute(start, cpuStart);
      return scala.jdk.javaapi.CollectionConverters.asScala(out);
    }
  }

  /**
   * The same computation on the rows of the given ids (sorted), wherever they are: a minibatch
   * chosen by the caller rather than by the index (tests of the shard arithmetic use it).
   */
  static ShardResult runOnIds(JavaRDD<PartitionRows> rows, long[] ids,
      Broadcast<FitContext> context, StepInputShipping.Shipped input, int depth) {
    long[] sorted = ids.clone();
    Arrays.sort(sorted);
    return rows.mapPartitions(r -> {
      PartitionRows pr = r.next();
      int[] at = Arrays.stream(sorted).mapToInt(pr::position).filter(p -> p >= 0).toArray();
      return part(pr.rows(at, 0, at.length), context.value(), input.value());
    }).treeAggregate(ShardResult.empty(), ShardResult::add, ShardResult::merge, depth);
  }

  private static Iterator<ShardResult.Part> part(List<SequenceRow> mine, FitContext ctx,
      StepInput in) {
    ShardResult.Part p = ctx.engine().compute(TaskContext.getPartitionId(), mine,
        in.state(ctx.constraints()), in.key(), ctx.totalSeries(), ctx.batchSize(),
        ctx.local().steps());
    return p == null ? Collections.emptyIterator() : List.of(p).iterator();
  }
}
