// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.guides;

import static dev.ember.primitives.Primitives.deterministic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.autodiff.GradCheck;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Site;
import dev.ember.handlers.SiteType;
import dev.ember.handlers.Trace;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The MLP: layer naming, shapes, the forward pass by hand per activation, gradients, errors. */
class MlpTest {

  private static final int[] SIZES = {4, 5, 3, 2};

  static Model<Tensor> net(Mlp mlp) {
    return x -> deterministic("y", mlp.apply(x));
  }

  static DoubleUnaryOperator scalar(Mlp.Activation a) {
    return switch (a) {
      case TANH -> Math::tanh;
      case RELU -> v -> Math.max(v, 0);
      case SOFTPLUS -> v -> Math.log1p(Math.exp(v));
    };
  }

  @Test
  void layersAreNamedAsPyTorchsSequentialAndShapedBySizes() {
    Mlp mlp = Mlp.of("enc", SIZES, Mlp.Activation.TANH);
    Trace tr = Handlers.trace(Handlers.seed(net(mlp), RngKey.of(0)))
        .getTrace(DenseTest.input(6, 4));
    List<String> params = tr.sites().values().stream()
        .filter(s -> s.type() == SiteType.PARAM).map(Site::name).toList();
    assertEquals(List.of("enc.0.weight", "enc.0.bias", "enc.1.weight", "enc.1.bias",
        "enc.2.weight", "enc.2.bias"), params);
    assertEquals(Shape.of(4, 5), tr.get("enc.0.weight").value().shape());
    assertEquals(Shape.of(3, 2), tr.get("enc.2.weight").value().shape());
    assertEquals(Shape.of(6, 2), tr.get("y").value().shape());
    Tensor batched = Handlers.trace(Handlers.seed(net(mlp), RngKey.of(0)))
        .getTrace(Tensor.ones(2, 3, 4)).get("y").value();
    assertEquals(Shape.of(2, 3, 2), batched.shape());
    assertEquals(4, mlp.in());
    assertEquals(2, mlp.out());
    assertEquals(3, mlp.layers().size());
    assertEquals("Mlp(enc: 4 -> 5 -> 3 -> 2, TANH)", mlp.toString());
  }

  /** Hidden layers are activated and the output layer is linear. */
  @ParameterizedTest
  @EnumSource(Mlp.Activation.class)
  void theForwardPassEqualsAHandComputation(Mlp.Activation activation) {
    Mlp mlp = Mlp.of("enc", SIZES, activation);
    Tensor x = DenseTest.input(6, 4);
    Trace tr = Handlers.trace(Handlers.seed(net(mlp), RngKey.of(2))).getTrace(x);
    DoubleUnaryOperator f = scalar(activation);
    double[][] h = x.toArray2d();
    for (int i = 0; i < SIZES.length - 1; i++) {
      h = DenseTest.byHand(h, tr.get("enc." + i + ".weight").value().toArray2d(),
          tr.get("enc." + i + ".bias").value().toArray());
      if (i < SIZES.length - 2) {
        for (double[] row : h) {
          for (int j = 0; j < row.length; j++) {
            row[j] = f.applyAsDouble(row[j]);
          }
        }
      }
    }
    double[][] actual = tr.get("y").value().toArray2d();
    for (int r = 0; r < h.length; r++) {
      assertArrayEquals(h[r], actual[r], 1e-14, activation + " row " + r);
    }
  }

  @ParameterizedTest
  @EnumSource(Mlp.Activation.class)
  void gradientsMatchFiniteDifferences(Mlp.Activation activation) {
    Mlp mlp = Mlp.of("enc", new int[] {3, 4, 2}, activation);
    Tensor x = DenseTest.input(3, 3);
    Trace tr = Handlers.trace(Handlers.seed(net(mlp), RngKey.of(4))).getTrace(x);
    Map<String, Tensor> at = new HashMap<>();
    for (Site s : tr.sites().values()) {
      if (s.type() == SiteType.PARAM) {
        at.put(s.name(), s.value());
      }
    }
    at.put("x", x);
    GradCheck.assertGradients(p -> {
      Model<Tensor> m = ignored -> deterministic("y", mlp.apply(p.get("x")));
      Tensor y = Handlers.trace(Handlers.substitute(m, p)).getTrace(null).get("y").value();
      return y.square().sum();
    }, at);
  }

  @Test
  void activationsAreTheUsualFunctions() {
    Tensor v = Tensor.of(-2.0, 0.0, 0.5);
    assertArrayEquals(new double[] {0, 0, 0.5}, Mlp.Activation.RELU.apply(v).toArray());
    assertArrayEquals(new double[] {Math.tanh(-2), 0, Math.tanh(0.5)},
        Mlp.Activation.TANH.apply(v).toArray(), 1e-16);
    double[] softplus = {Math.log1p(Math.exp(-2)), Math.log(2), Math.log1p(Math.exp(0.5))};
    assertArrayEquals(softplus,
        Mlp.Activation.SOFTPLUS.apply(v).toArray(), 1e-15);
  }

  @Test
  void theSameKeyGivesTheSameNetwork() {
    Tensor x = DenseTest.input(2, 4);
    Trace a = Handlers.trace(Handlers.seed(net(Mlp.of("m", SIZES, Mlp.Activation.RELU)),
        RngKey.of(9))).getTrace(x);
    Trace b = Handlers.trace(Handlers.seed(net(Mlp.of("m", SIZES, Mlp.Activation.RELU)),
        RngKey.of(9))).getTrace(x);
    for (String site : List.of("m.0.weight", "m.1.bias", "m.2.weight", "y")) {
      assertArrayEquals(a.get(site).value().toArray(), b.get(site).value().toArray(), site);
    }
  }

  @Test
  void glorotReachesEveryLayer() {
    Mlp mlp = Mlp.of("g", SIZES, Mlp.Activation.TANH, Dense.Init.GLOROT_UNIFORM);
    for (Dense d : mlp.layers()) {
      assertEquals(Dense.Init.GLOROT_UNIFORM, d.init());
    }
    Trace tr = Handlers.trace(Handlers.seed(net(mlp), RngKey.of(0))).getTrace(Tensor.ones(4));
    assertArrayEquals(new double[5], tr.get("g.0.bias").value().toArray());
  }

  @Test
  void badSizesAndInputsAreReported() {
    assertEquals("Mlp 'm': sizes must list the input size and at least one layer's output size"
            + " ([in, hidden..., out]), got [4]",
        assertThrows(IllegalArgumentException.class,
            () -> Mlp.of("m", new int[] {4}, Mlp.Activation.TANH)).getMessage());
    assertEquals("Mlp 'm': every size must be >= 1, got [4, 0, 2]",
        assertThrows(IllegalArgumentException.class,
            () -> Mlp.of("m", new int[] {4, 0, 2}, Mlp.Activation.TANH)).getMessage());
    assertThrows(NullPointerException.class, () -> Mlp.of("m", SIZES, null));
    Mlp mlp = Mlp.of("m", SIZES, Mlp.Activation.TANH);
    assertEquals("Mlp 'm': the input has shape [2, 5] but the network takes [..., 4]",
        assertThrows(IllegalArgumentException.class, () -> mlp.apply(Tensor.ones(2, 5)))
            .getMessage());
  }

  @Test
  void anMlpSurvivesSerialization() throws Exception {
    Mlp mlp = Mlp.of("enc", SIZES, Mlp.Activation.SOFTPLUS);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(mlp);
    }
    Mlp back;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (Mlp) in.readObject();
    }
    assertEquals(mlp.toString(), back.toString());
    Tensor x = DenseTest.input(2, 4);
    Tensor y0 = Handlers.trace(Handlers.seed(net(mlp), RngKey.of(1))).getTrace(x).get("y").value();
    Tensor y1 = Handlers.trace(Handlers.seed(net(back), RngKey.of(1))).getTrace(x).get("y").value();
    assertArrayEquals(y0.toArray(), y1.toArray());
  }
}
