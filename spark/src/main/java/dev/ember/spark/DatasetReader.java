// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * Reads the sequences of a {@code Dataset}: checks its schema (an id column of long or int, a
 * values column of {@code array<double>}, per-step covariate columns of {@code array<double>},
 * per-series ones of {@code array<double>} or Spark ML {@code Vector}) when created, then parses
 * each row into a {@link SequenceRow} or names what is wrong with it: a null id; null, empty, NaN
 * or infinite values; a per-step covariate of another length than the values. Rows are read in
 * Spark's internal form, so an array of doubles is copied out in one piece, not element by boxed
 * element.
 *
 * <pre>{@code
 * DatasetReader reader = DatasetReader.of(df.schema(), new DatasetReader.Columns());
 * JavaRDD<InternalRow> rows = reader.internalRows(df);   // lazily, where the data are
 * rows.map(reader::parse);                               // each row, or what is wrong with it
 * }</pre>
 */
final class DatasetReader implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Column names and covariate kinds. */
  static final class Columns implements Serializable {
    private static final long serialVersionUID = 1L;
    String id = "id";
    String values = "values";
    final Map<String, ShardEngine.CovariateKind> covariates = new LinkedHashMap<>();
  }

  /** A row, or what is wrong with it. */
  record Parsed(SequenceRow row, String problem) implements Serializable {}

  /** The covariates of a row when there are none (never written: it has no element). */
  private static final UnsafeArrayData[] NO_COVARIATES = new UnsafeArrayData[0];

  /** Spark ML's vector types, recognised by their class names (no compile dependency). */
  private static final List<String> VECTOR_CLASSES =
      List.of("org.apache.spark.ml.linalg.Vector", "org.apache.spark.mllib.linalg.Vector");

  private final Columns columns;
  private final boolean intId;
  private final List<String> covariateNames;
  private final DataType[] covariateTypes; // array<double> or a vector type, per covariate

  private DatasetReader(Columns columns, boolean intId, List<String> covariateNames,
      DataType[] covariateTypes) {
    this.columns = columns;
    this.intId = intId;
    this.covariateNames = covariateNames;
    this.covariateTypes = covariateTypes;
  }

  /**
   * A reader of datasets with {@code schema}.
   *
   * @throws IllegalArgumentException naming a missing column or one of the wrong type
   */
  static DatasetReader of(StructType schema, Columns c) {
    int idIdx = field(schema, c.id, "the id column", DataTypes.LongType, DataTypes.IntegerType);
    arrayField(schema, c.values, "the values column");
    List<String> covNames = new ArrayList<>(c.covariates.keySet());
    DataType[] types = new DataType[covNames.size()];
    for (int i = 0; i < types.length; i++) {
      String name = covNames.get(i);
      int idx = c.covariates.get(name) == ShardEngine.CovariateKind.PER_SERIES
          ? perSeriesField(schema, name)
          : arrayField(schema, name, "per-step covariate column");
      types[i] = schema.fields()[idx].dataType();
    }
    return new DatasetReader(c, schema.fields()[idIdx].dataType().equals(DataTypes.IntegerType),
        covNames, types);
  }

  /** The covariate columns, in the order rows hold them. */
  List<String> covariateNames() {
    return covariateNames;
  }

  /** The columns read. */
  Columns columns() {
    return columns;
  }

  /** Every row of {@code data} in Spark's internal form: id, values, then the covariates. */
  JavaRDD<InternalRow> internalRows(Dataset<Row> data) {
    List<Column> cols = new ArrayList<>();
    cols.add(data.col(columns.id));
    cols.add(data.col(columns.values));
    covariateNames.forEach(n -> cols.add(data.col(n)));
    Dataset<Row> selected = data.select(cols.toArray(new Column[0]));
    return selected.queryExecution().toRdd().toJavaRDD();
  }

  /**
   * Adds row {@code r} (in Spark's internal form) to {@code rows} straight from Spark's unsafe
   * arrays, when it is valid and its arrays are in that form (a cached or shuffled dataset's
   * are): each array copied in one piece into the rows' storage and checked there, with no array
   * of the row's own ({@link PartitionRows.Builder#addUnsafe}). Returns false, adding nothing,
   * otherwise: {@link #parse(InternalRow)} then reads the row (a vector covariate, an array of
   * another form) or names its problem.
   */
  boolean addValid(InternalRow r, PartitionRows.Builder rows) {
    if (r.isNullAt(0) || r.isNullAt(1) || !(r.getArray(1) instanceof UnsafeArrayData v)
        || v.numElements() == 0) {
      return false;
    }
    UnsafeArrayData[] cov = covariateNames.isEmpty() ? NO_COVARIATES
        : new UnsafeArrayData[covariateNames.size()];
    for (int i = 0; i < cov.length; i++) {
      if (r.isNullAt(2 + i) || !(covariateTypes[i] instanceof ArrayType)
          || !(r.getArray(2 + i) instanceof UnsafeArrayData c) || c.numElements() == 0
          || (columns.covariates.get(covariateNames.get(i)) == ShardEngine.CovariateKind.PER_STEP
              && c.numElements() != v.numElements())) {
        return false;
      }
      cov[i] = c;
    }
    return rows.addUnsafe(intId ? r.getInt(0) : r.getLong(0), v, cov);
  }

  /** One row in Spark's internal form: id, values, then the covariates. */
  Parsed parse(InternalRow r) {
    if (r.isNullAt(0)) {
      return new Parsed(null, "a row with a null id: column '" + columns.id + "' must be set");
    }
    long id = intId ? r.getInt(0) : r.getLong(0);
    double[] v = r.isNullAt(1) ? null : doubles(r.getArray(1));
    String bad = check(v);
    if (bad != null) {
      return new Parsed(null, where(id) + columns.values + "' " + bad);
    }
    Map<String, double[]> cov = covariateNames.isEmpty() ? Map.of() : new LinkedHashMap<>();
    for (int i = 0; i < covariateNames.size(); i++) {
      String name = covariateNames.get(i);
      double[] c = covariate(r, 2 + i, covariateTypes[i]);
      String cb = check(c);
      if (cb != null) {
        return new Parsed(null, where(id) + name + "' " + cb);
      }
      if (columns.covariates.get(name) == ShardEngine.CovariateKind.PER_STEP
          && c.length != v.length) {
        return new Parsed(null, where(id) + name + "' has " + c.length + " values but the "
            + "sequence has " + v.length + " steps; a per-step covariate needs one value per step");
      }
      cov.put(name, c);
    }
    return new Parsed(new SequenceRow(id, v, cov), null);
  }

  /**
   * The start of a problem's description, made only for a row that has one (the set-up pass
   * reads millions of valid rows).
   */
  private static String where(long id) {
    return "row id " + id + ": column '";
  }

  /**
   * An {@code array<double>}'s values, a null element read as NaN (which {@link #check} names).
   * Spark reads a null element as 0 (an unsafe array zeroes its slot, a generic one unboxes null
   * to 0), so only the zeros are asked whether they are null.
   */
  private static double[] doubles(ArrayData a) {
    double[] out = a.toDoubleArray();
    for (int i = 0; i < out.length; i++) {
      if (out[i] == 0.0 && a.isNullAt(i)) {
        out[i] = Double.NaN;
      }
    }
    return out;
  }

  private static double[] covariate(InternalRow r, int ordinal, DataType type) {
    if (r.isNullAt(ordinal)) {
      return null;
    }
    if (type instanceof UserDefinedType<?> u) {
      return vectorValues(u.deserialize(r.get(ordinal, u.sqlType())));
    }
    return doubles(r.getArray(ordinal));
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
    return field(schema, name, role, DataTypes.createArrayType(DataTypes.DoubleType, true),
        DataTypes.createArrayType(DataTypes.DoubleType, false));
  }

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
}
