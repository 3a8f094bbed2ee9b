// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import dev.ember.random.RngKey;

/**
 * Gives a fresh key, split from its own, to every message that needs one and has none: unobserved
 * sample sites without a value, key requests, subsampled plates and control-flow calls (one key
 * per scan; the scan splits it per step).
 *
 * <pre>{@code
 * try (Seed s = Handlers.seed(RngKey.of(0))) {
 *   Tensor x = sample("x", Normal.standard()); // drawn with a key split from RngKey.of(0)
 * }
 * }</pre>
 */
public final class Seed extends Messenger {
  private RngKey key;

  Seed(RngKey key) {
    this.key = key;
  }

  @Override
  protected void process(Message msg) {
    boolean needs =
        switch (msg.type()) {
          case SAMPLE, PLATE -> msg.value() == null && msg.rngKey() == null;
          case PRNG_KEY, CONTROL_FLOW -> msg.rngKey() == null;
          default -> false;
        };
    if (needs) {
      RngKey[] k = key.split();
      key = k[0];
      msg.setRngKey(k[1]);
    }
  }
}
