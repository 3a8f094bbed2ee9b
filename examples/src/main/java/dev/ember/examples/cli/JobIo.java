// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples.cli;

import dev.ember.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * What the Spark mains share: the session (embedded {@code local[*]} unless a master is given or
 * {@code spark-submit} set one), reading sequence data in several formats, and the contents of
 * the output files (written by an {@link OutputFolder}).
 *
 * <pre>{@code
 * SparkSession spark = JobIo.session("ember-train", null, List.of());
 * Dataset<Row> sequences = JobIo.read(spark, "hdfs:///data/series", "parquet");
 * out.writeText("loss.csv", JobIo.lossesCsv(fit.losses()));
 * }</pre>
 */
public final class JobIo {
  private JobIo() {}

  /** The schema of sequence data: one row per series. */
  public static final StructType SEQUENCES = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

  /**
   * A session: {@code master} if given, else the one {@code spark-submit} configured, else an
   * embedded {@code local[*]}; {@code confs} are {@code key=value} settings. Spark's INFO lines
   * are off on the console ({@link ConsoleLogging}: Spark's level WARN unless {@code
   * spark.log.level} is set).
   */
  public static SparkSession session(String appName, String master, List<String> confs) {
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    SparkConf submitted = new SparkConf();
    if (master != null) {
      b.master(master);
    } else if (!submitted.contains("spark.master")) {
      b.master("local[*]");
    }
    if (!submitted.contains(ConsoleLogging.SPARK_LEVEL)) {
      b.config(ConsoleLogging.SPARK_LEVEL, "WARN");
    }
    for (String c : confs) {
      int eq = c.indexOf('=');
      if (eq <= 0) {
        throw new Flags.UsageException("option --conf needs key=value, got '" + c + "'");
      }
      b.config(c.substring(0, eq), c.substring(eq + 1));
    }
    SparkSession spark = b.getOrCreate();
    ConsoleLogging.quiet();
    return spark;
  }

  /**
   * Sequence data at {@code path}: {@code parquet} or {@code json} (JSON lines) with columns
   * {@code id} (long) and {@code values} (array of double), or {@code csv} with a header {@code
   * id,values} and the values separated by blanks or semicolons in one field.
   *
   * @throws Flags.UsageException naming the option {@code --data} if nothing is at {@code path} or
   *     what is there is not Parquet
   */
  public static Dataset<Row> read(SparkSession spark, String path, String format) {
    requireExists(spark, "data", path);
    switch (format) {
      case "parquet":
        try {
          return spark.read().parquet(path);
        } catch (Exception e) { // Spark reads the footers here (its SparkException is checked)
          throw new Flags.UsageException("option --data: " + path + " is not Parquet data ("
              + FailureReport.firstLine(FailureReport.rootCause(e)) + "); give a Parquet file "
              + "or folder, or --format csv or json for text data", e);
        }
      case "json":
        return spark.read().schema(SEQUENCES).json(path);
      case "csv": {
        Dataset<Row> raw = spark.read().option("header", "true")
            .schema(new StructType().add("id", DataTypes.LongType)
                .add("values", DataTypes.StringType))
            .csv(path);
        return raw.select(raw.col("id"), functions.split(functions.trim(raw.col("values")),
            "[;\\s]+").cast(DataTypes.createArrayType(DataTypes.DoubleType)).as("values"));
      }
      default:
        throw new Flags.UsageException("format must be parquet, csv or json, got '" + format
            + "'");
    }
  }

  /**
   * Checks that {@code path} (a Hadoop path, globs allowed) names at least one file or folder.
   *
   * @throws Flags.UsageException naming option {@code --flag} if it does not
   */
  static void requireExists(SparkSession spark, String flag, String path) {
    FileStatus[] found;
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      found = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).globStatus(p);
    } catch (IOException | IllegalArgumentException e) {
      throw new Flags.UsageException("option --" + flag + ": cannot read '" + path + "': "
          + e.getMessage(), e);
    }
    if (found == null || found.length == 0) {
      throw new Flags.UsageException("option --" + flag + ": nothing at " + path + "; give an "
          + "existing file or folder (any Hadoop path: /local, hdfs://..., s3a://...)");
    }
  }

  /** The params as a JSON object of numbers (scalars) and arrays (anything else). */
  public static String paramsJson(Map<String, Tensor> params) {
    StringBuilder sb = new StringBuilder("{\n");
    int i = 0;
    for (Map.Entry<String, Tensor> e : params.entrySet()) {
      Tensor t = e.getValue();
      String v;
      if (t.rank() == 0) {
        v = Double.toString(t.item());
      } else {
        StringBuilder a = new StringBuilder("[");
        double[] d = t.toArray();
        for (int k = 0; k < d.length; k++) {
          a.append(k > 0 ? ", " : "").append(d[k]);
        }
        v = a.append(']').toString();
      }
      sb.append("  \"").append(e.getKey()).append("\": ").append(v)
          .append(++i < params.size() ? ",\n" : "\n");
    }
    return sb.append("}\n").toString();
  }

  /** Reads scalar params written as {@link #paramsJson} (arrays are skipped). */
  public static Map<String, Double> readScalarParams(Path file) {
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    Matcher m = Pattern.compile("\"([^\"]+)\":\\s*([-+0-9.eEInfinityNa]+)\\s*[,\\n}]")
        .matcher(read(file));
    while (m.find()) {
      out.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return out;
  }

  /** {@code step,loss} lines, steps from 1, under a header. */
  public static String lossesCsv(double[] losses) {
    StringBuilder sb = new StringBuilder("step,loss\n");
    for (int i = 0; i < losses.length; i++) {
      sb.append(i + 1).append(',').append(losses[i]).append('\n');
    }
    return sb.toString();
  }

  /**
   * A PNG line plot (XChart, headless) of {@code series}: name to y values at x = 1, 2, ..., one
   * line each, 900 x 560 pixels.
   */
  public static byte[] linePlotPng(String title, String xTitle, String yTitle,
      Map<String, double[]> series) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    chart.getStyler().setMarkerSize(0);
    chart.getStyler().setLegendVisible(series.size() > 1);
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      double[] y = e.getValue();
      double[] x = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        x[i] = i + 1;
      }
      chart.addSeries(e.getKey(), x, y);
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      // saveBitmap is deprecated in XChart 4; the chart's image through ImageIO is the same PNG
      if (!javax.imageio.ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", png)) {
        throw new IllegalStateException("no PNG writer in this JVM (javax.imageio)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw the plot " + title, e);
    }
    return png.toByteArray();
  }

  /** Writes a text file, creating its folder. */
  public static void write(Path file, String text) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
