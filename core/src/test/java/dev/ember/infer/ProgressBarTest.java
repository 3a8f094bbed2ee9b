// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress line: step of total, smoothed loss, rate and time left; nothing when off. */
class ProgressBarTest {
  @Test
  void drawsStepSmoothedLossRateAndEta() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressBar bar = ProgressBar.to(new PrintStream(bytes, true, StandardCharsets.UTF_8), 4,
        "rows");
    bar.update(1, 10.0, 100);
    bar.update(2, 20.0, 100);
    bar.update(3, Double.NaN, 100); // a skipped step does not poison the average
    bar.update(4, 20.0, 100);
    bar.finish();
    // EMA with weight 0.9 on the past: 10, 11, 11, 11.9
    assertEquals(11.9, bar.smoothedLoss(), 1e-12);
    String out = bytes.toString(StandardCharsets.UTF_8);
    String last = out.substring(out.lastIndexOf('\r') + 1).trim();
    assertTrue(last.startsWith("[==============================] 4/4 loss 11.90"), last);
    assertTrue(last.contains("rows/s") && last.endsWith("ETA 0:00"), last);
  }

  @Test
  void linesComeAtTheFirstStepEveryKStepsAndAtTheLast() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressBar bar = ProgressBar.lines(new PrintStream(bytes, true, StandardCharsets.UTF_8), 7,
        "rows", 3);
    double[] losses = {10, 20, 30, 40, 50, 60, 70};
    for (int i = 0; i < losses.length; i++) {
      bar.update(i + 1, losses[i], 100);
    }
    bar.finish();
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(4, lines.length, String.join("|", lines));
    // EMA with weight 0.9 on the past: 10, 11, 12.9, 15.61, 19.049, 23.1441, 27.82969
    String rest = " rows/s \\| \\d+:\\d\\d, ETA \\d+:\\d\\d";
    assertTrue(lines[0].matches("step 1/7 loss 10.0000 \\(smoothed 10.0000\\) \\| [0-9.]+"
        + rest), lines[0]);
    lines = java.util.Arrays.copyOfRange(lines, 1, lines.length);
    assertTrue(lines[0].matches("step 3/7 loss 30.0000 \\(smoothed 12.9000\\) \\| [0-9.]+"
        + rest), lines[0]);
    assertTrue(lines[1].matches("step 6/7 loss 60.0000 \\(smoothed 23.1441\\) \\| [0-9.]+"
        + rest), lines[1]);
    assertTrue(lines[2].matches("step 7/7 loss 70.0000 \\(smoothed 27.8297\\) \\| [0-9.]+"
        + " rows/s \\| \\d+:\\d\\d, ETA 0:00"), lines[2]);
    assertEquals(-1, bytes.toString(StandardCharsets.UTF_8).indexOf('\r'));
  }

  @Test
  void theTimeLeftFollowsTheStepsRecordedNotTheStepNumber() {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    // a fit resumed after step 500 of 1 000: ten steps recorded, in 20 s (given)
    ProgressBar bar = ProgressBar.lines(out, 1000, "rows", 1000);
    for (int step = 501; step <= 510; step++) {
      bar.update(step, 1.0, 10);
    }
    // 2 s a step, 490 steps left: 980 s = 16:20; 100 rows in 20 s
    assertEquals("step 510/1000 loss 1.00000 (smoothed 1.00000) | 5.0 rows/s | 0:20, ETA 16:20",
        bar.logLine(510, 1.0, 20.0));
    assertTrue(bar.line(510, 20.0).endsWith("| 5.0 rows/s | ETA 16:20"), bar.line(510, 20.0));
  }

  @Test
  void linesNeedAPositiveInterval() {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProgressBar.lines(out, 10, "rows", 0));
    assertEquals("progress lines: every 0 steps; give a positive number of steps between lines",
        e.getMessage());
  }

  @Test
  void anOffBarPrintsNothing() {
    ProgressBar bar = ProgressBar.off();
    bar.update(1, 1.0, 1);
    bar.finish();
    assertEquals(1.0, bar.smoothedLoss(), 0.0);
  }
}
