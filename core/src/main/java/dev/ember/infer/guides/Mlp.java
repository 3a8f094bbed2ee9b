// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.guides;

import dev.ember.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A multi-layer perceptron: a stack of {@link Dense} layers with an activation between them, the
 * usual network of an amortized guide (an encoder from data to the parameters of {@code q(z |
 * x)}).
 *
 * <pre>{@code
 * Mlp encoder = Mlp.of("encoder", new int[] {784, 256, 64, 4}, Mlp.Activation.SOFTPLUS);
 * Model<Tensor> guide = x -> {                                  // x [N, 784]
 *   Tensor h = encoder.apply(x);                                // [N, 4]
 *   Tensor loc = h.slice(-1, 0, 2);                             // [N, 2]
 *   Tensor scale = h.slice(-1, 2, 4).softplus().add(1e-3);      // [N, 2]
 *   try (Plate p = plate("data", x.dim(0))) {
 *     sample("z", Normal.of(loc, scale).toEvent(1));
 *   }
 * };
 * }</pre>
 *
 * <p>Layer {@code i} (from 0) is {@code Dense.of(prefix + "." + i, sizes[i], sizes[i + 1])}, so
 * its sites are {@code prefix.i.weight} and {@code prefix.i.bias}, as PyTorch names the layers of
 * an {@code nn.Sequential}. The activation follows every layer but the last: the output is
 * linear, to be mapped to each parameter's domain by the caller (softplus for a scale, ...).
 *
 * <p>Immutable and serializable, like {@link Dense}.
 */
public final class Mlp implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The elementwise nonlinearity between layers. */
  public enum Activation {
    /** {@code tanh(x)}. */
    TANH,
    /** {@code max(x, 0)}; its gradient at exactly 0 is taken as 1. */
    RELU,
    /** {@code log(1 + e^x)}, a smooth ReLU. */
    SOFTPLUS;

    /** The activation applied elementwise. */
    public Tensor apply(Tensor x) {
      return switch (this) {
        case TANH -> x.tanh();
        case RELU -> x.clamp(0.0, Double.POSITIVE_INFINITY);
        case SOFTPLUS -> x.softplus();
      };
    }
  }

  private final String prefix;
  private final List<Dense> layers;
  private final Activation activation;

  private Mlp(String prefix, int[] sizes, Activation activation, Dense.Init init) {
    Objects.requireNonNull(prefix, "Mlp: prefix");
    Objects.requireNonNull(sizes, "Mlp: sizes");
    this.activation = Objects.requireNonNull(activation, "Mlp: activation");
    Objects.requireNonNull(init, "Mlp: init");
    if (sizes.length < 2) {
      throw new IllegalArgumentException(
          "Mlp '" + prefix + "': sizes must list the input size and at least one layer's output"
              + " size ([in, hidden..., out]), got " + Arrays.toString(sizes));
    }
    for (int s : sizes) {
      if (s < 1) {
        throw new IllegalArgumentException(
            "Mlp '" + prefix + "': every size must be >= 1, got " + Arrays.toString(sizes));
      }
    }
    List<Dense> ls = new ArrayList<>(sizes.length - 1);
    for (int i = 0; i + 1 < sizes.length; i++) {
      ls.add(Dense.of(prefix + "." + i, sizes[i], sizes[i + 1], init));
    }
    this.prefix = prefix;
    this.layers = List.copyOf(ls);
  }

  /**
   * An MLP with PyTorch's initialisation of each layer.
   *
   * @param prefix the prefix of the site names; layer {@code i}'s are {@code prefix.i.weight}
   *     and {@code prefix.i.bias}
   * @param sizes the input size, then each layer's output size: {@code [in, hidden..., out]}
   * @param activation the nonlinearity after every layer but the last
   */
  public static Mlp of(String prefix, int[] sizes, Activation activation) {
    return new Mlp(prefix, sizes, activation, Dense.Init.FAN_IN_UNIFORM);
  }

  /** An MLP whose layers use {@code init}; see {@link #of(String, int[], Activation)}. */
  public static Mlp of(String prefix, int[] sizes, Activation activation, Dense.Init init) {
    return new Mlp(prefix, sizes, activation, init);
  }

  /**
   * The network's output, declaring (on first use: drawing) every layer's param sites.
   *
   * @param x the input, {@code [..., in]}
   * @return {@code [..., out]}
   * @throws IllegalArgumentException if {@code x} is a scalar or its last axis is not {@code in}
   */
  public Tensor apply(Tensor x) {
    if (x.rank() == 0 || x.dim(-1) != in()) {
      throw new IllegalArgumentException(
          "Mlp '" + prefix + "': the input has shape " + x.shape() + " but the network takes [..., "
              + in() + "]");
    }
    Tensor h = x; // [..., in]
    for (int i = 0; i < layers.size(); i++) {
      h = layers.get(i).apply(h); // [..., sizes[i + 1]]
      if (i + 1 < layers.size()) {
        h = activation.apply(h);
      }
    }
    return h; // [..., out]
  }

  /** The layers, first to last. */
  public List<Dense> layers() {
    return layers;
  }

  /** The activation between layers. */
  public Activation activation() {
    return activation;
  }

  /** The prefix of the site names. */
  public String prefix() {
    return prefix;
  }

  /** The number of input features. */
  public int in() {
    return layers.get(0).in();
  }

  /** The number of output features. */
  public int out() {
    return layers.get(layers.size() - 1).out();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Mlp(").append(prefix).append(": ").append(in());
    for (Dense d : layers) {
      sb.append(" -> ").append(d.out());
    }
    return sb.append(", ").append(activation).append(")").toString();
  }
}
