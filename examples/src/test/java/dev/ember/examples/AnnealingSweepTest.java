// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.examples.cli.Flags;
import dev.ember.spark.SparkEvaluation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The annealing sweep at tiny size on an embedded local[2] Spark, sequential and concurrent. */
class AnnealingSweepTest {
  static String[] args(Path out, boolean concurrent) {
    List<String> a = new java.util.ArrayList<>(List.of("--series", "200", "--held-out", "100",
        "--length", "20", "--steps", "20", "--batch-size", "100", "--warmups", "6", "--master",
        "local[2]", "--conf", "spark.ui.enabled=false", "--out", out.toString()));
    if (concurrent) {
      a.add("--concurrent");
    }
    return a.toArray(new String[0]);
  }

  /**
   * What the sweep promises: one row per schedule (constant, linear, cyclical, sigmoid for the
   * one warm-up of 6 steps) in the table and the CSVs; the held-out loss is KL - log-likelihood
   * over the 100 held-out series; the schedules act on the latent site (the two that start at
   * beta = 0 have the same first loss, unlike the constant's, and part at step 1, where their
   * betas differ); and a fit is determined by its seed, so the concurrent sweep
   * gives exactly the sequential numbers, its jobs having run in FAIR mode in one pool per fit.
   */
  @Test
  @Timeout(120)
  void sequentialAndConcurrentSweepsAgreeAndEachScheduleIsReported(@TempDir Path dir)
      throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    AnnealingSweep.Sweep seq = AnnealingSweep.run(args(dir.resolve("seq"), false),
        new PrintStream(buf, true, StandardCharsets.UTF_8));
    String printed = buf.toString(StandardCharsets.UTF_8);
    List<String> names = List.of("constant:1.0", "linear:0.0->1.0@6", "cyclical:0.0->1.0@6x0.5",
        "sigmoid:0.0->1.0@3/1.6666666666666667");
    assertEquals(names, seq.outcomes().stream().map(o -> o.schedule().toString()).toList(),
        printed);
    double[] betaT = {1.0, 1.0, 1.0 / 3, 1 / (1 + Math.exp(-10.0 / 6 * (19 - 3)))};
    for (int i = 0; i < 4; i++) {
      AnnealingSweep.Outcome o = seq.outcomes().get(i);
      SparkEvaluation.Result e = o.heldOut();
      assertEquals(betaT[i], o.finalBeta(), 1e-12);
      assertEquals(100, e.series());
      assertEquals(e.kl() - e.logLikelihood(), e.loss(), 1e-9 * Math.abs(e.loss()));
      assertTrue(Double.isFinite(o.trainLoss()) && Double.isFinite(e.loss()), printed);
      assertEquals(20, o.losses().length);
      assertTrue(printed.contains(names.get(i)), printed);
    }
    double[] constant = seq.outcomes().get(0).losses();
    double[] linear = seq.outcomes().get(1).losses();
    double[] cyclical = seq.outcomes().get(2).losses();
    assertEquals(linear[0], cyclical[0], 0.0);
    assertNotEquals(constant[0], linear[0]);
    // same params after step 0 (same gradient at beta = 0); at step 1 beta is 1/6 vs 1/3
    assertNotEquals(linear[1], cyclical[1]);

    List<String> csv = Files.readAllLines(dir.resolve("seq/sweep.csv"));
    assertEquals("schedule,beta_final,train_loss,heldout_loss,heldout_loglik,heldout_kl,"
        + "heldout_loss_per_series,phi,seconds", csv.get(0));
    assertEquals(5, csv.size());
    List<String> curves = Files.readAllLines(dir.resolve("seq/curves.csv"));
    assertEquals(21, curves.size());
    assertEquals("step," + String.join(",", names), curves.get(0));
    java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(
        dir.resolve("seq/curves.png").toFile());
    assertEquals(900, png.getWidth());
    assertEquals(560, png.getHeight());

    ByteArrayOutputStream conBuf = new ByteArrayOutputStream();
    AnnealingSweep.Sweep con = AnnealingSweep.run(args(dir.resolve("con"), true),
        new PrintStream(conBuf, true, StandardCharsets.UTF_8));
    assertTrue(conBuf.toString(StandardCharsets.UTF_8).contains("scheduling mode FAIR"),
        conBuf.toString(StandardCharsets.UTF_8));
    assertTrue(con.concurrent());
    assertTrue(seq.jobsPerPool().isEmpty());
    assertEquals(List.of("sweep-0", "sweep-1", "sweep-2", "sweep-3"),
        List.copyOf(con.jobsPerPool().keySet()));
    for (long jobs : con.jobsPerPool().values()) {
      assertTrue(jobs > 0, con.jobsPerPool().toString());
    }
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(seq.outcomes().get(i).losses(), con.outcomes().get(i).losses(), 0.0);
      assertEquals(seq.outcomes().get(i).heldOut().loss(), con.outcomes().get(i).heldOut().loss(),
          0.0);
    }
  }

  @Test
  void helpAndBadOptions() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertNull(AnnealingSweep.run(new String[] {"--help"},
        new PrintStream(buf, true, StandardCharsets.UTF_8)));
    String help = buf.toString(StandardCharsets.UTF_8);
    for (String o : List.of("--series", "--held-out", "--steps", "--warmups", "--schedule",
        "--concurrent", "--out", "--quick")) {
      assertTrue(help.contains(o), o + " in\n" + help);
    }
    Flags.UsageException e = assertThrows(Flags.UsageException.class,
        () -> AnnealingSweep.run(new String[] {"--warmups", "5,x"}, System.out));
    assertTrue(e.getMessage().startsWith("option --warmups needs integers"), e.getMessage());
    e = assertThrows(Flags.UsageException.class,
        () -> AnnealingSweep.run(new String[] {"--schedule", "linear:1"}, System.out));
    assertTrue(e.getMessage().startsWith("option --schedule: Invalid annealing schedule"),
        e.getMessage());
  }
}
