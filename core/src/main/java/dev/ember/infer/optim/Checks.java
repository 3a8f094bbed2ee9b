// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

/** Argument checks shared by the optimizers and schedules; messages name the owner and argument. */
final class Checks {
  private Checks() {}

  /** {@code v}, if it is finite and {@code > 0}. */
  static double positive(String owner, String arg, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(
          owner + ": " + arg + " must be finite and > 0, got " + v);
    }
    return v;
  }

  /** {@code v}, if it is finite and {@code >= 0}. */
  static double nonNegative(String owner, String arg, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(
          owner + ": " + arg + " must be finite and >= 0, got " + v);
    }
    return v;
  }

  /** {@code v}, if it is in {@code [0, 1)}: a decay or momentum coefficient. */
  static double decay(String owner, String arg, double v) {
    if (!(v >= 0 && v < 1)) {
      throw new IllegalArgumentException(owner + ": " + arg + " must be in [0, 1), got " + v);
    }
    return v;
  }

  /** {@code v}, if it is in {@code [0, 1]}. */
  static double fraction(String owner, String arg, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(owner + ": " + arg + " must be in [0, 1], got " + v);
    }
    return v;
  }

  /** {@code v}, if it is {@code > 0}. */
  static long positive(String owner, String arg, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(owner + ": " + arg + " must be > 0, got " + v);
    }
    return v;
  }

  /** {@code step}, if it is {@code >= 0}: schedules are defined from step 0. */
  static long step(String owner, long step) {
    if (step < 0) {
      throw new IllegalArgumentException(owner + ": step must be >= 0, got " + step);
    }
    return step;
  }
}
