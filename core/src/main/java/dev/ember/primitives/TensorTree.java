// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.primitives;

import dev.ember.tensor.Tensor;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Trees of tensors, the carries, inputs and outputs of {@code scan}: a {@link Tensor}, a {@link
 * List} of trees, a Java record whose components are trees, or null.
 *
 * <pre>{@code
 * record State(Tensor level, Tensor trend) {}
 * Object step3 = TensorTree.map(xs, t -> t.select(0, 3)); // slice every leaf at step 3
 * }</pre>
 */
public final class TensorTree {
  private TensorTree() {}

  /** Applies {@code f} to every leaf, rebuilding the same structure. */
  @SuppressWarnings("unchecked")
  public static <T> T map(T tree, Function<Tensor, Tensor> f) {
    if (tree == null) {
      return null;
    }
    if (tree instanceof Tensor t) {
      return (T) f.apply(t);
    }
    if (tree instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(map(o, f));
      }
      return (T) out;
    }
    if (tree.getClass().isRecord()) {
      RecordComponent[] parts = tree.getClass().getRecordComponents();
      Object[] values = new Object[parts.length];
      Class<?>[] types = new Class<?>[parts.length];
      for (int i = 0; i < parts.length; i++) {
        values[i] = map(component(tree, parts[i]), f);
        types[i] = parts[i].getType();
      }
      return (T) construct(tree.getClass(), types, values);
    }
    throw new IllegalArgumentException(
        "scan: a carry, input or output must be a Tensor, a List or a record of them, or null; "
            + "got " + tree.getClass().getName());
  }

  /** The leaves, depth first. */
  public static List<Tensor> leaves(Object tree) {
    List<Tensor> out = new ArrayList<>();
    map(tree, t -> {
      out.add(t);
      return t;
    });
    return out;
  }

  /**
   * Stacks trees of the same structure along a new leading axis: the leaves at each position of
   * the structure become one tensor {@code [T, ...]}.
   */
  public static <T> T stack(List<T> trees) {
    T first = trees.get(0);
    List<List<Tensor>> columns = new ArrayList<>();
    for (T tree : trees) {
      List<Tensor> l = leaves(tree);
      for (int i = 0; i < l.size(); i++) {
        if (columns.size() <= i) {
          columns.add(new ArrayList<>());
        }
        columns.get(i).add(l.get(i));
      }
    }
    int[] at = {0};
    return map(first, t -> Tensor.stack(0, columns.get(at[0]++)));
  }

  private static Object component(Object record, RecordComponent c) {
    try {
      return c.getAccessor().invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + c.getName() + " of " + record, e);
    }
  }

  private static Object construct(Class<?> type, Class<?>[] types, Object[] values) {
    try {
      Constructor<?> ctor = type.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot rebuild record " + type.getName(), e);
    }
  }
}
