// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.data.Ar1Data;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Train's output folder: checked before the fit, whole, and per-series arrays of each length. */
@Timeout(240)
class TrainOutputTest {
  /** 30 series of lengths 6 to 10 (id b has length 10 - b % 5) as JSON lines. */
  static Path data(Path dir) throws Exception {
    Ar1Data data = Ar1Data.generate(30, 10);
    StringBuilder j = new StringBuilder();
    for (int b = 0; b < 30; b++) {
      String vals = Arrays.stream(Arrays.copyOf(data.yRows()[b], lengthOf(b)))
          .mapToObj(Double::toString).collect(Collectors.joining(", "));
      j.append("{\"id\": ").append(b).append(", \"values\": [").append(vals).append("]}\n");
    }
    return Files.writeString(dir.resolve("seq.json"), j);
  }

  static int lengthOf(long id) {
    return 10 - (int) (id % 5);
  }

  static String[] args(Path json, Path out, String model, String... more) {
    List<String> a = new ArrayList<>(List.of("--data", json.toString(), "--format", "json",
        "--model", model, "--steps", "4", "--batch-size", "10", "--master", "local[1]",
        "--conf", "spark.ui.enabled=false", "--out", out.toString()));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * An --out that cannot be written is named before the fit: nothing is fitted, no checkpoint
   * written. It used to be found after the fit, which was lost.
   */
  @Test
  void anUnwritableOutIsNamedBeforeTheFit(@TempDir Path dir) throws Exception {
    Path json = data(dir);
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Flags.UsageException e = assertThrows(Flags.UsageException.class, () -> Train.run(
        args(json, file.resolve("out"), "ar1", "--checkpoint-dir", dir.resolve("ck").toString()),
        new PrintStream(buf, true, StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().startsWith("option --out: cannot write in file:" + file),
        e.getMessage());
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertFalse(printed.contains("step 1/"), "no fit ran:\n" + printed);
    assertFalse(Files.exists(dir.resolve("ck")), "no checkpoint was written");
  }

  /**
   * The reported mix: an ar1-series run's series-params/ stayed beside a later ar1 run's
   * params.json, files overwritten one by one. Now the second run is refused without --overwrite,
   * before its fit, and with it the whole output is replaced.
   */
  @Test
  void aSecondRunReplacesTheWholeOutputOnlyWithOverwrite(@TempDir Path dir) throws Exception {
    Path json = data(dir);
    Path out = dir.resolve("out");
    Train.run(args(json, out, "ar1-series"), TrainTest.quiet());
    assertEquals(List.of(FolderMarker.NAME, "loss.csv", "loss.png", "params.json",
        "series-params"), names(out));
    Flags.UsageException e = assertThrows(Flags.UsageException.class,
        () -> Train.run(args(json, out, "ar1"), TrainTest.quiet()));
    assertTrue(e.getMessage().contains("holds an earlier output"), e.getMessage());
    Train.Result r = Train.run(args(json, out, "ar1", "--overwrite"), TrainTest.quiet());
    assertEquals(List.of(FolderMarker.NAME, "loss.csv", "loss.png", "params.json"), names(out));
    assertEquals(r.params().get("phi").item(),
        JobIo.readScalarParams(out.resolve("params.json")).get("phi"), 0.0);
    assertEquals(List.of("out", "seq.json"), names(dir), "no temporary or old output beside it");
  }

  /**
   * Per-series params of series shorter than the longest hold each series' own steps: they used
   * to be padded to the longest with the guide's initial 0.0 (z_loc) and 0.1 (z_scale), which
   * read as fitted values.
   */
  @Test
  void perSeriesParamsHoldEachSeriesOwnSteps(@TempDir Path dir) throws Exception {
    Path json = data(dir);
    Path out = dir.resolve("out");
    Train.run(args(json, out, "ar1-series"), TrainTest.quiet());
    SparkSession spark = SparkSession.builder().master("local[1]")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      List<Row> rows = spark.read().parquet(out.resolve("series-params").toString())
          .orderBy("id").collectAsList();
      assertEquals(30, rows.size());
      for (Row row : rows) {
        long id = row.getLong(0);
        List<Double> loc = row.getList(row.fieldIndex("z_loc"));
        List<Double> scale = row.getList(row.fieldIndex("z_scale"));
        assertEquals(lengthOf(id), loc.size(), "z_loc of series " + id);
        assertEquals(lengthOf(id), scale.size(), "z_scale of series " + id);
        assertTrue(scale.stream().allMatch(s -> s > 0), "series " + id);
      }
    } finally {
      spark.stop();
    }
  }
}
