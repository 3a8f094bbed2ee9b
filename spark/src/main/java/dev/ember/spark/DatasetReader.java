// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;
import scala.Tuple2;

/**
 * Reads and validates a {@code Dataset} of sequences before training: the schema (an id column
 * of long or int, a values column of {@code array<double>}, per-step covariate columns of {@code
 * array<double>}, per-series ones of {@code array<double>} or Spark ML {@code Vector}), then every row (a null id; null, empty, NaN or infinite values; a per-step
 * covariate of another length than the values, or a per-series one of another length than the
 * first row's), then duplicate ids. A problem is an error naming the id, the column and what is
 * wrong; with {@code skipInvalid} such rows (and every row of a duplicated id) are left out and
 * counted.
 *
 * <pre>{@code
 * DatasetReader.Read r = DatasetReader.read(df, new DatasetReader.Columns(), false);
 * r.rows();   // JavaRDD<SequenceRow>
 * r.ids();    // the valid ids, sorted
 * }</pre>
 */
final class DatasetReader {
  private DatasetReader() {}

  /** Column names and covariate kinds. */
  static final class Columns implements Serializable {
    private static final long serialVersionUID = 1L;
    String id = "id";
    String values = "values";
    final Map<String, ShardEngine.CovariateKind> covariates = new LinkedHashMap<>();
  }

  /**
   * The valid rows.
   *
   * @param rows the parsed rows
   * @param ids their ids, sorted
   * @param skipped rows left out as invalid
   */
  record Read(JavaRDD<SequenceRow> rows, long[] ids, long skipped) {}

  /** A row, or what is wrong with it. */
  record Parsed(SequenceRow row, String problem) implements Serializable {}

  static Read read(Dataset<Row> data, Columns c, boolean skipInvalid) {
    StructType schema = data.schema();
    int idIdx = field(schema, c.id, "the id column", DataTypes.LongType, DataTypes.IntegerType);
    ArrayType doubles = DataTypes.createArrayType(DataTypes.DoubleType);
    int valIdx = arrayField(schema, c.values, "the values column");
    List<String> covNames = new ArrayList<>(c.covariates.keySet());
    int[] covIdx = new int[covNames.size()];
    for (int i = 0; i < covIdx.length; i++) {
      covIdx[i] = c.covariates.get(covNames.get(i)) == ShardEngine.CovariateKind.PER_SERIES
          ? perSeriesField(schema, covNames.get(i))
          : arrayField(schema, covNames.get(i), "per-step covariate column");
    }
    Map<String, ShardEngine.CovariateKind> kinds = new LinkedHashMap<>(c.covariates);
    String idName = c.id;
    String valName = c.values;
    JavaRDD<Parsed> parsed = data.javaRDD().map(r -> parse(r, idIdx, idName, valIdx, valName,
        covNames, covIdx, kinds));
    parsed = parsed.cache();
    try {
      List<Parsed> bad = parsed.filter(p -> p.problem() != null).take(1);
      long badCount = bad.isEmpty() ? 0 : parsed.filter(p -> p.problem() != null).count();
      if (!bad.isEmpty() && !skipInvalid) {
        throw new IllegalArgumentException(bad.get(0).problem()
            + (badCount > 1 ? " (and " + (badCount - 1) + " more invalid rows)" : "")
            + "; fix the data or set skipInvalidRows(true) to leave such rows out");
      }
      JavaRDD<SequenceRow> good = parsed.filter(p -> p.problem() == null).map(Parsed::row);
      JavaPairRDD<Long, Integer> counts =
          good.mapToPair(r -> new Tuple2<>(r.id(), 1)).reduceByKey(Integer::sum);
      List<Tuple2<Long, Integer>> dups = counts.filter(t -> t._2() > 1).take(1);
      long dupRows = 0;
      if (!dups.isEmpty()) {
        if (!skipInvalid) {
          throw new IllegalArgumentException("row id " + dups.get(0)._1() + ": column '" + idName
              + "' holds this id " + dups.get(0)._2() + " times; ids must be unique (or set "
              + "skipInvalidRows(true) to leave duplicated ids out)");
        }
        java.util.Set<Long> dupIds = new java.util.HashSet<>(
            counts.filter(t -> t._2() > 1).keys().collect());
        dupRows = good.filter(r -> dupIds.contains(r.id())).count();
        good = good.filter(r -> !dupIds.contains(r.id()));
      }
      for (Map.Entry<String, ShardEngine.CovariateKind> e : kinds.entrySet()) {
        if (e.getValue() == ShardEngine.CovariateKind.PER_SERIES) {
          checkSameLength(good, e.getKey());
        }
      }
      long[] ids = good.map(SequenceRow::id).collect().stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(ids);
      if (ids.length == 0) {
        throw new IllegalArgumentException("the dataset has no valid rows (" + badCount
            + " invalid, " + dupRows + " with duplicated ids)");
      }
      return new Read(good, ids, badCount + dupRows);
    } finally {
      parsed.unpersist(false);
    }
  }

  /** A per-series covariate is one vector of the same length K for every row (a [B, K] tensor). */
  private static void checkSameLength(JavaRDD<SequenceRow> rows, String name) {
    List<SequenceRow> first = rows.take(1);
    if (first.isEmpty()) {
      return;
    }
    int k = first.get(0).covariates().get(name).length;
    List<SequenceRow> other = rows.filter(r -> r.covariates().get(name).length != k).take(1);
    if (!other.isEmpty()) {
      throw new IllegalArgumentException("row id " + other.get(0).id() + ": column '" + name
          + "' has " + other.get(0).covariates().get(name).length + " values but row id "
          + first.get(0).id() + " has " + k + "; a per-series covariate needs the same length in "
          + "every row");
    }
  }

  private static int field(StructType schema, String name, String role, DataType... accepted) {
    int idx;
    try {
      idx = schema.fieldIndex(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("column '" + name + "' (" + role + ") is missing; the "
          + "dataset has columns " + Arrays.toString(schema.fieldNames()));
    }
    StructField f = schema.fields()[idx];
    for (DataType t : accepted) {
      if (f.dataType().equals(t)) {
        return idx;
      }
    }
    throw new IllegalArgumentException("column '" + name + "' (" + role + ") has type "
        + f.dataType().simpleString() + "; expected one of " + Arrays.stream(accepted)
            .map(DataType::simpleString).toList());
  }

  private static int arrayField(StructType schema, String name, String role) {
    int idx = field(schema, name, role, DataTypes.createArrayType(DataTypes.DoubleType, true),
        DataTypes.createArrayType(DataTypes.DoubleType, false));
    return idx;
  }

  /** Spark ML's vector types, recognised by their class names (no compile dependency). */
  private static final List<String> VECTOR_CLASSES =
      List.of("org.apache.spark.ml.linalg.Vector", "org.apache.spark.mllib.linalg.Vector");

  /** A per-series covariate: {@code array<double>} or a Spark ML {@code Vector}. */
  private static int perSeriesField(StructType schema, String name) {
    int idx = Arrays.asList(schema.fieldNames()).indexOf(name);
    if (idx >= 0 && isVector(schema.fields()[idx].dataType())) {
      return idx;
    }
    if (idx >= 0 && !(schema.fields()[idx].dataType() instanceof ArrayType)) {
      throw new IllegalArgumentException("column '" + name + "' (per-series covariate column) has "
          + "type " + schema.fields()[idx].dataType().simpleString() + "; expected array<double> "
          + "or a Spark ML vector");
    }
    return arrayField(schema, name, "per-series covariate column");
  }

  private static boolean isVector(DataType t) {
    return t instanceof UserDefinedType<?> u && VECTOR_CLASSES.contains(u.userClass().getName());
  }

  static Parsed parse(Row r, int idIdx, String idName, int valIdx, String valName,
      List<String> covNames, int[] covIdx, Map<String, ShardEngine.CovariateKind> kinds) {
    if (r.isNullAt(idIdx)) {
      return new Parsed(null, "a row with a null id: column '" + idName + "' must be set");
    }
    long id = r.get(idIdx) instanceof Integer i ? i : r.getLong(idIdx);
    String where = "row id " + id + ": column '";
    double[] v = doubles(r, valIdx);
    String bad = check(v);
    if (bad != null) {
      return new Parsed(null, where + valName + "' " + bad);
    }
    Map<String, double[]> cov = new LinkedHashMap<>();
    for (int i = 0; i < covIdx.length; i++) {
      double[] c = doubles(r, covIdx[i]);
      String name = covNames.get(i);
      String cb = check(c);
      if (cb != null) {
        return new Parsed(null, where + name + "' " + cb);
      }
      if (kinds.get(name) == ShardEngine.CovariateKind.PER_STEP && c.length != v.length) {
        return new Parsed(null, where + name + "' has " + c.length + " values but the sequence "
            + "has " + v.length + " steps; a per-step covariate needs one value per step");
      }
      cov.put(name, c);
    }
    return new Parsed(new SequenceRow(id, v, cov), null);
  }

  private static double[] doubles(Row r, int idx) {
    if (r.isNullAt(idx)) {
      return null;
    }
    Object value = r.get(idx);
    if (!(value instanceof scala.collection.Seq<?>) && !(value instanceof List<?>)) {
      return vectorValues(value);
    }
    List<Object> list = r.getList(idx);
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      Object o = list.get(i);
      out[i] = o == null ? Double.NaN : ((Number) o).doubleValue();
    }
    return out;
  }

  /** A Spark ML vector's values (dense or sparse), through its {@code toArray()}. */
  private static double[] vectorValues(Object vector) {
    try {
      return (double[]) vector.getClass().getMethod("toArray").invoke(vector);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException("a covariate value of class " + vector.getClass().getName()
          + " is neither an array of doubles nor a Spark ML vector", e);
    }
  }

  /** What is wrong with a sequence, or null. */
  private static String check(double[] v) {
    if (v == null) {
      return "is null";
    }
    if (v.length == 0) {
      return "is empty; every sequence needs at least one value";
    }
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        return "has " + (Double.isNaN(v[i]) ? "a null or NaN" : "an infinite") + " value at step "
            + i + "; mask missing values in the model instead";
      }
    }
    return null;
  }
}
