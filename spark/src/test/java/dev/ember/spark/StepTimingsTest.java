// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A fit's step times: sums, each step's wall time and executor compute (and of it, the work on
 * per-series state), and their medians.
 */
class StepTimingsTest {
  @Test
  void eachStepsComputeIsKeptWithItsWallTime() {
    StepTimings.Recorder r = new StepTimings.Recorder();
    // (select, broadcast, job, the executors' {compute, its CPU time, regroup, initial state,
    // update}, driver, checkpoint) in ns; 70 steps outgrow the arrays. The per-series state:
    // a regroup of 0.2 ms at every tenth step, an initial state of 0.1 ms at even steps, an
    // update of 0.05 ms at every step
    for (int i = 0; i < 70; i++) {
      long[] executors = {500_000L * (i % 7) + 500_000L, 100_000L * (i % 5),
          i % 10 == 0 ? 200_000L : 0, i % 2 == 0 ? 100_000L : 0, 50_000L};
      r.add(1, 2, 1_000_000L * (i + 1), executors, 3, 0);
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
    // steps 63..69: compute 0.5, 1, ..., 3.5 ms (i % 7 = 0..6): median 2 ms
    assertEquals(2.0, t.medianComputeMs(63), 1e-12);
    // an even count: the mean of the middle two (steps 68, 69: 3 and 3.5 ms)
    assertEquals(3.25, t.medianComputeMs(68), 1e-12);
    // less the per-series state, steps 63..69 (i = 63, 64, ..., 69):
    // 0.5 - 0.05 = 0.45, 1 - 0.15 = 0.85, 1.5 - 0.05 = 1.45, 2 - 0.15 = 1.85, 2.5 - 0.05 = 2.45,
    // 3 - 0.15 = 2.85, 3.5 - 0.05 = 3.45 ms: median 1.85 ms
    assertEquals(1.85, t.medianComputeBesideSeriesStateMs(63), 1e-12);
    // from step 60 on, also 2.5 - 0.35 = 2.15 (a regroup too), 3 - 0.05 = 2.95 and
    // 3.5 - 0.15 = 3.35: ten values, median (2.15 + 2.45) / 2
    assertEquals(2.3, t.medianComputeBesideSeriesStateMs(60), 1e-12);
    // the parts' sums: 7 regroups, 35 initial states, 70 updates
    assertEquals(7 * 200_000L, t.seriesRegroup());
    assertEquals(35 * 100_000L, t.seriesInitialState());
    assertEquals(70 * 50_000L, t.seriesUpdate());
    long state = 0;
    for (long c : t.seriesStateNanos()) {
      state += c;
    }
    assertEquals(t.seriesRegroup() + t.seriesInitialState() + t.seriesUpdate(), state);
    assertTrue(t.summary().contains("per-series state 0.120 of the compute: regroup 0.020,"
        + " initial state 0.050, update 0.050"), t.summary());
    assertEquals(67.000006, t.medianStepMs(63), 1e-9); // jobs of 64 .. 70 ms
    assertTrue(Double.isNaN(t.medianComputeMs(70)));
    assertArrayEquals(new long[0], StepTimings.zero().computeNanos());
    assertArrayEquals(new long[0], StepTimings.zero().computeCpuNanos());
    assertArrayEquals(new long[0], StepTimings.zero().seriesStateNanos());
    // no step: no median, no means to print (not NaN)
    assertEquals("per step: no step ran", StepTimings.zero().summary());
  }

  @Test
  void aSummaryWithoutPerSeriesStateNamesNone() {
    StepTimings.Recorder r = new StepTimings.Recorder();
    // two steps of 10 and 12 ms, 4 ms of compute each, none of it on per-series state
    r.add(0, 0, 10_000_000L, new long[] {4_000_000L, 3_000_000L, 0, 0, 0}, 0, 0);
    r.add(0, 0, 12_000_000L, new long[] {4_000_000L, 3_000_000L, 0, 0, 0}, 0, 0);
    String s = r.timings().summary();
    assertEquals("per step (ms): median 11.000; mean select 0.000, broadcast 0.000, job 11.000"
        + " (executor compute 4.000 summed over tasks, 3.000 of it on a CPU), driver 0.000,"
        + " checkpoint 0.000", s);
  }
}
