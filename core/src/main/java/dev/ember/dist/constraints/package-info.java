// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/**
 * Constraints: the supports of distributions and the domains of parameters ({@link
 * dev.ember.dist.constraints.Constraints} has the factories).
 */
package dev.ember.dist.constraints;
