// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/** The default step of {@link HandlerStack#apply}: what a message gets when no handler gave it a value. */
final class DefaultEffects {
  private DefaultEffects() {}

  /** The last {@code arange(n)} made on this thread: a plate entered at every scan step reuses it. */
  private static final ThreadLocal<Tensor> LAST_ARANGE = new ThreadLocal<>();

  private static Tensor allIndices(int n) {
    Tensor last = LAST_ARANGE.get();
    if (last == null || last.dim(0) != n) {
      last = Tensor.arange(n);
      LAST_ARANGE.set(last);
    }
    return last;
  }

  /** A param's initial value, for a param that no handler gave a value. */
  private static Tensor initialValue(Message msg) {
    Tensor init = msg.init() == null ? null : msg.init().apply(msg.rngKey());
    if (init == null) {
      throw new IllegalStateException(
          "param '" + msg.name() + "' has no initial value"
              + (msg.init() == null ? "" : " (its initial-value function returned null)")
              + " and no handler gave it a value: under Svi a model's param takes the value of "
              + "the guide's param of the same name, so declare param(\"" + msg.name()
              + "\", init) in the guide; elsewhere give it a value with Handlers.substitute, or "
              + "an initial value here");
    }
    return init;
  }

  static void apply(Message msg) {
    switch (msg.type()) {
      case SAMPLE:
        if (msg.value() == null) {
          if (msg.rngKey() == null) {
            throw new IllegalStateException(
                "sample site '" + msg.name() + "' has no random key: run the model under "
                    + "Handlers.seed(model, key) (or pass a key to sample), or give the site a "
                    + "value with substitute/condition");
          }
          msg.setValue(
              msg.fn().hasRsample()
                  ? msg.fn().rsample(msg.rngKey(), Shape.SCALAR)
                  : msg.fn().sample(msg.rngKey(), Shape.SCALAR));
        }
        break;
      case PARAM:
        if (msg.value() == null) {
          msg.setValue(initialValue(msg));
        }
        break;
      case PLATE:
        if (msg.value() == null) {
          PlateSpec spec = (PlateSpec) msg.payload();
          if (spec.subsampleSize() == spec.size()) {
            msg.setValue(allIndices(spec.size()));
          } else if (msg.rngKey() == null) {
            throw new IllegalStateException(
                "plate '" + msg.name() + "' subsamples " + spec.subsampleSize() + " of "
                    + spec.size() + " but has no random key: run the model under "
                    + "Handlers.seed(model, key), or give the indices with substitute");
          } else {
            msg.setValue(
                Samplers.permutation(msg.rngKey(), spec.size()).slice(0, 0, spec.subsampleSize()));
          }
        }
        break;
      case CONTROL_FLOW:
        ((ControlFlow) msg.payload()).execute(msg);
        break;
      default:
        break; // DETERMINISTIC and SUBSAMPLE carry their value; PRNG_KEY's value is its key
    }
  }
}
