// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.random.RngKey;
import java.io.IOException;
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
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.Optional;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The per-series params of a fit on the cluster: an RDD of {@link SeriesShard}s, one per
 * partition of the data, each step making a new RDD from the previous one on the executors. The
 * driver holds only the RDD's lineage and the steps' broadcasts; the params themselves are never
 * collected or broadcast.
 *
 * <pre>{@code
 * SeriesTraining series = SeriesTraining.start(spark, dir, rows, engineBc, local, root, n);
 * ShardResult r = series.step(inputBc, depth, computeNs, false); // takes over inputBc
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
  private final JavaPairRDD<Long, SequenceRow> byId; // hash-partitioned by id, cached
  private final Broadcast<ShardEngine> engine;
  private final SeriesParams local;
  private final List<Broadcast<?>> live = new ArrayList<>();
  private JavaRDD<SeriesShard> shards;
  private int sinceCut;

  private SeriesTraining(SparkSession spark, String checkpointDir,
      JavaPairRDD<Long, SequenceRow> byId, Broadcast<ShardEngine> engine, SeriesParams local,
      JavaRDD<SeriesShard> shards) {
    this.spark = spark;
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.checkpointDir = checkpointDir;
    this.conf = jsc.hadoopConfiguration();
    this.byId = byId;
    this.engine = engine;
    this.local = local;
    this.shards = shards.persist(StorageLevel.MEMORY_AND_DISK());
    if (checkpointDir == null && !jsc.getCheckpointDir().isPresent()) {
      LOG.info("ember: per-series params {} are cut from their lineage by local checkpoints between "
          + "checkpoints; set a checkpoint directory (SparkSvi.Builder#checkpoint or "
          + "SparkContext#setCheckpointDir) to survive the loss of an executor", local.names());
    }
  }

  /**
   * The rows keyed by id and hash-partitioned into as many partitions as {@code rows} has: a
   * series stays in the same partition when the shards are rebuilt from a checkpoint, so the
   * partitions' sums, and the fit, keep their bits.
   */
  private static JavaPairRDD<Long, SequenceRow> byId(JavaRDD<SequenceRow> rows) {
    return rows.mapToPair(r -> new Tuple2<>(r.id(), r))
        .partitionBy(new HashPartitioner(rows.getNumPartitions()))
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Per-series params at their initial values, on the executors holding {@code rows};
   * checkpoints (and lineage snapshots) go to {@code checkpointDir} (null: none).
   */
  static SeriesTraining start(SparkSession spark, String checkpointDir, JavaRDD<SequenceRow> rows,
      Broadcast<ShardEngine> engine, SeriesParams local, RngKey root, long totalSeries) {
    JavaPairRDD<Long, SequenceRow> byId = byId(rows);
    JavaRDD<SeriesShard> shards = byId.mapPartitions(it -> {
      List<SequenceRow> mine = new ArrayList<>();
      it.forEachRemaining(t -> mine.add(t._2()));
      return List.of(SeriesShard.init(mine, engine.value(), local, root, totalSeries)).iterator();
    }, true);
    return new SeriesTraining(spark, checkpointDir, byId, engine, local, shards);
  }

  /** Per-series params as the per-series folder {@code seriesFolder} of a checkpoint holds them. */
  static SeriesTraining resume(SparkSession spark, String checkpointDir, String seriesFolder,
      JavaRDD<SequenceRow> rows, Broadcast<ShardEngine> engine, SeriesParams local) {
    JavaPairRDD<Long, SequenceRow> byId = byId(rows);
    return new SeriesTraining(spark, checkpointDir, byId, engine, local, read(spark, byId, local,
        slots(engine.value(), local), seriesFolder));
  }

  /**
   * One step: each partition steps its shard ({@link SeriesShard#step}); the parts are merged by
   * {@code treeAggregate}. Takes over {@code input}: it is destroyed when the lineage no longer
   * needs it.
   */
  ShardResult step(Broadcast<SparkSvi.StepInput> input, int depth, LongAccumulator compute,
      boolean checkpointFollows) {
    live.add(input);
    Broadcast<ShardEngine> e = engine;
    SeriesParams l = local;
    JavaRDD<SeriesShard> next = shards.mapPartitionsWithIndex((idx, it) -> {
      long start = System.nanoTime();
      List<SeriesShard> out = new ArrayList<>(1);
      while (it.hasNext()) {
        out.add(it.next().step(idx, e.value(), l, input.value()));
      }
      compute.add(System.nanoTime() - start);
      return out.iterator();
    }, true).persist(StorageLevel.MEMORY_AND_DISK());
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
    ShardResult result = next.mapPartitions((Iterator<SeriesShard> it) -> {
      List<ShardResult.Part> parts = new ArrayList<>(1);
      while (it.hasNext()) {
        ShardResult.Part p = it.next().part();
        if (p != null) {
          parts.add(p);
        }
      }
      return parts.iterator();
    }).treeAggregate(ShardResult.empty(), ShardResult::add, ShardResult::merge, depth);
    shards.unpersist(false);
    shards = next;
    if (cutBySpark) {
      // next is cut from its parents, but its own closure still holds this step's input
      live.remove(input);
      lineageCut();
      live.add(input);
    } else if (due) {
      // a snapshot in the checkpoint directory: recovery then reads files, not executors' disks
      String snapshot = String.format("%s%012d", LINEAGE_PREFIX, input.value().state().step() + 1);
      String path = new Path(checkpointDir, snapshot).toString();
      SeriesStateFiles.write(spark, shards.flatMap(sh -> sh.rowStates().iterator()), path);
      rebuildFrom(path);
      deleteLineageSnapshots(snapshot);
    }
    return result;
  }

  /**
   * Writes every series' params and moments into the per-series folder {@code folder} of a
   * checkpoint and rebuilds the shards from it, cutting their lineage; returns the summary of
   * what was read back, for the checkpoint's header, which commits it ({@link #committed}).
   */
  SeriesStateFiles.Summary checkpoint(String folder) {
    SeriesStateFiles.write(spark, shards.flatMap(sh -> sh.rowStates().iterator()), folder);
    return rebuildFrom(folder);
  }

  /** After the checkpoint's header is written: the lineage snapshots are no longer needed. */
  void committed() {
    deleteLineageSnapshots("");
  }

  /**
   * The shards read back from {@code path}, replacing the current ones; returns the summary of
   * every series' state read.
   */
  private SeriesStateFiles.Summary rebuildFrom(String path) {
    JavaRDD<SeriesShard> rebuilt = read(spark, byId, local, slots(engine.value(), local), path)
        .persist(StorageLevel.MEMORY_AND_DISK());
    // reads them now, while the old shards are still there
    SeriesStateFiles.Summary read = rebuilt.aggregate(SeriesStateFiles.Summary.empty(),
        (sum, sh) -> {
          for (SeriesShard.RowState st : sh.rowStates()) {
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
   * series' length along a time axis), computed from the shards and cached, cut from every RDD
   * that holds a broadcast (an RDD whose closure holds a destroyed broadcast can no longer be
   * shipped to a task); then the broadcasts are destroyed and the shards dropped.
   */
  JavaRDD<Row> finish() {
    SeriesParams l = local;
    JavaRDD<Row> out = shards.flatMap(s -> {
      List<Row> rows = new ArrayList<>();
      List<Map<String, double[]>> values = s.constrainedValues(l);
      for (int r = 0; r < values.size(); r++) {
        List<Object> fields = new ArrayList<>();
        fields.add(s.ids()[r]);
        for (double[] v : values.get(r).values()) {
          fields.add(v);
        }
        rows.add(RowFactory.create(fields.toArray()));
      }
      return rows.iterator();
    }).persist(StorageLevel.MEMORY_AND_DISK());
    out.rdd().localCheckpoint();
    out.count();
    discard();
    return out;
  }

  /** Drops everything: the broadcasts, the cached shards and rows. */
  void discard() {
    lineageCut();
    shards.unpersist(false);
    byId.unpersist(false);
  }

  /** Destroys the broadcasts that the lineage no longer needs: all of them. */
  private void lineageCut() {
    for (Broadcast<?> b : live) {
      b.destroy();
    }
    live.clear();
    sinceCut = 0;
  }

  /** The moments each per-series param has under the engine's optimizer. */
  private static int slots(ShardEngine engine, SeriesParams local) {
    return SeriesShard.slotCount(engine.svi().optimizer(), local);
  }

  /**
   * The rows joined by id with their states read from {@code seriesDir}, as shards, in the rows'
   * partitions. The closures hold no broadcast, so this lineage outlives the fit's broadcasts.
   */
  private static JavaRDD<SeriesShard> read(SparkSession spark,
      JavaPairRDD<Long, SequenceRow> byId, SeriesParams local, int slots, String seriesDir) {
    JavaPairRDD<Long, SeriesShard.RowState> states = SeriesStateFiles.read(spark, seriesDir)
        .mapToPair(s -> new Tuple2<>(s.id(), s));
    return byId.leftOuterJoin(states, byId.partitioner().get()).mapPartitions(it -> {
      List<SequenceRow> mine = new ArrayList<>();
      Map<Long, SeriesShard.RowState> found = new HashMap<>();
      while (it.hasNext()) {
        Tuple2<Long, Tuple2<SequenceRow, Optional<SeriesShard.RowState>>> t = it.next();
        mine.add(t._2()._1());
        if (t._2()._2().isPresent()) {
          found.put(t._1(), t._2()._2().get());
        }
      }
      return List.of(SeriesShard.restore(mine, found, local, slots)).iterator();
    }, true);
  }
}
