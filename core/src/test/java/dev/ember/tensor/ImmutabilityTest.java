// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.infer.optim.Adagrad;
import dev.ember.infer.optim.Adam;
import dev.ember.infer.optim.ClippedAdam;
import dev.ember.infer.optim.Momentum;
import dev.ember.infer.optim.Optimizer;
import dev.ember.infer.optim.OptimizerBuffers;
import dev.ember.infer.optim.OptimizerState;
import dev.ember.infer.optim.RmsProp;
import dev.ember.infer.optim.Sgd;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * No public method lets a caller observe a change of a tensor's values. Arrays cross the public
 * API of the tensor package only as copies, a tensor is built without handing out its array, the
 * storage interface cannot write, and every method that writes in place (owned buffers, the
 * optimizers' in-place update) leaves earlier views of what it wrote stale, so that reading them
 * throws instead of showing new values. The list of public methods with an array in their
 * signature is checked, so that a new one has to be added here with its check.
 */
class ImmutabilityTest {
  private static final List<Class<?>> PUBLIC_CLASSES = List.of(Tensor.class, TensorBuilder.class,
      OwnedBuffer.class, OwnedBuffer.Kernel.class, Storage.class, Shape.class, Gathers.class,
      FusedDensities.class, StaleTensorException.class, DType.class);

  /** Every public method or constructor of the tensor package with a double array in it. */
  private static Set<String> arraySignatures() {
    Set<String> out = new TreeSet<>();
    for (Class<?> c : PUBLIC_CLASSES) {
      for (Executable e : executables(c)) {
        boolean array = e instanceof Method m && isDoubleArray(m.getReturnType());
        for (Class<?> p : e.getParameterTypes()) {
          array |= isDoubleArray(p);
        }
        if (array && Modifier.isPublic(e.getModifiers())) {
          out.add(c.getSimpleName() + "." + e.getName() + Arrays.toString(
              Arrays.stream(e.getParameterTypes()).map(Class::getSimpleName).toArray()));
        }
      }
    }
    return out;
  }

  private static List<Executable> executables(Class<?> c) {
    List<Executable> all = new java.util.ArrayList<>(Arrays.asList(c.getDeclaredMethods()));
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      all.add(k);
    }
    return all;
  }

  private static boolean isDoubleArray(Class<?> t) {
    return t == double[].class || t == double[][].class;
  }

  @Test
  void theArraysInThePublicApiAreTheOnesCheckedHere() {
    assertEquals(new TreeSet<>(List.of(
        "Kernel.apply[double[][], double[][]]",
        "Storage.copyTo[int, double[], int, int]",
        "Tensor.of[double[]]",
        "Tensor.of[double[], Shape]",
        "Tensor.of[double[], int[]]",
        "Tensor.of[double[][]]",
        "Tensor.toArray[]",
        "Tensor.toArray2d[]",
        "TensorBuilder.put[int, double[], int, int]")), arraySignatures());
    // the storage a tensor shows has no method that writes
    for (Method m : Storage.class.getMethods()) {
      assertTrue(Set.of("length", "get", "copyTo", "version").contains(m.getName()), m.getName());
    }
  }

  @Test
  void arraysGoInAndOutAsCopies() {
    double[] in = {1, 2, 3, 4};
    Tensor a = Tensor.of(in);
    Tensor b = Tensor.of(in, 2, 2);
    Tensor c = Tensor.of(in, Shape.of(4));
    double[][] rows = {{1, 2}, {3, 4}};
    Tensor d = Tensor.of(rows);
    in[0] = 99;
    rows[0][0] = 99;
    for (Tensor t : List.of(a, b, c, d)) {
      assertEquals(1.0, t.toArray()[0], 0.0);
    }
    double[] out = a.toArray();
    out[1] = 99;
    double[][] out2 = d.toArray2d();
    out2[1][1] = 99;
    double[] copied = new double[4];
    b.storage().copyTo(0, copied, 0, 4);
    copied[2] = 99;
    assertArrayEquals(new double[] {1, 2, 3, 4}, a.toArray(), 0.0);
    assertArrayEquals(new double[] {1, 2, 3, 4}, b.toArray(), 0.0);
    assertArrayEquals(new double[] {1, 2, 3, 4}, d.toArray(), 0.0);

    TensorBuilder builder = Tensor.builder(Shape.of(2));
    double[] src = {5, 6};
    builder.put(0, src, 0, 2);
    Tensor built = builder.build();
    src[0] = 99;
    assertThrows(IllegalStateException.class, () -> builder.put(0, src, 0, 2));
    assertArrayEquals(new double[] {5, 6}, built.toArray(), 0.0);
  }

  @Test
  void whatWritesInPlaceMakesEarlierViewsStale() {
    OwnedBuffer b = OwnedBuffer.copyOf(Tensor.of(1.0, 2.0));
    Tensor before = b.view();
    OwnedBuffer.write(new OwnedBuffer[] {b}, new Tensor[0], (out, in) -> out[0][0] = 5.0);
    assertThrows(StaleTensorException.class, () -> before.get(0));
    assertArrayEquals(new double[] {5, 2}, b.view().toArray(), 0.0);
    for (Runnable write : List.<Runnable>of(
        () -> b.add(Tensor.of(1.0, 1.0)),
        () -> b.addProduct(Tensor.of(1.0, 1.0), Tensor.scalar(2.0)),
        () -> b.multiply(Tensor.scalar(2.0)),
        () -> b.scatterAdd(Tensor.scalar(1.0), 0, new int[0]),
        () -> b.set(Tensor.of(0.0, 0.0)))) {
      Tensor view = b.view();
      write.run();
      assertThrows(StaleTensorException.class, view::toArray);
    }
  }

  @Test
  void optimizersNeverWriteTheirCallersTensors() {
    List<Optimizer> optimizers = List.of(Sgd.of(0.1), Momentum.of(0.1, 0.9), Adam.of(0.1),
        ClippedAdam.of(0.1, 0.9, 0.999, 1e-8, 0.5, 1.0), Adagrad.of(0.1), RmsProp.of(0.1));
    for (Optimizer opt : optimizers) {
      OptimizerState init = opt.init(Map.of("x", Tensor.of(1.0, -2.0, 3.0)));
      Tensor grad = Tensor.of(4.0, -5.0, 6.0); // clipped by ClippedAdam: norm 8.8 > 0.5
      OptimizerState next = opt.update(Map.of("x", grad), init);
      assertArrayEquals(new double[] {4, -5, 6}, grad.toArray(), 0.0, opt.toString());
      assertArrayEquals(new double[] {1, -2, 3}, init.params().get("x").toArray(), 0.0);
      // in place: the buffers are the fit's own copies; earlier views go stale
      OptimizerBuffers fit = OptimizerBuffers.copyOf(init);
      Tensor view = fit.views().params().get("x");
      assertTrue(opt.updateInPlaceIfFinite(Map.of("x", grad), fit));
      assertArrayEquals(new double[] {4, -5, 6}, grad.toArray(), 0.0, opt.toString());
      assertArrayEquals(new double[] {1, -2, 3}, init.params().get("x").toArray(), 0.0);
      assertArrayEquals(next.params().get("x").toArray(),
          fit.views().params().get("x").toArray(), 0.0, opt.toString());
      assertThrows(StaleTensorException.class, view::toArray, opt.toString());
    }
  }
}
