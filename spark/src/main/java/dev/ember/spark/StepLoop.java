// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.data.SequenceBatch;
import dev.ember.infer.ProgressBar;
import dev.ember.infer.Svi;
import dev.ember.infer.SviState;
import dev.ember.infer.optim.OptimizerState;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fit's driver loop, from the data to the fitted model:
 *
 * <ol>
 *   <li>the set-up pass ({@link DataPreparation}: one job validates, caches and summarizes the
 *       rows; nothing of size N reaches the driver), then the first minibatch's rows fetched and
 *       the params initialised on them or resumed from a checkpoint ({@link FitStart});
 *   <li>with per-series params, the rows regrouped by id if their partitions' id ranges overlap,
 *       each series' state to be made where its row is by the first step that holds it, or read
 *       back from the checkpoint when resuming ({@link SeriesTraining});
 *   <li>each step: the epoch's index ({@link MinibatchIndex}, built for a window of epochs),
 *       the step's input (global params, key, step: {@link StepInput}) shipped, one job whose tasks
 *       compute their rows' weighted terms in one backward pass, the parts summed in partition
 *       order, the optimizer stepped on the driver, and at its interval a checkpoint.
 * </ol>
 *
 * <pre>{@code
 * SparkSviModel fit = StepLoop.run(settings, data, 2000);
 * }</pre>
 */
final class StepLoop {
  private static final Logger LOG = LoggerFactory.getLogger(StepLoop.class);

  private StepLoop() {}

  /** Fits for {@code steps} steps in all (resuming from the latest checkpoint if there is one). */
  static SparkSviModel run(FitSettings s, Dataset<Row> data, int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("fit: steps must be >= 0, got " + steps);
    }
    // the folder's lock first: a second run on it is refused before any work
    try (CheckpointStore store = s.checkpointDir() == null ? null : CheckpointStore.open(
        s.checkpointDir(), data.sparkSession(), s.staleLockAfter(), s.takeOverStaleLock(),
        s.console())) {
      return run(s, data, steps, store);
    }
  }

  private static SparkSviModel run(FitSettings s, Dataset<Row> data, int steps,
      CheckpointStore store) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
    DatasetReader reader = DatasetReader.of(data.schema(), s.columns());
    long t0 = System.nanoTime();
    DataPreparation.Prepared prepared = JobDescription.described(jsc, "ember set-up",
        () -> DataPreparation.prepare(data, reader, s.skipInvalidRows(),
            new DataPreparation.KeyCounts(s.seed(), BatchBoundaries.MAX_SPLIT)));
    MinibatchIndex index = null;
    Broadcast<FitContext> ctxBc = null;
    DataPreparation.Regrouped byId = null;
    try {
      DataSummary summary = prepared.summary();
      long n = summary.valid();
      int batch = s.batchFor(n);
      summary.values().scaleWarning().ifPresent(w -> LOG.warn("ember: {}", w));
      long t1 = System.nanoTime();
      index = new MinibatchIndex(jsc, prepared.rows(), n, batch, s.seed(),
          prepared.epochZeroCounts());
      List<List<SequenceRow>> firstRows = index.fetch(0, summary.smallestIds());
      long t2 = System.nanoTime();
      RunDefinition run = s.runDefinition(summary.fingerprint(), batch, steps);
      FitStart start = FitStart.of(s, firstRows, summary, store, run);
      ctxBc = jsc.broadcast(new FitContext(s.engine(), start.state().constraints(), start.local(),
          n, batch));
      long t3 = System.nanoTime();
      SeriesTraining series = null;
      if (!start.local().isEmpty()) {
        LOG.info("ember: per-series params {} are kept with the data, on the executors",
            start.local().names());
        // state follows its row by a function of the id: the partitions' own id ranges when
        // they are disjoint, else a hash of the id after the rows are regrouped by it
        Partitioner route = prepared.byId();
        if (route == null) {
          int partitions = prepared.rows().getNumPartitions();
          byId = JobDescription.described(jsc, "ember series by id", () -> DataPreparation.byId(
              prepared.rows(), partitions, false, reader.covariateNames(), List.of()));
          index = index.over(byId.rows());
          route = DataPreparation.seriesPartitioner(partitions);
        }
        series = start.resumed() != null
            ? SeriesTraining.resume(data.sparkSession(), s.checkpointDir(),
                store.seriesFolder(start.state().step()), index, route, ctxBc)
            : SeriesTraining.start(data.sparkSession(), s.checkpointDir(), index, route, ctxBc,
                RngKey.of(s.seed()));
      }
      SetupTimings setup = new SetupTimings(t1 - t0, t2 - t1, t3 - t2, System.nanoTime() - t3);
      Loop loop = new Loop(jsc, s, index, ctxBc, series, batch, steps, store, run);
      SviState state = loop.run(start.state(), start.local(), start.losses());
      StepTimings stepTimings = loop.timings.timings();
      // where the fit's time went, in the driver's log (SparkSviModel#timings has the figures)
      LOG.info("ember: steps run: {}; {}; {}", stepTimings.steps(), setup.summary(),
          stepTimings.summary());
      Optional<Dataset<Row>> perSeries = Optional.ofNullable(loop.perSeriesRows)
          .map(r -> seriesParamsFrame(data.sparkSession(), r, start.local()));
      RngKey next = state.key().split()[1];
      return new SparkSviModel(s.setup(), new FittedParams(s.svi().getParams(state),
          start.local(), perSeries, next), toArray(start.losses()), state,
          new SparkSviModel.FitData(n, prepared.skipped(), summary.fingerprint(),
              summary.values()), batch, stepTimings, setup);
    } finally {
      if (index != null) {
        index.close();
      }
      if (ctxBc != null) {
        ctxBc.destroy();
      }
      if (byId != null) {
        byId.persisted().unpersist(false);
      }
      prepared.unpersist();
    }
  }

  /** The steps themselves. */
  private static final class Loop {
    private final JavaSparkContext jsc;
    private final FitSettings s;
    private final MinibatchIndex index;
    private final Broadcast<FitContext> ctx;
    private final SeriesTraining series;
    private final int batch;
    private final int steps;
    private final CheckpointStore store; // null without checkpoints
    private final RunDefinition run;
    private final StepTimings.Recorder timings = new StepTimings.Recorder();
    private JavaRDD<Row> perSeriesRows;

    Loop(JavaSparkContext jsc, FitSettings s, MinibatchIndex index, Broadcast<FitContext> ctx,
        SeriesTraining series, int batch, int steps, CheckpointStore store, RunDefinition run) {
      this.jsc = jsc;
      this.s = s;
      this.index = index;
      this.ctx = ctx;
      this.series = series;
      this.batch = batch;
      this.steps = steps;
      this.store = store;
      this.run = run;
    }

    /** Runs the steps from {@code state}, adding each step's loss to {@code losses}. */
    SviState run(SviState state, SeriesParams local, List<Double> losses) {
      Svi<SequenceBatch> svi = s.svi();
      ProgressBar bar = s.progressBar(steps);
      int partitions = index.rows().getNumPartitions();
      int depth = s.aggregationDepth() > 0 ? s.aggregationDepth() : (partitions > 64 ? 2 : 1);
      int gradSize = ShardEngine.flatten(state.optimizer().params(), state).length;
      ExecutorTimes times = ExecutorTimes.register(jsc);
      String previous = jsc.getLocalProperty("spark.job.description");
      boolean finished = false;
      try {
        for (long step = state.step(); step < steps; step++) {
          long t0 = System.nanoTime();
          MinibatchIndex.Window window = index.window(index.epochOf(step));
          if (series == null) {
            index.destroyRetired(); // no lineage reaches back to a past window
          }
          RngKey[] k = state.key().split();
          StepInput in = new StepInput(state.optimizer().params(), k[1], step,
              state.optimizer().step(), index.epochOf(step), index.batchOf(step));
          long t1 = System.nanoTime();
          StepInputShipping.Shipped shipped = StepInputShipping.inlineWhenSmall(jsc, in);
          long t2 = System.nanoTime();
          long[] executorsBefore = times.values();
          jsc.setJobDescription("ember step " + (step + 1) + "/" + steps);
          boolean checkpointDue = store != null
              && ((step + 1) % s.checkpointInterval() == 0 || step + 1 == steps);
          ShardResult result;
          if (series != null) {
            // keeps shipped
            result = series.step(shipped, window, depth, times, checkpointDue);
          } else {
            try {
              result = GlobalStep.run(index.rows(), window, ctx, shipped, depth, times);
            } finally {
              shipped.release();
            }
          }
          long t3 = System.nanoTime();
          double loss = result.loss();
          double[] grad = result.gradient(gradSize);
          check(step, result, loss, grad);
          state = update(svi, state, k[0], grad);
          losses.add(loss);
          bar.update(step + 1, loss, result.rows());
          long t4 = System.nanoTime();
          if (checkpointDue) {
            checkpoint(state, local, losses);
          }
          timings.add(t1 - t0, t2 - t1, t3 - t2,
              ExecutorTimes.since(times.values(), executorsBefore), t4 - t3,
              System.nanoTime() - t4);
          if ((step + 1) % 100 == 0 || step + 1 == steps) {
            LOG.info("ember step {}/{}: loss {}", step + 1, steps, loss);
          }
        }
        if (series != null) {
          perSeriesRows = series.finish();
        }
        finished = true;
        return state;
      } finally {
        jsc.setJobDescription(previous);
        if (series != null && !finished) {
          series.discard();
        }
        bar.finish();
      }
    }

    /** Refuses a step whose minibatch is not B rows, or whose loss or gradient is not finite. */
    private void check(long step, ShardResult result, double loss, double[] grad) {
      if (result.rows() != batch) {
        throw new IllegalStateException("SparkSvi step " + step + ": the minibatch has "
            + result.rows() + " rows, not B = " + batch + "; did the data change during the fit?");
      }
      if (!ShardEngine.finite(loss, grad)) {
        throw new ArithmeticException("SparkSvi step " + step + ": the loss (" + loss
            + ") or its gradient is not finite: " + String.join("; ", result.problems())
            + "; check those series' values and the model's scale (the data pass validation as "
            + "long as every value is finite)");
      }
    }

    /**
     * Writes the checkpoint of {@code state}, the one place a fit's checkpoints are written: the
     * per-series state first (by the executors, into the checkpoint's folder), then the header,
     * which commits it ({@link CheckpointStore}).
     */
    private void checkpoint(SviState state, SeriesParams local, List<Double> losses) {
      jsc.setJobDescription("ember checkpoint at step " + state.step());
      String seriesFolder = store.prepare(state.step());
      SeriesStateFiles.Summary written = series == null ? null : series.checkpoint(seriesFolder);
      store.commit(new Checkpoint(run, state, toArray(losses), local, written));
      if (series != null) {
        series.committed();
      }
    }

    /** The optimizer step on the summed gradient. */
    private static SviState update(Svi<SequenceBatch> svi, SviState state, RngKey next,
        double[] grad) {
      Map<String, Tensor> grads = ShardEngine.unflatten(grad, state);
      OptimizerState o = svi.optimizer().update(grads, state.optimizer());
      return new SviState(o, next, state.step() + 1, state.skippedSteps(), state.constraints());
    }
  }

  /** The per-series params as a DataFrame: id and one array column per param. */
  private static Dataset<Row> seriesParamsFrame(SparkSession spark, JavaRDD<Row> rows,
      SeriesParams local) {
    StructType schema = new StructType().add("id", DataTypes.LongType, false);
    for (String name : local.names()) {
      schema = schema.add(name, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    }
    return spark.createDataFrame(rows, schema);
  }

  private static double[] toArray(List<Double> l) {
    double[] a = new double[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }
}
