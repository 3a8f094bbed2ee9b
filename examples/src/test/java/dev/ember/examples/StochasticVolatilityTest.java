// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.examples.cli.Flags;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stochastic-volatility example at tiny size on an embedded local[2] Spark. */
class StochasticVolatilityTest {
  static final int ASSETS = 200;
  static final int LENGTH = 50;

  /**
   * What the example promises: posterior summaries of every asset's log-volatility path, which
   * follow the data. Each asset has a mean and an sd per step, the sd positive; the posterior
   * means track the true paths: their correlation with the truth over all ASSETS x LENGTH
   * values is above 0.3, where a posterior that ignored the returns would give 0 within about
   * 0.05 (one over the root of the effective sample size N T (1 - phi) / (1 + phi) = 256 at phi
   * = 0.95). The SVI loss falls (its last tenth below its first), and the fitted phi is a
   * persistence in (0, 1).
   */
  @Test
  @Timeout(120)
  void posteriorSummariesFollowTheTrueLogVolatility() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    StochasticVolatility.Fit fit = StochasticVolatility.run(new String[] {"--assets",
        Integer.toString(ASSETS), "--length", Integer.toString(LENGTH), "--steps", "150",
        "--batch-size", "100", "--samples", "20", "--show", "1", "--master", "local[2]",
        "--conf", "spark.ui.enabled=false"}, new PrintStream(buf, true, StandardCharsets.UTF_8));
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertEquals(ASSETS, fit.posteriorMean().length, printed);
    for (int i = 0; i < ASSETS; i++) {
      assertEquals(LENGTH, fit.posteriorMean()[i].length);
      for (double sd : fit.posteriorSd()[i]) {
        assertTrue(sd > 0, "asset " + i);
      }
    }
    double corr = StochasticVolatility.correlation(fit.truth(), fit.posteriorMean());
    assertTrue(corr > 0.3, "correlation " + corr + "\n" + printed);
    double[] l = fit.losses();
    double head = 0;
    double tail = 0;
    for (int i = 0; i < 15; i++) {
      head += l[i];
      tail += l[l.length - 1 - i];
    }
    assertTrue(tail < head, printed);
    double phi = fit.params().get("phi").item();
    assertTrue(phi > 0 && phi < 1, printed);
    assertTrue(printed.contains("asset 0:") && printed.contains("sigma_h"), printed);
  }

  @Test
  void helpAndBadOptions() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertNull(StochasticVolatility.run(new String[] {"--help"},
        new PrintStream(buf, true, StandardCharsets.UTF_8)));
    String help = buf.toString(StandardCharsets.UTF_8);
    for (String o : List.of("--assets", "--length", "--returns", "--steps", "--batch-size",
        "--quick")) {
      assertTrue(help.contains(o), o + " in\n" + help);
    }
    Flags.UsageException e = assertThrows(Flags.UsageException.class,
        () -> StochasticVolatility.run(new String[] {"--returns", "cauchy"}, System.out));
    assertEquals("option --returns must be one of normal, student-t, got 'cauchy'",
        e.getMessage());
  }
}
