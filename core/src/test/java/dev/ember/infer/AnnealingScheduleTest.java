// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The annealing schedules against their formulas (section 3 of {@code optim-reference.txt},
 * written by {@code tools/reference/optim_reference.py} with mpmath), their text form, and errors.
 */
class AnnealingScheduleTest {

  @Test
  void valuesMatchTheReference() throws IOException {
    Set<String> specs = new LinkedHashSet<>();
    int rows = 0;
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                Objects.requireNonNull(
                    getClass().getResourceAsStream("/reference/optim-reference.txt")),
                StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.trim().split("\\s+");
        if (line.startsWith("#") || !f[0].equals("anneal")) {
          continue;
        }
        AnnealingSchedule s = AnnealingSchedule.parse(f[1]);
        long step = Long.parseLong(f[2]);
        double expected = Double.parseDouble(f[3]);
        double actual = s.beta(step);
        assertTrue(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)),
            f[1] + " at " + step + ": expected " + expected + " but got " + actual);
        specs.add(f[1]);
        rows++;
      }
    }
    assertEquals(7, specs.size());
    assertEquals(7 * 17, rows);
  }

  @Test
  void factoriesAndSpecsAgree() {
    assertEquals(AnnealingSchedule.constant(0.5), AnnealingSchedule.parse("constant:0.5"));
    assertEquals(AnnealingSchedule.linear(0.1, 1.0, 2000),
        AnnealingSchedule.parse("linear:0.1->1.0@2000"));
    assertEquals(AnnealingSchedule.cosine(0.0, 1.0, 1000),
        AnnealingSchedule.parse("cosine:0.0->1.0@1000"));
    assertEquals(AnnealingSchedule.cyclical(500, 0.5, 0.0, 1.0),
        AnnealingSchedule.parse("cyclical:0.0->1.0@500x0.5"));
    assertEquals(AnnealingSchedule.sigmoid(0.0, 1.0, 1000, 0.01),
        AnnealingSchedule.parse("sigmoid:0.0->1.0@1000/0.01"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"constant:0.5", "linear:0.1->1.0@2000", "cosine:0.0->1.0@1000",
      "cyclical:0.0->1.0@500x0.5", "sigmoid:0.0->1.0@1000/0.01", "linear:1.0E-4->2.5@1",
      "cyclical:0.2->1.0@300x0.25", "constant:0.0"})
  void theSpecIsTheStringFormAndRoundTrips(String spec) throws Exception {
    AnnealingSchedule s = AnnealingSchedule.parse(spec);
    assertEquals(spec, s.toString());
    assertEquals(s, AnnealingSchedule.parse(s.toString()));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(s, in.readObject());
    }
  }

  @Test
  void looseNumbersAreAcceptedAndPrintCanonically() {
    assertEquals("linear:0.001->1.0@20",
        AnnealingSchedule.parse("  linear:1e-3->1@20 ").toString());
    assertEquals("sigmoid:0.0->2.0@0/1.5",
        AnnealingSchedule.parse("sigmoid:.0->+2@0/1.5").toString());
  }

  @Test
  void turningPointsAreWhereTheDefinitionsPutThem() {
    AnnealingSchedule linear = AnnealingSchedule.linear(0.0, 1.0, 4);
    assertEquals(0.0, linear.beta(0));
    assertEquals(0.75, linear.beta(3));
    assertEquals(1.0, linear.beta(4));
    assertEquals(1.0, linear.beta(Long.MAX_VALUE));
    AnnealingSchedule cyc = AnnealingSchedule.cyclical(8, 0.5, 0.0, 1.0);
    double[] oneCycle = {0, 0.25, 0.5, 0.75, 1, 1, 1, 1};
    for (int t = 0; t < 24; t++) {
      assertEquals(oneCycle[t % 8], cyc.beta(t), "step " + t);
    }
    assertEquals(1.0, AnnealingSchedule.cyclical(8, 1.0, 0.0, 1.0).beta(7) + 0.125);
    AnnealingSchedule sigmoid = AnnealingSchedule.sigmoid(0.2, 1.0, 100, 0.1);
    assertEquals(0.6, sigmoid.beta(100), 1e-15);
    assertEquals(0.2, sigmoid.beta(0), 1e-4); // only approaches its start
    assertEquals(0.2, AnnealingSchedule.sigmoid(0.2, 1.0, 1L << 40, 10).beta(0)); // exp overflow
    assertEquals(1.0, AnnealingSchedule.cosine(0.0, 1.0, 10).beta(10));
    assertEquals(0.5, AnnealingSchedule.cosine(0.0, 1.0, 10).beta(5), 1e-15);
  }

  @Test
  void aLambdaIsASchedule() throws Exception {
    AnnealingSchedule halving = step -> Math.pow(0.5, step);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(halving);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(0.125, ((AnnealingSchedule) in.readObject()).beta(3));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "linear", "linear:0.1-1.0@2000", "linear:0.1->1.0", "lin:0->1@5",
      "cosine:0.0->1.0@1e3", "cyclical:0.0->1.0@500", "sigmoid:0->1@10", "constant:abc",
      "constant:NaN", "constant:Infinity", "linear:0.1->1.0@-5", "constant:1.0f"})
  void malformedSpecsQuoteTheSpecAndTheGrammar(String spec) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AnnealingSchedule.parse(spec));
    assertEquals("Invalid annealing schedule '" + spec + "'. Accepted: "
        + AnnealingSchedule.GRAMMAR, e.getMessage());
  }

  @Test
  void outOfRangeValuesInASpecAreNamed() {
    String[][] cases = {
      {"constant:-0.5", "AnnealingSchedule.constant: beta must be finite and >= 0, got -0.5"},
      {"linear:0.1->1.0@0", "AnnealingSchedule.linear: warmupSteps must be > 0, got 0"},
      {"cosine:1e400->1@10", "AnnealingSchedule.cosine: start must be finite and >= 0, got"
          + " Infinity"},
      {"cyclical:0->1@500x0", "AnnealingSchedule.cyclical: rampFraction must be in (0, 1], got"
          + " 0.0"},
      {"cyclical:0->1@500x1.5", "AnnealingSchedule.cyclical: rampFraction must be in (0, 1],"
          + " got 1.5"},
      {"sigmoid:0->1@10/0", "AnnealingSchedule.sigmoid: steepness must be finite and > 0, got"
          + " 0.0"},
      {"linear:0->1@99999999999999999999", "For input string: \"99999999999999999999\""},
    };
    for (String[] c : cases) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> AnnealingSchedule.parse(c[0]));
      assertEquals("Invalid annealing schedule '" + c[0] + "': " + c[1] + ". Accepted: "
          + AnnealingSchedule.GRAMMAR, e.getMessage());
    }
  }

  @Test
  void factoriesValidateTheirArguments() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AnnealingSchedule.linear(0.0, Double.NaN, 10));
    assertEquals("AnnealingSchedule.linear: end must be finite and >= 0, got NaN", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> AnnealingSchedule.sigmoid(0, 1, -1, 0.1));
    assertEquals("AnnealingSchedule.sigmoid: midpoint must be >= 0, got -1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> AnnealingSchedule.cyclical(0, 0.5, 0, 1));
    assertEquals("AnnealingSchedule.cyclical: period must be > 0, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> AnnealingSchedule.constant(1).beta(-1));
    assertEquals("AnnealingSchedule: step must be >= 0, got -1", e.getMessage());
    assertThrows(NullPointerException.class, () -> AnnealingSchedule.parse(null));
  }
}
