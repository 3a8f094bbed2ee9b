// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/**
 * Effect handlers: typed {@link dev.ember.handlers.Message}s, the per-thread {@link
 * dev.ember.handlers.HandlerStack} with NumPyro's processing order, and the handlers (seed,
 * trace, replay, substitute, condition, block, scale, mask, scope, lift, do, inferConfig, plate),
 * created through {@link dev.ember.handlers.Handlers}.
 */
package dev.ember.handlers;
