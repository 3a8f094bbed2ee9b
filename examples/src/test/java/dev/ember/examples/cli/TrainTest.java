// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.data.Ar1Data;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The spark-submit training job: options, formats, outputs, checkpoints. */
class TrainTest {

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  @Test
  void helpDocumentsEveryOption() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertNull(Train.run(new String[] {"--help"}, new PrintStream(buf, true,
        StandardCharsets.UTF_8)));
    String help = buf.toString(StandardCharsets.UTF_8);
    for (String o : List.of("--data", "--format", "--model", "--steps", "--batch-size", "--lr",
        "--annealing", "--seed", "--checkpoint-dir", "--out", "--help", "linear:0.1->1.0@2000",
        "PNG")) {
      assertTrue(help.contains(o), o + " in\n" + help);
    }
  }

  @Test
  void badOptionsGiveAClearError() {
    String[][] cases = {
      {"--data", "d", "--out", "o", "--format", "xml"},
      {"--data", "d", "--out", "o", "--model", "garch"},
      {"--data", "d", "--out", "o", "--annealing", "linear:0.1-1.0"},
      {"--data", "d", "--out", "o", "--steps", "-3"},
      {"--data", "d", "--out", "o", "--lr", "0"},
      {"--out", "o"},
      {"--data", "d", "--out", "o", "--stesp", "3"},
      {"--data", "d", "--out", "o", "--steps"},
    };
    String[] expected = {
      "option --format must be one of parquet, csv, json, got 'xml'",
      "option --model must be one of ar1, ar1-series, got 'garch'",
      "Invalid annealing schedule 'linear:0.1-1.0'",
      "option --steps must be in [0, 2147483647], got -3",
      "option --lr must be a finite number above 0.0, got 0",
      "option --data is required (see --help)",
      "unknown option --stesp",
      "option --steps needs a value (N)",
    };
    for (int i = 0; i < cases.length; i++) {
      String[] args = cases[i];
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Train.run(args, quiet()), Arrays.toString(args));
      assertTrue(e.getMessage().startsWith(expected[i]), e.getMessage());
    }
  }

  /**
   * The same data as JSON lines and as CSV train to the same losses (bit for bit: values written
   * with Double.toString read back exactly, and the fit is determined by seed, batch size and
   * data); params, losses and checkpoints are written.
   */
  @Test
  @Timeout(120)
  void jsonAndCsvDataTrainAlikeAndOutputsAreWritten(@TempDir Path dir) throws Exception {
    Ar1Data data = Ar1Data.generate(40, 12);
    double[][] y = data.yRows();
    Path json = dir.resolve("seq.json");
    Path csv = dir.resolve("seq.csv");
    StringBuilder j = new StringBuilder();
    StringBuilder c = new StringBuilder("id,values\n");
    for (int b = 0; b < y.length; b++) {
      double[] row = Arrays.copyOf(y[b], 12 - b % 4); // lengths 9..12
      String vals = Arrays.stream(row).mapToObj(Double::toString).collect(Collectors.joining(", "));
      j.append("{\"id\": ").append(100 + b).append(", \"values\": [").append(vals).append("]}\n");
      c.append(100 + b).append(',').append(vals.replace(", ", " ")).append('\n');
    }
    Files.writeString(json, j);
    Files.writeString(csv, c);
    List<String> common = List.of("--steps", "8", "--batch-size", "10", "--lr", "0.05", "--seed",
        "3", "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--annealing",
        "linear:0.2->1.0@6");
    Train.Result fromJson = Train.run(Stream.concat(Stream.of("--data", json.toString(),
        "--format", "json", "--out", dir.resolve("out-json").toString(), "--checkpoint-dir",
        dir.resolve("ck").toString(), "--checkpoint-every", "4"), common.stream())
        .toArray(String[]::new), quiet());
    Train.Result fromCsv = Train.run(Stream.concat(Stream.of("--data", csv.toString(), "--format",
        "csv", "--out", dir.resolve("out-csv").toString()), common.stream())
        .toArray(String[]::new), quiet());
    assertEquals(40, fromJson.series());
    assertEquals(10, fromJson.batchSize());
    assertEquals(8, fromJson.losses().length);
    assertArrayEquals(fromJson.losses(), fromCsv.losses(), 0.0);
    assertEquals(fromJson.params().get("phi").item(), fromCsv.params().get("phi").item(), 0.0);

    List<String> loss = Files.readAllLines(dir.resolve("out-json/loss.csv"));
    assertEquals(9, loss.size());
    assertEquals("step,loss", loss.get(0));
    assertEquals(900, javax.imageio.ImageIO.read(dir.resolve("out-json/loss.png").toFile())
        .getWidth());
    assertEquals(fromJson.params().get("sigma").item(),
        JobIo.readScalarParams(dir.resolve("out-json/params.json")).get("sigma"), 0.0);
    try (Stream<Path> s = Files.list(dir.resolve("ck"))) {
      assertTrue(s.findAny().isPresent(), "a checkpoint was written");
    }
    // a run stopped after its checkpoint of step 4 resumes from it, says so, and ends as the
    // uninterrupted run did
    Path eight = dir.resolve("ck").resolve("step-000000000008");
    try (Stream<Path> s = Files.walk(eight)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    String[] again = Stream.concat(Stream.of("--data", json.toString(), "--format", "json",
        "--out", dir.resolve("out-resumed").toString(), "--checkpoint-dir",
        dir.resolve("ck").toString(), "--checkpoint-every", "4"), common.stream())
        .toArray(String[]::new);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Train.Result resumed = Train.run(again, new PrintStream(printed, true, StandardCharsets.UTF_8));
    String console = printed.toString(StandardCharsets.UTF_8);
    assertTrue(console.contains("resuming from step 4 of " + dir.resolve("ck")), console);
    assertTrue(console.contains(" 4 steps run in ") && console.contains("(resumed at step 4)"),
        console);
    assertArrayEquals(fromJson.losses(), resumed.losses(), 0.0);
    // the checkpoint is really read: another seed, or more steps, or another --lr is refused
    // naming each difference (before, a resume with another --lr printed it and wrote the old
    // fit)
    // (--overwrite: out-resumed holds the resumed run's output, which a refused run leaves)
    String[] changed = Stream.concat(Arrays.stream(again).map(a -> a.equals("3") ? "4"
        : a.equals("8") ? "10" : a.equals("0.05") ? "0.5" : a), Stream.of("--overwrite"))
        .toArray(String[]::new);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Train.run(changed, quiet()));
    for (String named : List.of("seed: 3 in the checkpoint, 4 now",
        "steps: 8 in the checkpoint, 10 now", "Adam(lr=constant(0.05)", "Adam(lr=constant(0.5)")) {
      assertTrue(e.getMessage().contains(named), named + " in " + e.getMessage());
    }
  }

  /**
   * --model ar1-series: the per-series params are written as Parquet next to params.json (one
   * row per series: id, z_loc and z_scale over the series' steps), and params.json holds the
   * model's params only.
   */
  @Test
  @Timeout(120)
  void perSeriesParamsAreWrittenAsParquet(@TempDir Path dir) throws Exception {
    Ar1Data data = Ar1Data.generate(30, 10);
    StringBuilder j = new StringBuilder();
    for (int b = 0; b < 30; b++) {
      String vals = Arrays.stream(data.yRows()[b]).mapToObj(Double::toString)
          .collect(Collectors.joining(", "));
      j.append("{\"id\": ").append(b).append(", \"values\": [").append(vals).append("]}\n");
    }
    Path json = dir.resolve("seq.json");
    Files.writeString(json, j);
    Train.Result r = Train.run(new String[] {"--data", json.toString(), "--format", "json",
        "--model", "ar1-series", "--steps", "6", "--batch-size", "10", "--master", "local[2]",
        "--conf", "spark.ui.enabled=false", "--out", dir.resolve("out").toString()}, quiet());
    assertEquals(java.util.Set.of("phi", "sigma", "tau"), r.params().keySet());
    org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder()
        .master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
    try {
      List<org.apache.spark.sql.Row> rows = spark.read()
          .parquet(dir.resolve("out/series-params").toString()).orderBy("id").collectAsList();
      assertEquals(30, rows.size());
      assertEquals(List.of("id", "z_loc", "z_scale"), Arrays.asList(rows.get(0).schema().fieldNames()));
      assertEquals(10, rows.get(0).getList(1).size());
      assertTrue(rows.stream().allMatch(x -> x.<Double>getList(2).stream().allMatch(v -> v > 0)));
    } finally {
      spark.stop();
    }
  }
}
