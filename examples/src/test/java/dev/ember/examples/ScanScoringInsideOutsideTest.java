// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
