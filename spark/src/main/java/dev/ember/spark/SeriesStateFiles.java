// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Every series' per-series params and optimizer moments ({@link SeriesShard.RowState}) as a
 * Parquet folder, written and read by the executors: one row per series with columns {@code id}
 * (long), {@code params} ({@code array<array<double>>}: per param, in the checkpoint header's
 * order, its unconstrained slice flattened in row-major order) and {@code moments} ({@code
 * array<array<array<double>>>}: per param, its optimizer moments in the optimizer's slot order,
 * each flattened alike). Parquet stores the doubles' bits exactly, and any Parquet reader can
 * open the folder.
 *
 * <pre>{@code
 * SeriesStateFiles.write(spark, states, "hdfs:///ck/step-000000000100/series");
 * JavaRDD<SeriesShard.RowState> back = SeriesStateFiles.read(spark, path);
 * SeriesStateFiles.Summary s = SeriesStateFiles.summarize(back);  // rows and content hash
 * }</pre>
 *
 * <p>A checkpoint header records the {@link Summary} of what was written (the number of rows
 * and an order-independent hash of every id, value and moment, in {@link DataFingerprint}'s
 * mix), so that a damaged folder is recognised before a fit resumes from it. Reads also verify
 * the Parquet pages' own CRC checksums.
 */
final class SeriesStateFiles {
  private SeriesStateFiles() {}

  /** The folder's schema. */
  static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("params", DataTypes.createArrayType(
          DataTypes.createArrayType(DataTypes.DoubleType, false), false), false)
      .add("moments", DataTypes.createArrayType(DataTypes.createArrayType(
          DataTypes.createArrayType(DataTypes.DoubleType, false), false), false), false);

  private static final long HASH_KEY = 0x452821E638D01377L; // digits of pi, after DataFingerprint's

  /**
   * What a per-series folder holds, to check it against.
   *
   * @param rows the number of series
   * @param hash the sum over series of a hash of each one's id, params and moments
   */
  record Summary(long rows, long hash) implements Serializable {
    /** The summary of no series: the identity of {@link #merge}. */
    static Summary empty() {
      return new Summary(0, 0);
    }

    Summary add(SeriesShard.RowState s) {
      return new Summary(rows + 1, hash + rowHash(s));
    }

    Summary merge(Summary other) {
      return new Summary(rows + other.rows, hash + other.hash);
    }
  }

  /** Writes {@code states} as Parquet into {@code path}, replacing whatever is there. */
  static void write(SparkSession spark, JavaRDD<SeriesShard.RowState> states, String path) {
    Path p = new Path(path);
    try {
      p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint: clearing " + path + " failed", e);
    }
    JavaRDD<Row> rows = states.map(SeriesStateFiles::toRow);
    spark.createDataFrame(rows, SCHEMA).write().parquet(path);
  }

  /** The states in the Parquet folder {@code path}, its pages' checksums verified. */
  static JavaRDD<SeriesShard.RowState> read(SparkSession spark, String path) {
    return spark.read().option("parquet.page.verify-checksum.enabled", "true").schema(SCHEMA)
        .parquet(path).javaRDD().map(SeriesStateFiles::fromRow);
  }

  /** The number of states and their hash, computed on the executors. */
  static Summary summarize(JavaRDD<SeriesShard.RowState> states) {
    return states.aggregate(Summary.empty(), Summary::add, Summary::merge);
  }

  /** One series' hash: its id, then each param's values and moments, chained. */
  static long rowHash(SeriesShard.RowState s) {
    long h = DataFingerprint.mix(HASH_KEY ^ s.id());
    for (int p = 0; p < s.values().length; p++) {
      h = DataFingerprint.chain(h, s.values()[p]);
      for (double[] moment : s.slots()[p]) {
        h = DataFingerprint.chain(h, moment);
      }
    }
    return h;
  }

  private static Row toRow(SeriesShard.RowState s) {
    return RowFactory.create(s.id(), s.values(), s.slots());
  }

  private static SeriesShard.RowState fromRow(Row r) {
    List<Object> params = r.getList(1);
    List<Object> moments = r.getList(2);
    double[][] values = new double[params.size()][];
    double[][][] slots = new double[params.size()][][];
    for (int p = 0; p < values.length; p++) {
      values[p] = doubles(params.get(p));
      List<Object> ms = list(moments.get(p));
      slots[p] = new double[ms.size()][];
      for (int k = 0; k < ms.size(); k++) {
        slots[p][k] = doubles(ms.get(k));
      }
    }
    return new SeriesShard.RowState(r.getLong(0), values, slots);
  }

  /** A nested array column's element (a Scala sequence) as a Java list. */
  private static List<Object> list(Object seq) {
    List<Object> out = new ArrayList<>();
    scala.jdk.javaapi.CollectionConverters.asJava(((scala.collection.Seq<?>) seq).iterator())
        .forEachRemaining(out::add);
    return out;
  }

  private static double[] doubles(Object seq) {
    List<Object> l = list(seq);
    double[] out = new double[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (Double) l.get(i);
    }
    return out;
  }
}
