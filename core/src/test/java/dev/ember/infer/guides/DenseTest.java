// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.guides;

import static dev.ember.primitives.Primitives.deterministic;
import static dev.ember.primitives.Primitives.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.GradCheck;
import dev.ember.dist.Normal;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.SiteType;
import dev.ember.handlers.Trace;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dense layer: shapes, the forward pass by hand, gradients, initialisation, errors. */
class DenseTest {

  /** A [rows, in] input with distinct, sign-mixed values. */
  static Tensor input(int rows, int in) {
    double[] v = new double[rows * in];
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.sin(1.3 * i + 0.4) * (1 + i % 3);
    }
    return Tensor.of(v, rows, in);
  }

  /** The layer's output recorded as the deterministic site "y". */
  static Model<Tensor> net(Dense layer) {
    return x -> deterministic("y", layer.apply(x));
  }

  /** {@code x W + b} with plain loops over the values, x [rows, in]. */
  static double[][] byHand(double[][] x, double[][] w, double[] b) {
    double[][] y = new double[x.length][b.length];
    for (int r = 0; r < x.length; r++) {
      for (int j = 0; j < b.length; j++) {
        double s = b[j];
        for (int k = 0; k < w.length; k++) {
          s += x[r][k] * w[k][j];
        }
        y[r][j] = s;
      }
    }
    return y;
  }

  @Test
  void theOutputHasTheInputsBatchAxesAndOutFeatures() {
    Dense layer = Dense.of("d", 3, 2);
    Model<Tensor> model = net(layer);
    for (int[] dims : new int[][] {{3}, {5, 3}, {2, 4, 3}}) {
      Tensor x = Tensor.ones(dims);
      Trace tr = Handlers.trace(Handlers.seed(model, RngKey.of(0))).getTrace(x);
      int[] expected = dims.clone();
      expected[expected.length - 1] = 2;
      assertEquals(Shape.of(expected), tr.get("y").value().shape());
      assertEquals(Shape.of(3, 2), tr.get("d.weight").value().shape());
      assertEquals(Shape.of(2), tr.get("d.bias").value().shape());
      assertEquals(SiteType.PARAM, tr.get("d.weight").type());
    }
  }

  @Test
  void theForwardPassEqualsAHandComputationWithTheTracedWeights() {
    Dense layer = Dense.of("enc", 4, 3);
    Tensor x = input(5, 4);
    Trace tr = Handlers.trace(Handlers.seed(net(layer), RngKey.of(7))).getTrace(x);
    double[][] w = tr.get("enc.weight").value().toArray2d();
    double[] b = tr.get("enc.bias").value().toArray();
    double[][] expected = byHand(x.toArray2d(), w, b);
    double[][] actual = tr.get("y").value().toArray2d();
    for (int r = 0; r < expected.length; r++) {
      assertArrayEquals(expected[r], actual[r], 1e-14, "row " + r);
    }
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Dense layer = Dense.of("enc", 3, 2);
    Trace tr = Handlers.trace(Handlers.seed(net(layer), RngKey.of(1))).getTrace(input(4, 3));
    Map<String, Tensor> at = Map.of(
        "enc.weight", tr.get("enc.weight").value(),
        "enc.bias", tr.get("enc.bias").value(),
        "x", input(4, 3));
    GradCheck.assertGradients(p -> {
      Model<Tensor> m = ignored -> deterministic("y", layer.apply(p.get("x")));
      Tensor y = Handlers.trace(Handlers.substitute(m, p)).getTrace(null).get("y").value();
      return y.tanh().sum(); // a nonlinear read-out, so the check sees every weight differently
    }, at);
  }

  @Test
  void fanInInitialisationIsPyTorchsUniformForWeightAndBias() {
    int in = 16;
    Dense layer = Dense.of("d", in, 64);
    Trace tr = Handlers.trace(Handlers.seed(net(layer), RngKey.of(3))).getTrace(Tensor.ones(in));
    double bound = 1 / Math.sqrt(in);
    double[] w = tr.get("d.weight").value().toArray();
    double[] b = tr.get("d.bias").value().toArray();
    assertWithin(w, bound);
    assertWithin(b, bound);
    // 1024 uniform draws fill the interval: the extremes are within a few percent of the bound
    assertTrue(max(w) > 0.95 * bound && -min(w) > 0.95 * bound, "weights do not span the bound");
    // weight and bias come from different keys
    assertFalse(w[0] == b[0] && w[1] == b[1]);
  }

  @Test
  void glorotInitialisationUsesFanInPlusFanOutAndAZeroBias() {
    Dense layer = Dense.of("d", 10, 30, Dense.Init.GLOROT_UNIFORM);
    Trace tr = Handlers.trace(Handlers.seed(net(layer), RngKey.of(3))).getTrace(Tensor.ones(10));
    double bound = Math.sqrt(6.0 / 40);
    double[] w = tr.get("d.weight").value().toArray();
    assertWithin(w, bound);
    assertTrue(max(w) > 0.9 * bound, "weights do not span the bound");
    assertArrayEquals(new double[30], tr.get("d.bias").value().toArray());
  }

  @Test
  void theSameKeyGivesTheSameInitialValuesAndAnotherKeyOthers() {
    Dense layer = Dense.of("d", 3, 4);
    Tensor x = Tensor.ones(3);
    Tensor w0 = Handlers.trace(Handlers.seed(net(layer), RngKey.of(11))).getTrace(x)
        .get("d.weight").value();
    Tensor w1 = Handlers.trace(Handlers.seed(net(Dense.of("d", 3, 4)), RngKey.of(11))).getTrace(x)
        .get("d.weight").value();
    Tensor w2 = Handlers.trace(Handlers.seed(net(layer), RngKey.of(12))).getTrace(x)
        .get("d.weight").value();
    assertArrayEquals(w0.toArray(), w1.toArray());
    assertNotEquals(w0.toArray()[0], w2.toArray()[0]);
  }

  /** Substituted weights draw nothing, so the sites after the layer see the same keys. */
  @Test
  void aSubstitutedLayerConsumesNoKey() {
    Dense layer = Dense.of("d", 2, 2);
    Map<String, Tensor> values = Map.of("d.weight", Tensor.eye(2), "d.bias", Tensor.zeros(2));
    Model<Tensor> withLayer = x -> {
      deterministic("y", layer.apply(x));
      sample("z", Normal.standard());
    };
    Model<Tensor> without = x -> sample("z", Normal.standard());
    Tensor x = Tensor.of(1.0, 2.0);
    Trace a = Handlers.trace(Handlers.seed(Handlers.substitute(withLayer, values), RngKey.of(5)))
        .getTrace(x);
    Trace b = Handlers.trace(Handlers.seed(without, RngKey.of(5))).getTrace(x);
    assertEquals(b.get("z").value().item(), a.get("z").value().item());
    assertArrayEquals(new double[] {1.0, 2.0}, a.get("y").value().toArray());
  }

  @Test
  void badSizesAndInputsAreReported() {
    assertEquals("Dense 'd': in and out must be >= 1, got in = 0, out = 3",
        assertThrows(IllegalArgumentException.class, () -> Dense.of("d", 0, 3)).getMessage());
    assertEquals("Dense 'd': in and out must be >= 1, got in = 3, out = -1",
        assertThrows(IllegalArgumentException.class, () -> Dense.of("d", 3, -1)).getMessage());
    assertEquals("Dense: the prefix of the param names must not be empty",
        assertThrows(IllegalArgumentException.class, () -> Dense.of("", 3, 1)).getMessage());
    assertThrows(NullPointerException.class, () -> Dense.of("d", 3, 1, null));
    Dense layer = Dense.of("d", 3, 2);
    assertEquals("Dense 'd': the input has shape [5, 4] but the layer takes [..., 3]",
        assertThrows(IllegalArgumentException.class, () -> layer.apply(Tensor.ones(5, 4)))
            .getMessage());
    assertEquals("Dense 'd': the input has shape [] but the layer takes [..., 3]",
        assertThrows(IllegalArgumentException.class, () -> layer.apply(Tensor.scalar(1)))
            .getMessage());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Handlers.trace(net(layer)).getTrace(Tensor.ones(3)));
    assertEquals("param 'd.weight' needs a random key for its initial value: run the model under"
        + " Handlers.seed(model, key), or give the site a value with substitute", e.getMessage());
  }

  @Test
  void aLayerIsASerializableDescription() throws Exception {
    Dense layer = Dense.of("enc.0", 3, 2, Dense.Init.GLOROT_UNIFORM);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(layer);
    }
    Dense back;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (Dense) in.readObject();
    }
    assertEquals("Dense(enc.0: 3 -> 2, GLOROT_UNIFORM)", back.toString());
    assertEquals(List.of("enc.0.weight", "enc.0.bias"),
        List.of(back.weightName(), back.biasName()));
    assertEquals(3, back.in());
    assertEquals(2, back.out());
  }

  static void assertWithin(double[] v, double bound) {
    for (double x : v) {
      assertTrue(x >= -bound && x < bound, x + " outside [-" + bound + ", " + bound + ")");
    }
  }

  static double max(double[] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      m = Math.max(m, x);
    }
    return m;
  }

  static double min(double[] v) {
    double m = Double.POSITIVE_INFINITY;
    for (double x : v) {
      m = Math.min(m, x);
    }
    return m;
  }
}
