// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ember.autodiff.Autodiff;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link Tensor#expWithLog}: the values are {@code exp}'s, and {@link Tensor#keptLog} is the
 * exponent itself, through every view of the result, and nothing else: another operation's result
 * keeps none, nor does a detached tensor or a new variable made of one, and a kept exponent that
 * views a buffer written since is not read.
 */
class KeptLogTest {
  /** [6, 7], 42 elements, in (-2, 2). */
  private static Tensor exponent() {
    double[] v = new double[42];
    for (int i = 0; i < v.length; i++) {
      v[i] = 2 * Math.sin(0.7 * i + 0.3);
    }
    return Tensor.of(v, 6, 7);
  }

  @Test
  void theValuesAreExpsAndTheKeptLogIsTheExponent() {
    Tensor u = exponent();
    Tensor scale = u.expWithLog();
    assertArrayEquals(u.exp().toArray(), scale.toArray(), 0.0);
    assertArrayEquals(u.toArray(), scale.keptLog().toArray(), 0.0);
    assertNull(u.exp().keptLog(), "a plain exp keeps nothing");
    assertNull(scale.mul(2.0).keptLog(), "another operation's result keeps nothing");
    assertNull(scale.copy().keptLog());
  }

  @Test
  void everyViewKeepsTheSameViewOfTheExponent() {
    Tensor u = exponent();
    Tensor scale = u.expWithLog();
    List<UnaryOperator<Tensor>> views = List.of(
        t -> t.select(0, 2),
        t -> t.slice(0, 1, 6),
        t -> t.slice(1, 0, 7, 2),
        t -> t.transpose(),
        t -> t.select(1, 4).unsqueeze(0).broadcastTo(Shape.of(3, 6)),
        t -> t.reshape(42),
        t -> t.slice(0, 2, 4).reshape(2, 7).select(0, 1));
    for (UnaryOperator<Tensor> v : views) {
      Tensor kept = v.apply(scale).keptLog();
      assertNotNull(kept);
      assertEquals(v.apply(u).shape(), kept.shape());
      assertArrayEquals(v.apply(u).toArray(), kept.toArray(), 0.0);
    }
  }

  @Test
  void aDetachedOrNewlyTrackedTensorKeepsNoLog() {
    Tensor u = Autodiff.track(exponent(), "u");
    Tensor scale = u.expWithLog();
    assertNotNull(scale.keptLog().node(), "recorded: the kept log is u itself");
    Tensor g = Autodiff.gradients(scale.keptLog().sum(), new Tensor[] {u}, null, false)[0];
    assertArrayEquals(Tensor.ones(6, 7).toArray(), g.toArray(), 0.0);
    assertNull(scale.detach().keptLog(), "no gradient reaches u through a detached tensor");
    // a new variable made of such values: the density at a draw differentiates it as its values
    Tensor s = Autodiff.track(exponent().expWithLog(), "s");
    assertNull(s.keptLog());
    assertNull(s.select(0, 1).keptLog());
  }

  @Test
  void anExponentWrittenSinceIsNotRead() {
    OwnedBuffer buffer = OwnedBuffer.copyOf(exponent());
    Tensor scale = buffer.view().expWithLog();
    double[] before = scale.toArray();
    assertNotNull(scale.keptLog());
    buffer.add(Tensor.ones(6, 7));
    assertNull(scale.keptLog(), "the buffer was written: its old view is not the log any more");
    assertArrayEquals(before, scale.toArray(), 0.0);
    double[] logs = new double[before.length];
    for (int i = 0; i < logs.length; i++) {
      logs[i] = Math.log(before[i]);
    }
    assertArrayEquals(logs, scale.log().toArray(), 0.0);
  }
}
