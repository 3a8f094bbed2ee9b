// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.data.SequenceBatch;
import dev.ember.handlers.Model;
import dev.ember.infer.Svi;
import dev.ember.infer.optim.Sgd;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The on-disk form of a {@link SparkSviModel}, a directory of three parts written with Spark's
 * own readers and writers (so any Hadoop path works): {@code metadata/} (JSON, one row: format
 * version, N, skipped rows, B, step, the next step's key, losses, columns, series plate,
 * particles, the data's fingerprint and value statistics, the per-series params' layout), {@code
 * params/} (JSON, one row per global param: name, shape, constrained values in row-major order;
 * doubles are written in their shortest exact form, so they read back bit for bit) and, with
 * per-series params, {@code series-params/} (Parquet: id and one array column per param).
 *
 * <pre>{@code
 * SparkSviModelStore.save(model, setup, fitted, data, "/models/ar1");
 * SparkSviModel m = SparkSviModelStore.load(spark, "/models/ar1", model, guide);
 * }</pre>
 *
 * <p>A loaded model evaluates and predicts; it does not resume training (its optimizer state is
 * not saved, and its per-series layout has no constraints, which only training uses).
 */
final class SparkSviModelStore {
  private SparkSviModelStore() {}

  /** The format version written. */
  static final int FORMAT = 1;

  private static final StructType LAYOUT = new StructType().add("name", "string")
      .add("axis", "int").add("slice", "array<int>").add("timeAxis", "int");
  private static final StructType METADATA = new StructType().add("format", "int")
      .add("series", "long").add("skippedRows", "long").add("batchSize", "int")
      .add("step", "long").add("nextKey", "array<int>").add("losses", "array<double>")
      .add("idColumn", "string").add("valuesColumn", "string")
      .add("covariateNames", "array<string>").add("covariateKinds", "array<string>")
      .add("seriesPlate", "string").add("particles", "int").add("skipInvalidRows", "boolean")
      .add("fingerprint", "array<long>").add("valueCount", "long").add("valueMean", "double")
      .add("valueM2", "double").add("layoutSteps", "int")
      .add("layout", DataTypes.createArrayType(LAYOUT));
  private static final StructType PARAMS = new StructType().add("name", "string")
      .add("shape", "array<int>").add("values", "array<double>");

  static void save(SparkSviModel m, ModelSetup setup, FittedParams fitted,
      SparkSviModel.FitData data, String path) {
    SparkSession spark = SparkSession.active();
    Path root = new Path(path);
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(root)) {
        throw new IllegalArgumentException("save: " + path + " already exists; save into a new "
            + "path (a model is never written over existing files)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("save: checking " + path + " failed", e);
    }
    List<Object> layout = new ArrayList<>();
    for (SeriesParams.Local l : fitted.layout().locals()) {
      layout.add(RowFactory.create(l.name(), l.axis(), ints(l.slice().toArray()), l.timeAxis()));
    }
    List<String> covNames = new ArrayList<>(setup.columns().covariates.keySet());
    List<String> covKinds = covNames.stream()
        .map(n -> setup.columns().covariates.get(n).name()).toList();
    RngKey key = fitted.nextKey();
    Row meta = RowFactory.create(FORMAT, m.series(), m.skippedRows(), m.batchSize(),
        m.state() == null ? 0L : m.state().step(),
        key == null ? null : List.of(key.word0(), key.word1()), doubles(m.losses()),
        setup.columns().id, setup.columns().values, covNames, covKinds, setup.seriesPlate(),
        setup.particles(), setup.skipInvalidRows(),
        data == null ? null : List.of(data.fingerprint().series(), data.fingerprint().lane0(),
            data.fingerprint().lane1()),
        data == null ? null : data.values().count(), data == null ? null : data.values().mean(),
        data == null ? null : data.values().m2(), fitted.layout().steps(), layout);
    spark.createDataFrame(List.of(meta), METADATA).coalesce(1).write()
        .json(new Path(root, "metadata").toString());
    List<Row> params = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : fitted.params().entrySet()) {
      params.add(RowFactory.create(e.getKey(), ints(e.getValue().shape().toArray()),
          doubles(e.getValue().toArray())));
    }
    spark.createDataFrame(params, PARAMS).coalesce(1).write()
        .json(new Path(root, "params").toString());
    fitted.seriesParams().ifPresent(d -> d.write()
        .parquet(new Path(root, "series-params").toString()));
  }

  static SparkSviModel load(SparkSession spark, String path, Model<SequenceBatch> model,
      Model<SequenceBatch> guide) {
    Path root = new Path(path);
    List<Row> metas = spark.read().schema(METADATA).json(new Path(root, "metadata").toString())
        .collectAsList();
    if (metas.size() != 1 || metas.get(0).isNullAt(0)) {
      throw new IllegalArgumentException("load: " + path + " holds no model saved by "
          + "SparkSviModel.save (its metadata has " + metas.size() + " rows)");
    }
    Row meta = metas.get(0);
    if (meta.getInt(0) != FORMAT) {
      throw new IllegalArgumentException("load: " + path + " has format " + meta.getInt(0)
          + "; this version reads format " + FORMAT);
    }
    DatasetReader.Columns columns = new DatasetReader.Columns();
    columns.id = meta.getString(meta.fieldIndex("idColumn"));
    columns.values = meta.getString(meta.fieldIndex("valuesColumn"));
    List<String> covNames = meta.getList(meta.fieldIndex("covariateNames"));
    List<String> covKinds = meta.getList(meta.fieldIndex("covariateKinds"));
    for (int i = 0; i < covNames.size(); i++) {
      columns.covariates.put(covNames.get(i), ShardEngine.CovariateKind.valueOf(covKinds.get(i)));
    }
    String plate = meta.getString(meta.fieldIndex("seriesPlate"));
    int particles = meta.getInt(meta.fieldIndex("particles"));
    // evaluation and prediction use the model and guide only; the optimizer is never stepped
    Svi<SequenceBatch> svi = Svi.of(model, guide, Sgd.of(1.0),
        new RowKeyedTraceElbo(particles, plate)).progress(false);
    ModelSetup setup = new ModelSetup(new ShardEngine(svi, plate, columns.covariates), plate,
        columns, particles, meta.getBoolean(meta.fieldIndex("skipInvalidRows")));
    Map<String, Tensor> params = new LinkedHashMap<>();
    for (Row p : spark.read().schema(PARAMS).json(new Path(root, "params").toString())
        .collectAsList()) {
      params.put(p.getString(0), Tensor.of(toDoubles(p.getList(2)), Shape.of(toInts(p.getList(1)))));
    }
    List<SeriesParams.Local> locals = new ArrayList<>();
    for (Row l : meta.<Row>getList(meta.fieldIndex("layout"))) {
      locals.add(new SeriesParams.Local(l.getString(0), l.getInt(1), Shape.of(toInts(l.getList(2))),
          l.getInt(3), null));
    }
    SeriesParams layout = SeriesParams.of(locals, meta.getInt(meta.fieldIndex("layoutSteps")));
    Optional<Dataset<Row>> seriesParams = locals.isEmpty() ? Optional.empty()
        : Optional.of(spark.read().parquet(new Path(root, "series-params").toString()));
    List<Integer> key = meta.isNullAt(meta.fieldIndex("nextKey")) ? null
        : meta.getList(meta.fieldIndex("nextKey"));
    RngKey nextKey = key == null ? null : RngKey.fromWords(key.get(0), key.get(1));
    SparkSviModel.FitData data = null;
    if (!meta.isNullAt(meta.fieldIndex("fingerprint"))) {
      List<Long> f = meta.getList(meta.fieldIndex("fingerprint"));
      data = new SparkSviModel.FitData(meta.getLong(1), meta.getLong(2),
          new DataFingerprint(f.get(0), f.get(1), f.get(2)),
          new ValueStats(meta.getLong(meta.fieldIndex("valueCount")),
              meta.getDouble(meta.fieldIndex("valueMean")),
              meta.getDouble(meta.fieldIndex("valueM2"))));
    }
    return new SparkSviModel(setup, new FittedParams(params, layout, seriesParams, nextKey),
        toDoubles(meta.getList(meta.fieldIndex("losses"))), null, data,
        meta.getInt(3), StepTimings.zero(), SetupTimings.zero());
  }

  private static List<Integer> ints(int[] a) {
    return Arrays.stream(a).boxed().toList();
  }

  private static List<Double> doubles(double[] a) {
    return Arrays.stream(a).boxed().toList();
  }

  private static int[] toInts(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }

  private static double[] toDoubles(List<Double> l) {
    return l.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
