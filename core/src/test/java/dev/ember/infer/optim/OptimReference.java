// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The rows of {@code optim-reference.txt}, written by {@code tools/reference/optim_reference.py}
 * (the regeneration command is in the file's header).
 */
final class OptimReference {
  private OptimReference() {}

  /** The tolerance of every comparison: relative, with an absolute floor at magnitude 1. */
  static final double TOL = 1e-12;

  /** The whitespace-separated fields of the rows whose first field is {@code kind}. */
  static List<String[]> rows(String kind) {
    List<String[]> rows = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                Objects.requireNonNull(
                    OptimReference.class.getResourceAsStream("/reference/optim-reference.txt")),
                StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.trim().split("\\s+");
        if (!line.startsWith("#") && f[0].equals(kind)) {
          rows.add(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** {@code |actual - expected| <= TOL * max(1, |expected|)}. */
  static void assertClose(double expected, double actual, String what) {
    double err = Math.abs(actual - expected);
    assertTrue(
        err <= TOL * Math.max(1, Math.abs(expected)),
        what + ": expected " + expected + " but got " + actual + " (error " + err + ")");
  }
}
