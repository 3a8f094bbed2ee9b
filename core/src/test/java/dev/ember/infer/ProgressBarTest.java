// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    ProgressBar bar = ProgressBar.to(new PrintStream(bytes, true, StandardCharsets.UTF_8), 4, "rows");
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
  void anOffBarPrintsNothing() {
    ProgressBar bar = ProgressBar.off();
    bar.update(1, 1.0, 1);
    bar.finish();
    assertEquals(1.0, bar.smoothedLoss(), 0.0);
  }
}
