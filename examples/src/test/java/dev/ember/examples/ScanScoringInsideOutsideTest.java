// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.examples.cli.Flags;
import dev.ember.random.RngKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScanScoringInsideOutsideTest {
  @Test
  void bothFormulationsGiveTheClosedFormAtEveryBeta() {
    assertEquals(13.2, ScanScoringInsideOutside.closedForm(), 1e-12);
    for (double beta : new double[] {0.25, 0.5, 1.0}) {
      for (long seed = 0; seed < 3; seed++) {
        assertEquals(beta * 13.2, ScanScoringInsideOutside.loss(
            ScanScoringInsideOutside.inside(true, beta), ScanScoringInsideOutside.inside(false, beta),
            RngKey.of(seed)), 1e-9);
        assertEquals(beta * 13.2, ScanScoringInsideOutside.loss(
            ScanScoringInsideOutside.outside(true, beta), ScanScoringInsideOutside.outside(false, beta),
            RngKey.of(seed)), 1e-9);
      }
    }
  }

  @Test
  void mainPrintsTheTable() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    double worst = ScanScoringInsideOutside.run(2, new PrintStream(buf, true, StandardCharsets.UTF_8));
    assertTrue(worst < 1e-9, "inside and outside agree: " + worst);
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("  1.00      1  13.20000000  13.20000000  13.20000000"), printed);
  }

  /**
   * What the Trace ELBO tables promise: both formulations' losses at one key are equal (to
   * 13.2, the closed form of SeedElboTest), and the annealed loss is beta * 13.2 at every step of
   * the schedule, whose betas are those of linear:0.1->1.0@4 (0.1, 0.325, 0.55, 0.775, 1.0).
   */
  @Test
  void traceElboTablesGiveTheClosedFormOverTheSchedule() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ScanScoringInsideOutside.Tables t = ScanScoringInsideOutside.run(new String[] {"--seeds", "1",
        "--key", "7", "--schedule", "linear:0.1->1.0@4", "--steps", "4"},
        new PrintStream(buf, true, StandardCharsets.UTF_8));
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertEquals(13.2, t.insideElbo(), 1e-9, printed);
    assertEquals(t.insideElbo(), t.outsideElbo(), 1e-9, printed);
    double[] expected = {0.1, 0.325, 0.55, 0.775, 1.0};
    assertEquals(5, t.betas().length);
    for (int s = 0; s < 5; s++) {
      assertEquals(expected[s], t.betas()[s], 1e-12);
      assertEquals(expected[s] * 13.2, t.annealedInside()[s], 1e-9, printed);
      assertEquals(expected[s] * 13.2, t.annealedOutside()[s], 1e-9, printed);
    }
    assertTrue(printed.contains("     2   0.5500   7.2600000000   7.2600000000   7.2600000000"),
        printed);
  }

  @Test
  void helpAndBadSchedule() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertNull(ScanScoringInsideOutside.run(new String[] {"--help"},
        new PrintStream(buf, true, StandardCharsets.UTF_8)));
    String help = buf.toString(StandardCharsets.UTF_8);
    assertTrue(help.contains("--schedule") && help.contains("--seeds"), help);
    IllegalArgumentException e = assertThrows(Flags.UsageException.class,
        () -> ScanScoringInsideOutside.run(new String[] {"--schedule", "linear:1"}, System.out));
    assertTrue(e.getMessage().startsWith("option --schedule: Invalid annealing schedule"),
        e.getMessage());
  }
}
