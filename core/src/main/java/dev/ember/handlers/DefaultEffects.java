// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import dev.ember.dist.Distribution;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/** The default step of {@link HandlerStack#apply}: what a message gets when no handler gave it a value. */
final class DefaultEffects {
  private DefaultEffects() {}

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
          if (msg.fn().hasRsample()) {
            // the draw with its intermediates, so that scoring it can read them
            Distribution.Draw d = msg.fn().rsampleWithIntermediates(msg.rngKey(), Shape.SCALAR);
            msg.setValue(d.value(), d.intermediates());
          } else {
            msg.setValue(msg.fn().sample(msg.rngKey(), Shape.SCALAR));
          }
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
            msg.setValue(Tensor.arange(spec.size())); // a view of a constant table
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
