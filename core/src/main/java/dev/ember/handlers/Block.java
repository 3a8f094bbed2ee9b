// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import java.util.function.Predicate;

/**
 * Hides the messages it selects from every handler outside it (their sites are neither traced,
 * seeded nor substituted from outside). Key requests are never hidden, and a hidden message that
 * still needs a key asks for one first, so {@code seed(block(f))} and {@code block(seed(f))} draw
 * the same values.
 *
 * <pre>{@code
 * try (Block b = Handlers.block(m -> m.name().startsWith("aux"))) { ... }
 * }</pre>
 */
public final class Block extends Messenger {
  private final Predicate<Message> hide;

  Block(Predicate<Message> hide) {
    this.hide = hide;
  }

  @Override
  protected void process(Message msg) {
    if (msg.type() == SiteType.PRNG_KEY || !hide.test(msg)) {
      return;
    }
    boolean needsKey =
        msg.rngKey() == null
            && ((msg.type() == SiteType.SAMPLE && msg.value() == null)
                || (msg.type() == SiteType.PLATE && msg.value() == null)
                || msg.type() == SiteType.CONTROL_FLOW);
    if (needsKey) {
      // the request carries the hidden message, so a row-keyed seed keys it as it would the
      // message itself (placed for a site in its plate, with rows for a scan)
      Message request = new Message(SiteType.PRNG_KEY, null);
      request.setPayload(msg);
      msg.setRngKey(HandlerStack.apply(request).rngKey());
    }
    msg.stop();
  }
}
