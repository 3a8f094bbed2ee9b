// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A fit's step times: sums, each step's wall time and executor compute, and their medians. */
class StepTimingsTest {
  @Test
  void eachStepsComputeIsKeptWithItsWallTime() {
    StepTimings.Recorder r = new StepTimings.Recorder();
    // (select, broadcast, job, compute, its CPU time, driver, checkpoint) in ns; 70 steps
    // outgrow the arrays
    for (int i = 0; i < 70; i++) {
      r.add(1, 2, 1_000_000L * (i + 1), 500_000L * (i % 7), 100_000L * (i % 5), 3, 0);
    }
    StepTimings t = r.timings();
    assertEquals(70, t.steps());
    assertEquals(70, t.computeNanos().length);
    assertEquals(70, t.stepNanos().length);
    long sum = 0;
    for (long c : t.computeNanos()) {
      sum += c;
    }
    assertEquals(t.compute(), sum);
    long cpu = 0;
    for (long c : t.computeCpuNanos()) {
      cpu += c;
    }
    assertEquals(t.computeCpu(), cpu);
    // steps 63..69: CPU 0.3, 0.4, 0, 0.1, 0.2, 0.3, 0.4 ms (i % 5): median 0.3 ms
    assertEquals(0.3, t.medianComputeCpuMs(63), 1e-12);
    assertEquals(1_000_006L, t.stepNanos()[0]);
    // steps 63..69: compute 0, 0.5, ..., 3 ms (i % 7 = 0..6): median 1.5 ms
    assertEquals(1.5, t.medianComputeMs(63), 1e-12);
    // an even count: the mean of the middle two (steps 68, 69: 2.5 and 3 ms)
    assertEquals(2.75, t.medianComputeMs(68), 1e-12);
    assertEquals(67.000006, t.medianStepMs(63), 1e-9); // jobs of 64 .. 70 ms
    assertTrue(Double.isNaN(t.medianComputeMs(70)));
    assertArrayEquals(new long[0], StepTimings.zero().computeNanos());
    assertArrayEquals(new long[0], StepTimings.zero().computeCpuNanos());
  }
}
