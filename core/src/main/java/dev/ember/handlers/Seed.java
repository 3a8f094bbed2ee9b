// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import dev.ember.random.RngKey;
import dev.ember.random.RowKeys;

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
 *
 * <p><b>Row-keyed seeding.</b> When its key carries the rows of a plate ({@link
 * Handlers#seedRows(RngKey, String, long[])}, {@link RngKey#withRows}), the seed splits exactly
 * as it would with the plain key, so every message gets the same key words, and then:
 *
 * <ul>
 *   <li>a sample site inside that plate (a frame of that name among {@link Message#plates()},
 *       whose current size must equal the number of rows) gets its key placed at the plate's
 *       batch dimension and the site's event rank ({@link RngKey#placeRows}): row {@code r} of
 *       its draw comes from {@code siteKey.foldIn(rowIds[r])};
 *   <li>a control-flow call keeps the rows on its key, so a scan's per-step seeds seed row-keyed
 *       too and a site in the plate at step {@code t} is keyed from that step's site key;
 *   <li>everything else gets the plain key: global sites (not in the plate), plates, and key
 *       requests ({@code prngKey()} returns the plain key even inside the plate).
 * </ul>
 *
 * <p>Only sites that the plate has already marked when the seed sees them are row-keyed, so the
 * seed must be outside the plate (as with every value-giving handler). A plate name that no site
 * uses is not an error: nothing is row-keyed, and the values are those of the plain seed.
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
      msg.setRngKey(k[1].rows() == null ? k[1] : rowKeyFor(msg, k[1]));
    }
  }

  /**
   * The key a message gets from a row-carrying seed: placed, carried on, or plain. A key request
   * that {@link Block} makes for a hidden message carries that message as its payload and is
   * keyed as that message.
   */
  private static RngKey rowKeyFor(Message msg, RngKey k) {
    RowKeys rows = k.rows();
    Message site =
        msg.type() == SiteType.PRNG_KEY && msg.payload() instanceof Message hidden ? hidden : msg;
    if (site.type() == SiteType.CONTROL_FLOW) {
      return k;
    }
    if (site.type() == SiteType.SAMPLE && site.fn() != null) {
      for (PlateFrame f : site.plates()) {
        if (f.name().equals(rows.plate())) {
          if (f.subsampleSize() != rows.size()) {
            throw new IllegalArgumentException(
                "site '" + site.name() + "' in plate '" + f.name() + "': the plate has "
                    + f.subsampleSize() + " rows in this batch, but the row-keyed seed was given "
                    + rows.size() + " row ids; give seedRows one id per row of the plate's "
                    + "current batch");
          }
          return k.placeRows(f.dim(), site.fn().eventShape().rank());
        }
      }
    }
    return k.base();
  }
}
