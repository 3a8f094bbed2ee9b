// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A run's definition: its JSON form reads back equal, and each differing field is named. */
class RunDefinitionTest {
  private static final RunDefinition RUN = new RunDefinition(
      new DataFingerprint(24, 0x8000000000000001L, -2L), "ar1", "Adam(lr=constant(0.05))",
      "none", 8, -5L, 1, 10);

  @Test
  void jsonReadsBackEqual() throws Exception {
    String text = Json.MAPPER.writeValueAsString(RUN.toJson());
    assertEquals(RUN, RunDefinition.fromJson(Json.parse(text.getBytes("UTF-8"))));
    assertTrue(text.contains("\"hash\" : \"8000000000000001fffffffffffffffe\""), text);
  }

  @Test
  void everyDifferenceIsNamed() {
    assertEquals(List.of(), RUN.differences(RUN));
    RunDefinition other = new RunDefinition(new DataFingerprint(25, 1, 2), "ar1-series",
        "Adam(lr=constant(0.5))", "linear:0.1->1.0@5 on [z]", 4, 6, 2, 12);
    List<String> d = RUN.differences(other);
    assertEquals(8, d.size(), d.toString());
    assertEquals("data: 24 series, hash 8000000000000001fffffffffffffffe in the checkpoint, "
        + "25 series, hash 00000000000000010000000000000002 now", d.get(0));
    assertEquals("optimizer: Adam(lr=constant(0.05)) in the checkpoint, Adam(lr=constant(0.5)) "
        + "now", d.get(2));
    assertEquals("steps: 10 in the checkpoint, 12 now", d.get(7));
    for (String field : List.of("model: ", "annealing: ", "batch size: ", "seed: ",
        "particles: ")) {
      assertTrue(d.stream().anyMatch(x -> x.startsWith(field)), field + " in " + d);
    }
  }

  @Test
  void aMalformedDefinitionNamesTheField() throws Exception {
    String text = Json.MAPPER.writeValueAsString(RUN.toJson()).replace("\"seed\"", "\"sead\"");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunDefinition.fromJson(Json.parse(text.getBytes("UTF-8"))));
    assertEquals("missing number field 'seed'", e.getMessage());
  }
}
