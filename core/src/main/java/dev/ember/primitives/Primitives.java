// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.primitives;

import dev.ember.dist.Distribution;
import dev.ember.dist.Unit;
import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.handlers.HandlerStack;
import dev.ember.handlers.Message;
import dev.ember.handlers.Plate;
import dev.ember.handlers.SiteType;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.function.Function;

/**
 * The primitives models are written with; use them with {@code import static}.
 *
 * <pre>{@code
 * import static dev.ember.primitives.Primitives.*;
 *
 * Model<Tensor> model = ys -> {
 *   Tensor mu = sample("mu", Normal.of(0.0, 10.0));
 *   try (Plate p = plate("data", ys.dim(0))) {
 *     sample("y", Normal.of(mu, Tensor.scalar(1.0)), ys);
 *   }
 * };
 * }</pre>
 *
 * <p>Each builds a typed {@link Message} and sends it through the handlers ({@link
 * HandlerStack#apply}); what comes back is the site's value.
 */
public final class Primitives {
  private Primitives() {}

  /** A latent random variable: its value comes from a handler or is drawn with a seeded key. */
  public static Tensor sample(String name, Distribution fn) {
    return sample(name, fn, (Tensor) null);
  }

  /**
   * An observed random variable (or a latent one if {@code obs} is null). Observations outside
   * the support throw, naming the site.
   */
  public static Tensor sample(String name, Distribution fn, Tensor obs) {
    Message msg = new Message(SiteType.SAMPLE, requireName(name, "sample"));
    msg.setFn(fn);
    if (obs != null) {
      try {
        fn.validateSample(obs);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("site '" + name + "': " + e.getMessage(), e);
      }
      msg.setValue(obs);
      msg.setObserved(true);
    }
    return HandlerStack.apply(msg).value();
  }

  /** A latent site drawn with an explicit key (for use without a seed handler). */
  public static Tensor sample(String name, Distribution fn, RngKey key) {
    Message msg = new Message(SiteType.SAMPLE, requireName(name, "sample"));
    msg.setFn(fn);
    msg.setRngKey(key);
    return HandlerStack.apply(msg).value();
  }

  /**
   * A latent site holding a whole scan's worth of values, drawn at once: axis 0 of {@code fn}'s
   * batch shape is time, as for a site that {@code scan} stacked. Guides use it to give a scanned
   * model site all its steps in one vectorized draw; replaying (or substituting) it into the
   * model's scan gives step {@code t} its slice {@code t}. (A plain {@code sample} is replayed the
   * same way only when its value's shape is exactly {@code [T]} + the per-step shape; this one
   * says which axis is time whatever the shapes.)
   *
   * <pre>{@code
   * // guide for a model whose scan body samples "z" of shape [B] at each of T steps
   * Tensor loc = param("z_loc", Tensor.zeros(T, B));                       // [T, B]
   * sampleOverTime("z", Normal.of(loc, Tensor.scalar(0.1)));
   * }</pre>
   */
  public static Tensor sampleOverTime(String name, Distribution fn) {
    if (fn.batchShape().rank() == 0) {
      throw new IllegalArgumentException(
          "sampleOverTime '" + name + "': the distribution needs a leading time axis in its batch "
              + "shape, got batch shape " + fn.batchShape() + " (expand it to [T, ...])");
    }
    Message msg = new Message(SiteType.SAMPLE, requireName(name, "sampleOverTime"));
    msg.setFn(fn);
    msg.setTimeSteps(fn.batchShape().dim(0));
    return HandlerStack.apply(msg).value();
  }

  /**
   * A partially observed site: where {@code obsMask} is true the value is {@code obs} (site
   * {@code name + "_observed"}), elsewhere it is sampled (site {@code name + "_unobserved"}, which
   * a guide must provide); the combination is recorded as the deterministic site {@code name}.
   */
  public static Tensor sample(String name, Distribution fn, Tensor obs, Tensor obsMask) {
    if (!obsMask.isBool()) {
      throw new IllegalArgumentException(
          "site '" + name + "': obsMask must be a boolean tensor, got dtype " + obsMask.dtype());
    }
    Tensor observed = sample(name + "_observed", fn.mask(obsMask), obs);
    Tensor unobserved = sample(name + "_unobserved", fn.mask(obsMask.not()));
    return deterministic(name, Tensor.where(obsMask, observed, unobserved));
  }

  /**
   * A parameter with no initial value of its own, as NumPyro's {@code param(name)}: a model uses
   * it to share a param the guide declares. Under {@code Svi} it takes the guide's value (at
   * {@code init} the value the guide's param starts from, then the fitted value); outside
   * inference a handler must give it one ({@code substitute}), otherwise it throws naming the
   * site.
   *
   * <pre>{@code
   * Model<Tensor> model = ys -> sample("y", Normal.of(param("loc"), Tensor.scalar(1.0)), ys);
   * Model<Tensor> guide = ys -> param("loc", Tensor.scalar(0.0)); // declares and initializes it
   * }</pre>
   */
  public static Tensor param(String name) {
    return param(name, (Function<RngKey, Tensor>) null, Constraints.real());
  }

  /**
   * A real-valued parameter: its value is what inference substitutes, else {@code init} (null
   * for none: then as {@link #param(String)}).
   */
  public static Tensor param(String name, Tensor init) {
    return param(name, init, Constraints.real());
  }

  /**
   * A constrained parameter (optimized in unconstrained space through {@code bijectTo}); a null
   * {@code init} means none, as {@link #param(String)}.
   */
  public static Tensor param(String name, Tensor init, Constraint constraint) {
    return param(name, init == null ? null : key -> init, constraint);
  }

  /**
   * A parameter whose initial value is drawn from a key (e.g. random network weights); a null
   * {@code init} means none, as {@link #param(String)}.
   */
  public static Tensor param(String name, Function<RngKey, Tensor> init, Constraint constraint) {
    Message msg = new Message(SiteType.PARAM, requireName(name, "param"));
    msg.setInit(init);
    msg.setConstraint(constraint);
    return HandlerStack.apply(msg).value();
  }

  /** Records a function of other sites under a name (substitute can replace it). */
  public static Tensor deterministic(String name, Tensor value) {
    Message msg = new Message(SiteType.DETERMINISTIC, requireName(name, "deterministic"));
    msg.setValue(value);
    return HandlerStack.apply(msg).value();
  }

  /** Adds {@code logFactor} (summed) to the log joint: an observed {@link Unit} site. */
  public static void factor(String name, Tensor logFactor) {
    Unit u = Unit.of(logFactor);
    Message msg = new Message(SiteType.SAMPLE, requireName(name, "factor"));
    msg.setFn(u);
    msg.setValue(Tensor.zeros(logFactor.shape().concat(Shape.of(0))));
    msg.setObserved(true);
    msg.infer().put("isAuxiliary", Boolean.TRUE);
    HandlerStack.apply(msg);
  }

  /** A fresh key from the enclosing seed handler, or null when there is none. */
  public static RngKey prngKey() {
    return HandlerStack.apply(new Message(SiteType.PRNG_KEY, null)).rngKey();
  }

  /** A plate of {@code size} independent copies at the rightmost free batch dimension. */
  public static Plate plate(String name, int size) {
    return Plate.create(name, size, size, 0);
  }

  /** A plate subsampled to {@code subsampleSize} of {@code size}, scaled by N / B. */
  public static Plate plate(String name, int size, int subsampleSize) {
    return Plate.create(name, size, subsampleSize, 0);
  }

  /** A plate at an explicit (negative) batch dimension. */
  public static Plate plate(String name, int size, int subsampleSize, int dim) {
    return Plate.create(name, size, subsampleSize, dim);
  }

  /**
   * {@code data} gathered to the subsample of every enclosing subsampled plate, along the plate's
   * dimension counted left of the {@code eventDim} rightmost dimensions.
   */
  public static Tensor subsample(Tensor data, int eventDim) {
    Message msg = new Message(SiteType.SUBSAMPLE, null);
    msg.setValue(data);
    msg.setPayload(eventDim);
    return HandlerStack.apply(msg).value();
  }

  private static String requireName(String name, String primitive) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(primitive + ": a site needs a non-empty name");
    }
    return name;
  }
}
