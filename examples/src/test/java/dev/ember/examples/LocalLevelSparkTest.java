// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Spark AR(1) example at tiny size on an embedded local[2] Spark. */
class LocalLevelSparkTest {
  static final double PHI = 0.8;
  static final double SIGMA = 0.5;
  static final double TAU = 0.3;

  /**
   * Tolerances from the size. The maximum-likelihood estimates of (phi, sigma, tau) from n
   * observations of y = AR(1) + noise have standard deviations sqrt(diag(I^-1) / n), with I the
   * per-observation Fisher information of the Gaussian process, given by Whittle's formula
   * I_ij = (1 / 4 pi) int d_i log f d_j log f over [-pi, pi], f(w) = sigma^2 / |1 - phi e^{iw}|^2
   * + tau^2 ({@link #whittleSd}): 0.83, 0.92, 1.01 per observation, so 0.0076, 0.0084, 0.0092 for
   * the n = 12 010 observations here (400 series of 20-40 steps). The guide holds the exact
   * posterior up to a look-ahead truncation, so the fit's own bias is small; what SVI adds is the
   * final iterate's minibatch noise and incomplete convergence along the sigma-tau ridge, measured
   * at 1-2.5 sd for three seeds. phi must be within 4 sd, sigma and tau within 5.
   */
  @Test
  @Timeout(180)
  void recoversPhiSigmaTauWithinTheSamplingErrorOfTheSize(@TempDir Path dir) throws Exception {
    int series = 400;
    int length = 40;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    LocalLevelSpark.Fit fit = LocalLevelSpark.run(new String[] {"--series", "400", "--length",
        "40", "--variable-lengths", "--steps", "150", "--batch-size", "200", "--master",
        "local[2]", "--conf", "spark.ui.enabled=false", "--data",
        dir.resolve("data").toString(), "--out", dir.resolve("out").toString(), "--horizon", "3",
        "--forecast-series", "4"}, new PrintStream(buf, true, StandardCharsets.UTF_8));
    long n = 0;
    for (int b = 0; b < series; b++) {
      n += LocalLevelSpark.length(b, length, true);
    }
    double[] sd = whittleSd(PHI, SIGMA, TAU);
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertEquals(PHI, fit.param("phi"), 4 * sd[0] / Math.sqrt(n), printed);
    assertEquals(SIGMA, fit.param("sigma"), 5 * sd[1] / Math.sqrt(n), printed);
    assertEquals(TAU, fit.param("tau"), 5 * sd[2] / Math.sqrt(n), printed);
    assertEquals(150, fit.losses().length);
    assertEquals(400, fit.series());
    assertTrue(printed.contains("phi") && printed.contains("step 150/150"), printed);

    List<String> loss = Files.readAllLines(dir.resolve("out/loss.csv"));
    assertEquals("step,loss", loss.get(0));
    assertEquals(151, loss.size());
    assertEquals(fit.losses()[149], Double.parseDouble(loss.get(150).split(",")[1]), 0.0);
    assertEquals(560, javax.imageio.ImageIO.read(dir.resolve("out/loss.png").toFile())
        .getHeight());
    assertEquals(fit.param("phi"), dev.ember.examples.cli.JobIo
        .readScalarParams(dir.resolve("out/params.json")).get("phi"), 0.0);
    List<String> fc = Files.readAllLines(dir.resolve("out/forecast.csv"));
    assertEquals("id,length,last,level,mean_h1,mean_h2,mean_h3,sd_h1,sd_h2,sd_h3", fc.get(0));
    assertEquals(5, fc.size());
    // the h-step mean decays by phi per step; the sd grows towards the stationary sd
    String[] row = fc.get(1).split(",");
    assertEquals(Double.parseDouble(row[4]) * fit.param("phi"), Double.parseDouble(row[5]), 1e-12);
    assertTrue(Double.parseDouble(row[8]) < Double.parseDouble(row[9]));
  }

  /**
   * The per-series guide: each series' z_loc and z_scale stay on the executors, checkpointed; the
   * forecast of a series starts from its own last state, so its first mean is phi times the
   * level in the table and its first sd is sqrt(phi^2 scale^2 + sigma^2 + tau^2) > the stationary
   * part sqrt(sigma^2 + tau^2). A second run on the same checkpoint directory (and data folder,
   * and with --overwrite the same output folder) resumes at the end, says so, runs no step and
   * changes nothing; a third with another learning rate is refused, the output left as it was.
   */
  @Test
  @Timeout(180)
  void thePerSeriesGuideKeepsEachSeriesStateAndForecastsFromIt(@TempDir Path dir) throws Exception {
    String[] args = {"--series", "120", "--length", "20", "--variable-lengths", "--steps", "30",
        "--batch-size", "40", "--guide", "per-series", "--checkpoint-dir",
        dir.resolve("ck").toString(), "--checkpoint-every", "10", "--master", "local[2]",
        "--conf", "spark.ui.enabled=false", "--data", dir.resolve("data").toString(), "--out",
        dir.resolve("out").toString(), "--horizon", "2", "--forecast-series", "3"};
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    LocalLevelSpark.Fit fit = LocalLevelSpark.run(args,
        new PrintStream(buf, true, StandardCharsets.UTF_8));
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("per-series guide"), printed);
    assertEquals(30, fit.losses().length);
    assertTrue(fit.losses()[29] < fit.losses()[0], printed);
    assertEquals(java.util.Set.of("phi", "sigma", "tau"), fit.params().keySet(),
        "the driver holds the model's params only");
    List<String> fc = Files.readAllLines(dir.resolve("out/forecast.csv"));
    assertEquals(4, fc.size());
    double phi = fit.param("phi");
    double sigma = fit.param("sigma");
    double tau = fit.param("tau");
    for (String line : fc.subList(1, 4)) {
      String[] row = line.split(",");
      double level = Double.parseDouble(row[3]);
      assertEquals(phi * level, Double.parseDouble(row[4]), 1e-12, line);
      double sd1 = Double.parseDouble(row[6]);
      assertTrue(sd1 > Math.sqrt(sigma * sigma + tau * tau), line);
    }
    assertTrue(Files.isDirectory(dir.resolve("ck").resolve("step-000000000030").resolve("series")),
        "the per-series state is in the checkpoint");
    // the same --data folder holds Ember's dataset, which is replaced; --out needs --overwrite
    String[] rerun = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--overwrite")).toArray(String[]::new);
    ByteArrayOutputStream second = new ByteArrayOutputStream();
    LocalLevelSpark.Fit again = LocalLevelSpark.run(rerun,
        new PrintStream(second, true, StandardCharsets.UTF_8));
    String resumed = second.toString(StandardCharsets.UTF_8);
    assertTrue(resumed.contains("resuming from step 30 of " + dir.resolve("ck")), resumed);
    assertTrue(resumed.contains("fit: 0 steps run in ") && resumed.contains("resumed at step 30 "
        + "of 30"), "ms/step counts only the steps run: " + resumed);
    assertArrayEquals(fit.losses(), again.losses(), 0.0);
    assertEquals(fc, Files.readAllLines(dir.resolve("out/forecast.csv")));
    // another learning rate is another run: refused, naming it (before, "--lr 0.5" was printed
    // and the old fit written)
    String[] otherLr = java.util.stream.Stream.concat(java.util.Arrays.stream(rerun),
        java.util.stream.Stream.of("--lr", "0.5")).toArray(String[]::new);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> LocalLevelSpark.run(otherLr, new PrintStream(OutputStream.nullOutputStream())));
    assertTrue(e.getMessage().contains("optimizer: Adam(lr=cosineDecay(0.05, 30, 0.1)")
        && e.getMessage().contains("Adam(lr=cosineDecay(0.5, 30, 0.1)"), e.getMessage());
    assertEquals(fc, Files.readAllLines(dir.resolve("out/forecast.csv")),
        "the refused run left the output as it was");
  }

  @Test
  void helpListsEveryOptionAndBadOptionsAreNamed() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertNull(LocalLevelSpark.run(new String[] {"--help"},
        new PrintStream(buf, true, StandardCharsets.UTF_8)));
    String help = buf.toString(StandardCharsets.UTF_8);
    for (String o : List.of("--series", "--length", "--steps", "--batch-size", "--lr", "--seed",
        "--data", "--out", "--master", "--quick", "--help")) {
      assertTrue(help.contains(o), o + " in\n" + help);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LocalLevelSpark.run(new String[] {"--stpes", "3"}, System.out));
    assertTrue(e.getMessage().startsWith("unknown option --stpes"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> LocalLevelSpark.run(new String[] {"--steps", "x"}, System.out));
    assertEquals("option --steps needs an integer, got 'x'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LocalLevelSpark.run(
        new String[] {"--series", "10", "--batch-size", "20"}, System.out));
    assertTrue(e.getMessage().contains("--batch-size (20) is larger than --series (10)"),
        e.getMessage());
  }

  @Test
  void whittleInformationMatchesTheIndependentNumericalValues() {
    // numpy, 200 000-point grid with central differences of log f:
    // per-observation sd [0.83262393 0.9242982 1.01145434]
    double[] sd = whittleSd(PHI, SIGMA, TAU);
    assertEquals(0.83262393, sd[0], 1e-6);
    assertEquals(0.9242982, sd[1], 1e-6);
    assertEquals(1.01145434, sd[2], 1e-6);
  }

  /**
   * Per-observation asymptotic standard deviations of the estimates of (phi, sigma, tau): the
   * square roots of the diagonal of the inverse Whittle information (a midpoint rule over
   * [-pi, pi]; the integrand is smooth and periodic, so it converges fast).
   */
  static double[] whittleSd(double phi, double sigma, double tau) {
    int m = 4096;
    double[][] info = new double[3][3];
    for (int k = 0; k < m; k++) {
      double w = -Math.PI + (k + 0.5) * 2 * Math.PI / m;
      double g = 1 - 2 * phi * Math.cos(w) + phi * phi;
      double f = sigma * sigma / g + tau * tau;
      double[] d = {-sigma * sigma * (2 * phi - 2 * Math.cos(w)) / (g * g) / f,
          2 * sigma / g / f, 2 * tau / f};
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          info[i][j] += d[i] * d[j] / (2.0 * m);
        }
      }
    }
    double[][] inv = invert3(info);
    return new double[] {Math.sqrt(inv[0][0]), Math.sqrt(inv[1][1]), Math.sqrt(inv[2][2])};
  }

  private static double[][] invert3(double[][] a) {
    double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
        - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
        + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    double[][] c = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        int r0 = (j + 1) % 3;
        int r1 = (j + 2) % 3;
        int c0 = (i + 1) % 3;
        int c1 = (i + 2) % 3;
        c[i][j] = (a[r0][c0] * a[r1][c1] - a[r0][c1] * a[r1][c0]) / det;
      }
    }
    return c;
  }
}
