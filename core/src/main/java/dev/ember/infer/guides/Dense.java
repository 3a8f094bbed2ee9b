// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.guides;

import dev.ember.dist.constraints.Constraints;
import dev.ember.primitives.Primitives;
import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.Serializable;
import java.util.Objects;
import java.util.function.Function;

/**
 * A dense (fully connected) layer {@code y = x W + b} whose weight {@code W [in, out]} and bias
 * {@code b [out]} are {@code param} sites named {@code prefix + ".weight"} and {@code prefix +
 * ".bias"}: the building block of amortized guides, whose network weights SVI fits along with
 * the other variational parameters.
 *
 * <pre>{@code
 * Dense layer = Dense.of("encoder.0", 4, 2);
 * Model<Tensor> guide = x -> {                       // x [N, 4]
 *   Tensor h = layer.apply(x);                       // [N, 2]; params encoder.0.weight [4, 2],
 *   ...                                              //         encoder.0.bias [2]
 * };
 * Trace tr = Handlers.trace(Handlers.seed(guide, RngKey.of(0))).getTrace(x);
 * tr.get("encoder.0.weight").value();                // the initial weights, drawn from the seed
 * }</pre>
 *
 * <p><b>Initialisation.</b> The initial values are drawn only when a site has no value (the
 * first run, under {@code Handlers.seed}; afterwards SVI substitutes its own), from a key taken
 * from the enclosing seed handler at that moment, as NumPyro's {@code param} does with a
 * callable initial value. Weight and bias are separate sites and get separate keys; the same
 * seed and the same model give the same initial values. Two schemes ({@link Init}):
 *
 * <ul>
 *   <li>{@link Init#FAN_IN_UNIFORM} (the default, PyTorch's {@code nn.Linear}): weight and bias
 *       both {@code ~ Uniform(-1/sqrt(in), 1/sqrt(in))}.
 *   <li>{@link Init#GLOROT_UNIFORM} (Keras' default, and flax's {@code xavier_uniform}): weight
 *       {@code ~ Uniform(-sqrt(6 / (in + out)), sqrt(6 / (in + out)))}, bias 0.
 * </ul>
 *
 * <p>The input may have any number of leading batch axes: {@code [..., in] -> [..., out]}. A
 * layer is an immutable, serializable description (its sizes and names), so guides that capture
 * it can be shipped to Spark executors; the values live in the param sites.
 *
 * <p>References: K. He et al., <i>Delving Deep into Rectifiers</i>, ICCV 2015 (PyTorch's
 * default is its Kaiming-uniform scheme with {@code a = sqrt(5)}, which reduces to the bound
 * above); X. Glorot and Y. Bengio, <i>Understanding the difficulty of training deep feedforward
 * neural networks</i>, AISTATS 2010.
 */
public final class Dense implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How the initial weight and bias are drawn. */
  public enum Init {
    /** PyTorch's {@code nn.Linear}: weight and bias {@code ~ U(-1/sqrt(in), 1/sqrt(in))}. */
    FAN_IN_UNIFORM,
    /** Glorot (Xavier) uniform: weight {@code ~ U(±sqrt(6 / (in + out)))}, bias 0. */
    GLOROT_UNIFORM
  }

  private final String prefix;
  private final int in;
  private final int out;
  private final Init init;

  private Dense(String prefix, int in, int out, Init init) {
    Objects.requireNonNull(prefix, "Dense: prefix");
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("Dense: the prefix of the param names must not be empty");
    }
    if (in < 1 || out < 1) {
      throw new IllegalArgumentException(
          "Dense '" + prefix + "': in and out must be >= 1, got in = " + in + ", out = " + out);
    }
    this.prefix = prefix;
    this.in = in;
    this.out = out;
    this.init = Objects.requireNonNull(init, "Dense: init");
  }

  /** A layer from {@code in} to {@code out} features with PyTorch's initialisation. */
  public static Dense of(String prefix, int in, int out) {
    return new Dense(prefix, in, out, Init.FAN_IN_UNIFORM);
  }

  /** A layer from {@code in} to {@code out} features with the given initialisation. */
  public static Dense of(String prefix, int in, int out, Init init) {
    return new Dense(prefix, in, out, init);
  }

  /**
   * {@code x W + b}, declaring (on first use: drawing) the weight and bias param sites.
   *
   * @param x the input, {@code [..., in]}
   * @return {@code [..., out]}
   * @throws IllegalArgumentException if {@code x} is a scalar or its last axis is not {@code in}
   */
  public Tensor apply(Tensor x) {
    if (x.rank() == 0 || x.dim(-1) != in) {
      throw new IllegalArgumentException(
          "Dense '" + prefix + "': the input has shape " + x.shape() + " but the layer takes [..., "
              + in + "]");
    }
    Tensor w = Primitives.param(weightName(), initFrom(weightName(), this::initialWeight),
        Constraints.real()); // [in, out]
    Tensor b = Primitives.param(biasName(), initFrom(biasName(), this::initialBias),
        Constraints.real()); // [out]
    return x.matmul(w).add(b); // [..., in] @ [in, out] + [out] -> [..., out]
  }

  /** The weight's site name, {@code prefix + ".weight"}. */
  public String weightName() {
    return prefix + ".weight";
  }

  /** The bias's site name, {@code prefix + ".bias"}. */
  public String biasName() {
    return prefix + ".bias";
  }

  /** The prefix of the site names. */
  public String prefix() {
    return prefix;
  }

  /** The number of input features. */
  public int in() {
    return in;
  }

  /** The number of output features. */
  public int out() {
    return out;
  }

  /** The initialisation scheme. */
  public Init init() {
    return init;
  }

  /** The initial weight, {@code [in, out]}, from {@code key}. */
  Tensor initialWeight(RngKey key) {
    double bound = init == Init.GLOROT_UNIFORM ? Math.sqrt(6.0 / (in + out)) : 1 / Math.sqrt(in);
    return Samplers.uniform(key, Shape.of(in, out), -bound, bound);
  }

  /** The initial bias, {@code [out]}, from {@code key}. */
  Tensor initialBias(RngKey key) {
    return init == Init.GLOROT_UNIFORM
        ? Tensor.zeros(out)
        : Samplers.uniform(key, Shape.of(out), -1 / Math.sqrt(in), 1 / Math.sqrt(in));
  }

  /**
   * An initialiser for {@code param}: it uses the message's key if a handler gave one, else asks
   * the enclosing seed handler for one. It only runs when the site has no value, so a
   * substituted layer consumes no key.
   */
  private static Function<RngKey, Tensor> initFrom(String site, Function<RngKey, Tensor> draw) {
    return given -> {
      RngKey key = given != null ? given : Primitives.prngKey();
      if (key == null) {
        throw new IllegalStateException(
            "param '" + site + "' needs a random key for its initial value: run the model under"
                + " Handlers.seed(model, key), or give the site a value with substitute");
      }
      return draw.apply(key);
    };
  }

  @Override
  public String toString() {
    return "Dense(" + prefix + ": " + in + " -> " + out + ", " + init + ")";
  }
}
