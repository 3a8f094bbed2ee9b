// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.random.RngKey;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction3;

/**
 * The per-series params of a fit on the cluster: an RDD of {@link SeriesShard}s, one per
 * partition of the data, each step making a new RDD from the previous one on the executors. The
 * driver holds only the RDD's lineage and the steps' broadcasts; the params themselves are never
 * collected or broadcast.
 *
 * <pre>{@code
 * SeriesTraining series = SeriesTraining.start(spark, dir, index, byId, contextBc, root);
 * // takes over input
 * ShardResult r = series.step(input, window, depth, times, false);
 * SeriesStateFiles.Summary s = series.checkpoint(folder); // then the checkpoint's header,
 * series.committed();                        // which commits it
 * JavaRDD<Row> perSeries = series.finish();
 * }</pre>
 *
 * <p>Fault tolerance: a lost partition is recomputed from its lineage, which goes back to the
 * last cut; the broadcasts of the steps since then are kept alive for that and destroyed when
 * the lineage is cut. It is cut at each checkpoint ({@link #checkpoint}: the shards are rebuilt
 * from the Parquet files just written ({@link SeriesStateFiles}), so recovery reads them) and
 * when none has cut it for {@link #LINEAGE_STEPS} steps: by a snapshot in the checkpoint
 * directory written alike, or without one by Spark's reliable RDD checkpoint if the
 * SparkContext has a checkpoint directory, else by a local checkpoint (then losing an executor
 * fails the fit, which the log says at the start).
 */
final class SeriesTraining {
  private static final Logger LOG = LoggerFactory.getLogger(SeriesTraining.class);

  /** Steps after which the lineage is cut if no checkpoint has cut it. */
  static final int LINEAGE_STEPS = 50;

  /** Per-series state written only to cut the lineage between checkpoints. */
  private static final String LINEAGE_PREFIX = "lineage-";

  private final SparkSession spark;
  private final JavaSparkContext jsc;
  private final String checkpointDir; // null without checkpoints
  private final Configuration conf;
  private final MinibatchIndex index; // over rows that byId routes each id to
  private final Partitioner byId; // the partition of index.rows() that holds an id
  private final Broadcast<FitContext> context;
  private final SeriesParams local;
  private final List<StepInputShipping.Shipped> live = new ArrayList<>();
  private JavaRDD<SeriesShard> shards;
  private int sinceCut;

  private SeriesTraining(SparkSession spark, String checkpointDir, MinibatchIndex index,
      Partitioner byId, Broadcast<FitContext> context, JavaRDD<SeriesShard> shards) {
    this.spark = spark;
    this.byId = byId;
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.checkpointDir = checkpointDir;
    this.conf = jsc.hadoopConfiguration();
    this.index = index;
    this.context = context;
    this.local = context.value().local();
    this.shards = shards.persist(StorageLevel.MEMORY_AND_DISK());
    if (checkpointDir == null && !jsc.getCheckpointDir().isPresent()) {
      LOG.info("ember: per-series params {} are cut from their lineage by local checkpoints "
          + "between checkpoints; set a checkpoint directory (SparkSvi.Builder#checkpoint or "
          + "SparkContext#setCheckpointDir) to survive the loss of an executor", local.names());
    }
  }

  /**
   * Per-series params at their initial values (the guide's initialisation with {@code root}), on
   * the executors holding the rows of {@code index}, whose partition of each id {@code byId} gives
   * (a checkpoint's state is routed to its row by it); checkpoints (and lineage snapshots) go to
   * {@code checkpointDir} (null: none). Nothing is computed yet: a series' state is made by the
   * first step whose minibatch holds it ({@link SeriesShard#unset}), so the set-up costs nothing
   * per series.
   */
  static SeriesTraining start(SparkSession spark, String checkpointDir, MinibatchIndex index,
      Partitioner byId, Broadcast<FitContext> context, RngKey root) {
    int width = context.value().local().width();
    int slots = slots(context.value());
    JavaRDD<SeriesShard> shards = index.rows().map(pr -> SeriesShard.unset(pr, width, slots,
        root));
    return new SeriesTraining(spark, checkpointDir, index, byId, context, shards);
  }

  /**
   * Per-series params as the per-series folder {@code seriesFolder} of a checkpoint holds them,
   * read now, before the first step.
   */
  static SeriesTraining resume(SparkSession spark, String checkpointDir, String seriesFolder,
      MinibatchIndex index, Partitioner byId, Broadcast<FitContext> context) {
    SeriesTraining t = new SeriesTraining(spark, checkpointDir, index, byId, context, read(spark,
        index.rows(), byId, context.value().local(), slots(context.value()), seriesFolder));
    JobDescription.described(t.jsc, "ember per-series state", t.shards::count);
    return t;
  }

  /**
   * One step: each partition steps its shard ({@link SeriesShard#step}) on its rows of the step's
   * minibatch; the parts are merged by {@code treeAggregate}. Takes over {@code input}: it is
   * released when the lineage no longer needs it.
   */
  ShardResult step(StepInputShipping.Shipped input, MinibatchIndex.Window window, int depth,
      ExecutorTimes times, boolean checkpointFollows) {
    live.add(input);
    JavaRDD<SeriesShard> next = JavaRDD.fromRDD(shards.rdd().zipPartitions(index.rows().rdd(),
        window.keys().rdd(), false, new StepTask(new StepTaskInputs(window.bounds(),
            window.first(), context, input, times)), PartsJob.tag(PartitionRows.class),
        PartsJob.tag(EpochKeys.class), PartsJob.tag(SeriesShard.class)),
        PartsJob.tag(SeriesShard.class))
        .persist(StorageLevel.MEMORY_AND_DISK());
    boolean due = ++sinceCut >= LINEAGE_STEPS && !checkpointFollows;
    boolean cutBySpark = due && checkpointDir == null;
    if (cutBySpark) {
      // marked before the job that computes it: Spark writes it when that job ends
      if (jsc.getCheckpointDir().isPresent()) {
        next.checkpoint();
      } else {
        next.rdd().localCheckpoint();
      }
    }
    ShardResult result = PartsJob.run(next.rdd().mapPartitions(new PartOf(), false,
        PartsJob.PART), depth);
    shards.unpersist(false);
    shards = next;
    if (cutBySpark) {
      // next is cut from its parents, but its own closure still holds this step's input
      live.remove(input);
      lineageCut();
      live.add(input);
    } else if (due) {
      // a snapshot in the checkpoint directory: recovery then reads files, not executors' disks
      String snapshot = String.format("%s%012d", LINEAGE_PREFIX, input.value().step() + 1);
      String path = new Path(checkpointDir, snapshot).toString();
      write(path);
      rebuildFrom(path);
      deleteLineageSnapshots(snapshot);
    }
    return result;
  }

  /**
   * A step's task: a partition's shard stepped on its rows of the minibatch (named classes, not
   * lambdas: see {@link PartsJob}).
   */
  private static final class StepTask extends
      AbstractFunction3<scala.collection.Iterator<SeriesShard>,
      scala.collection.Iterator<PartitionRows>, scala.collection.Iterator<EpochKeys>,
      scala.collection.Iterator<SeriesShard>> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final StepTaskInputs inputs;

    StepTask(StepTaskInputs inputs) {
      this.inputs = inputs;
    }

    @Override
    public scala.collection.Iterator<SeriesShard> apply(scala.collection.Iterator<SeriesShard> s,
        scala.collection.Iterator<PartitionRows> r, scala.collection.Iterator<EpochKeys> k) {
      long start = System.nanoTime();
      long cpuStart = ExecutorTimes.cpuNow();
      SeriesShard out = s.next().step(TaskContext.getPartitionId(), r.next(), inputs.keysOf(k),
          inputs.bounds(), inputs.context().value(), inputs.step());
      inputs.times().addSeriesState(out.cost());
      inputs.times().addCompute(start, cpuStart);
      return scala.jdk.javaapi.CollectionConverters.asScala(List.of(out).iterator());
    }
  }

  /** A shard's part of the step that made it, if any. */
  private static final class PartOf extends
      AbstractFunction1<scala.collection.Iterator<SeriesShard>,
      scala.collection.Iterator<ShardResult.Part>> implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public scala.collection.Iterator<ShardResult.Part> apply(
        scala.collection.Iterator<SeriesShard> it) {
      List<ShardResult.Part> parts = new ArrayList<>(1);
      while (it.hasNext()) {
        ShardResult.Part p = it.next().part();
        if (p != null) {
          parts.add(p);
        }
      }
      return PartsJob.iterator(parts);
    }
  }

  /**
   * Writes every series' params and moments into the per-series folder {@code folder} of a
   * checkpoint and rebuilds the shards from it, cutting their lineage; returns the summary of
   * what was read back, for the checkpoint's header, which commits it ({@link #committed}).
   */
  SeriesStateFiles.Summary checkpoint(String folder) {
    write(folder);
    return rebuildFrom(folder);
  }

  /** After the checkpoint's header is written: the lineage snapshots are no longer needed. */
  void committed() {
    deleteLineageSnapshots("");
  }

  /**
   * Writes every series' state as Parquet into {@code path} ({@link SeriesStateFiles}), making
   * the state of the series no step has held yet.
   */
  private void write(String path) {
    SeriesParams l = local;
    Broadcast<FitContext> ctx = context;
    SeriesStateFiles.write(spark, shards.zipPartitions(index.rows(),
        (Iterator<SeriesShard> it, Iterator<PartitionRows> r) ->
            it.next().initialised(r.next(), ctx.value()).rowStates(l).iterator()), path);
  }

  /**
   * The shards read back from {@code path}, replacing the current ones; returns the summary of
   * every series' state read.
   */
  private SeriesStateFiles.Summary rebuildFrom(String path) {
    JavaRDD<SeriesShard> rebuilt = read(spark, index.rows(), byId, local, slots(context.value()),
        path)
        .persist(StorageLevel.MEMORY_AND_DISK());
    SeriesParams l = local;
    // reads them now, while the old shards are still there
    SeriesStateFiles.Summary read = rebuilt.aggregate(SeriesStateFiles.Summary.empty(),
        (sum, sh) -> {
          for (SeriesShard.RowState st : sh.rowStates(l)) {
            sum = sum.add(st);
          }
          return sum;
        }, SeriesStateFiles.Summary::merge);
    LOG.info("ember: per-series state read back from {} (its lineage starts there)", path);
    shards.unpersist(false);
    shards = rebuilt;
    lineageCut();
    return read;
  }

  /** Deletes the lineage snapshots in the checkpoint directory but {@code keep}. */
  private void deleteLineageSnapshots(String keep) {
    try {
      Path d = new Path(checkpointDir);
      FileSystem fs = d.getFileSystem(conf);
      for (FileStatus st : fs.listStatus(d)) {
        String n = st.getPath().getName();
        if (st.isDirectory() && n.startsWith(LINEAGE_PREFIX) && !n.equals(keep)) {
          fs.delete(st.getPath(), true);
        }
      }
    } catch (IOException ex) {
      throw new UncheckedIOException("checkpoint: deleting old lineage snapshots in "
          + checkpointDir + " failed", ex);
    }
  }

  /**
   * Ends the fit: one row per series (its id and, per param, its constrained slice, cut to the
   * series' length along a time axis; a series no step held at its initial value), computed from
   * the shards and cached, cut from every RDD that holds a broadcast (an RDD whose closure holds a
   * destroyed broadcast can no longer be shipped to a task); then the broadcasts are destroyed and
   * the shards dropped.
   */
  JavaRDD<Row> finish() {
    SeriesParams l = local;
    Broadcast<FitContext> ctx = context;
    JavaRDD<Row> out = shards.zipPartitions(index.rows(), (Iterator<SeriesShard> it,
        Iterator<PartitionRows> r) -> {
      PartitionRows pr = r.next();
      SeriesShard s = it.next().initialised(pr, ctx.value());
      List<Row> rows = new ArrayList<>();
      for (Map.Entry<Long, Map<String, double[]>> e : s.constrainedValues(l, pr)) {
        List<Object> fields = new ArrayList<>();
        fields.add(e.getKey());
        fields.addAll(e.getValue().values());
        rows.add(RowFactory.create(fields.toArray()));
      }
      return rows.iterator();
    }).persist(StorageLevel.MEMORY_AND_DISK());
    out.rdd().localCheckpoint();
    out.count();
    discard();
    return out;
  }

  /** Drops everything: the step inputs, past epochs' boundaries and the cached shards. */
  void discard() {
    lineageCut();
    shards.unpersist(false);
  }

  /**
   * Releases what the lineage no longer needs: every step's input and past epochs' boundaries
   * (the current epoch's stay, for the steps still to come).
   */
  private void lineageCut() {
    for (StepInputShipping.Shipped in : live) {
      in.release();
    }
    live.clear();
    index.destroyRetired();
    sinceCut = 0;
  }

  /** The moments each per-series param has under the fit's optimizer. */
  private static int slots(FitContext ctx) {
    return SeriesUpdate.slotCount(ctx.engine().svi().optimizer(), ctx.local());
  }

  /**
   * The rows with their states read from the per-series folder {@code seriesDir} ({@link
   * SeriesStateFiles}), as shards: the states are routed to their rows' partitions by {@code
   * byId}, the function that gives each id's partition of {@code rows}. The closures hold no
   * broadcast, so this lineage outlives the fit's broadcasts.
   */
  private static JavaRDD<SeriesShard> read(SparkSession spark, JavaRDD<PartitionRows> rows,
      Partitioner byId, SeriesParams local, int slots, String seriesDir) {
    JavaRDD<SeriesShard.RowState> states = SeriesStateFiles.read(spark, seriesDir)
        .mapToPair(s -> new Tuple2<>(s.id(), s))
        .partitionBy(byId)
        .values();
    return rows.zipPartitions(states, (Iterator<PartitionRows> r,
        Iterator<SeriesShard.RowState> it) -> {
      Map<Long, SeriesShard.RowState> found = new HashMap<>();
      it.forEachRemaining(st -> found.put(st.id(), st));
      return List.of(SeriesShard.restore(r.next(), found, local, slots)).iterator();
    });
  }
}
