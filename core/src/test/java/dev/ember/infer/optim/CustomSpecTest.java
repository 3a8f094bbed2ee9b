// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.infer.AnnealingSchedule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The specs that checkpoints record: every hyper-parameter of the built-in optimizers and
 * schedules, and for a lambda its class without the JVM's run-time suffix.
 */
class CustomSpecTest {

  /**
   * A lambda's toString carries a name and an address the JVM makes up at run time (before
   * spec(), a warm-up around a custom schedule printed it, so a checkpoint could never recognise
   * its own run); its spec names the class it was written in.
   */
  @Test
  void aLambdaIsNamedByTheClassItIsWrittenIn() {
    LearningRate custom = step -> 0.1 / Math.sqrt(1 + step);
    assertTrue(custom.toString().contains("$$Lambda"), custom.toString());
    String expected = "custom(lambda in dev.ember.infer.optim.CustomSpecTest)";
    assertEquals(expected, custom.spec());
    assertEquals("warmup(10, " + expected + ")", LearningRate.warmup(10, custom).spec());
    assertEquals("Adam(lr=warmup(10, " + expected + "), b1=0.9, b2=0.999, eps=1.0E-8)",
        Adam.of(LearningRate.warmup(10, custom)).spec());
    AnnealingSchedule beta = step -> 1.0;
    assertEquals("custom(lambda in dev.ember.infer.optim.CustomSpecTest)", beta.spec());
    assertEquals("java.lang.String", CustomSpec.className(String.class));
    assertEquals("custom(java.lang.Object)", CustomSpec.of(new Object()));
  }

  /** Each hyper-parameter, the schedule's included, changes an optimizer's spec. */
  @Test
  void everyHyperParameterIsInTheSpec() {
    List<Optimizer> distinct = List.of(Adam.of(0.01), Adam.of(0.02), Adam.of(0.01, 0.8, 0.999, 1e-8),
        Adam.of(0.01, 0.9, 0.99, 1e-8), Adam.of(0.01, 0.9, 0.999, 1e-6),
        Adam.of(LearningRate.cosineDecay(0.01, 100, 0.1)),
        Adam.of(LearningRate.cosineDecay(0.01, 200, 0.1)), ClippedAdam.of(0.01), Sgd.of(0.01),
        Momentum.of(0.01, 0.9, true), Momentum.of(0.01, 0.9, false), Adagrad.of(0.01),
        RmsProp.of(0.01));
    for (int i = 0; i < distinct.size(); i++) {
      for (int j = i + 1; j < distinct.size(); j++) {
        assertNotEquals(distinct.get(i).spec(), distinct.get(j).spec());
      }
      assertEquals(distinct.get(i).spec(), distinct.get(i).toString());
      assertFalse(distinct.get(i).spec().contains("$$"), distinct.get(i).spec());
    }
    assertEquals("Adam(lr=cosineDecay(0.01, 100, 0.1), b1=0.9, b2=0.999, eps=1.0E-8)",
        Adam.of(LearningRate.cosineDecay(0.01, 100, 0.1)).spec());
    assertEquals("linear:0.1->1.0@2000", AnnealingSchedule.linear(0.1, 1.0, 2000).spec());
    assertEquals("cyclical:0.0->1.0@500x0.5",
        AnnealingSchedule.parse("cyclical:0.0->1.0@500x0.5").spec());
  }
}
