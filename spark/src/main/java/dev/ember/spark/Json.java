// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;

/**
 * Reading the JSON files of a checkpoint folder (headers, the lock) with errors that name the
 * field: one mapper, configured once, and accessors that refuse a missing or mistyped field.
 *
 * <pre>{@code
 * JsonNode header = Json.MAPPER.readTree(bytes);
 * long step = Json.number(header, "step").longValue();   // or: "missing number field 'step'"
 * }</pre>
 */
final class Json {
  private Json() {}

  /** Jackson's mapper (thread-safe once configured), writing indented text. */
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The parsed document, or an IOException saying it is not JSON. */
  static JsonNode parse(byte[] bytes) throws IOException {
    JsonNode n = MAPPER.readTree(bytes);
    if (n == null || n.isMissingNode()) {
      throw new IOException("empty");
    }
    return n;
  }

  /** The object or array field {@code name} of {@code o}. */
  static JsonNode field(JsonNode o, String name) {
    JsonNode f = o.get(name);
    if (f == null || !(f.isObject() || f.isArray())) {
      throw new IllegalArgumentException("missing object or array field '" + name + "'");
    }
    return f;
  }

  /** The text field {@code name} of {@code o}. */
  static String text(JsonNode o, String name) {
    JsonNode f = o.get(name);
    if (f == null || !f.isTextual()) {
      throw new IllegalArgumentException("missing text field '" + name + "'");
    }
    return f.textValue();
  }

  /** The numeric field {@code name} of {@code o}. */
  static Number number(JsonNode o, String name) {
    JsonNode f = o.get(name);
    if (f == null || !f.isNumber()) {
      throw new IllegalArgumentException("missing number field '" + name + "'");
    }
    return f.numberValue();
  }
}
