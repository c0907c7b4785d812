import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import switchboard.v1.Options;

/**
 * Walks a JSON object (a webhook's {@code data}) against the typed message the client received,
 * expecting each key's typed field(s) to hold its value, as tests/gateway/fixture_test.cc does in
 * C++: a key fills the field of its name in the message and in the message's {@code json_inline}
 * objects; {@code utc_date_time_from} fields are derived, not read from a key; JSON null, and ""
 * for a field that is not text, leave a field absent. Generic: it follows the JSON and the
 * schema's options, not a list of fields.
 */
final class TypedWalker {
  /** What differs, one line each (path: what). Empty when the message matches. */
  final List<String> differences = new ArrayList<>();
  /** Keys the schema has no field for (they come back from data_json only). */
  final List<String> untyped = new ArrayList<>();

  void walk(Message message, JsonObject json, String path) {
    Set<FieldDescriptor> expected = new HashSet<>();
    for (Map.Entry<String, JsonElement> entry : json.entrySet()) {
      String keyPath = path + "." + entry.getKey();
      List<Map.Entry<Message, FieldDescriptor>> targets = targets(message, entry.getKey());
      if (targets.isEmpty()) untyped.add(keyPath);
      for (Map.Entry<Message, FieldDescriptor> target : targets) {
        if (target.getKey() == message) expected.add(target.getValue());
        expectField(target.getKey(), target.getValue(), entry.getValue(), keyPath);
      }
    }
    // Nothing is set that the JSON did not carry, in the message (its inline objects aside) and
    // in its inline objects (derived times aside).
    for (FieldDescriptor field : message.getAllFields().keySet()) {
      if (isInline(field)) {
        Message object = (Message) message.getField(field);
        for (FieldDescriptor inner : object.getAllFields().keySet()) {
          if (!isDerived(inner) && !json.has(inner.getName())) {
            differences.add(path + " (" + field.getName() + "): " + inner.getName()
                + " is set but the JSON has no value for it");
          }
        }
      } else if (!isDerived(field) && !expected.contains(field)) {
        differences.add(path + ": " + field.getName() + " is set but the JSON has no value for it");
      }
    }
  }

  private static boolean isInline(FieldDescriptor field) {
    return field.getOptions().getExtension(Options.jsonInline);
  }

  private static boolean isDerived(FieldDescriptor field) {
    return !field.getOptions().getExtension(Options.utcDateTimeFrom).isEmpty();
  }

  /** The fields a key fills: of the message itself, and of its inline objects. */
  private static List<Map.Entry<Message, FieldDescriptor>> targets(Message message, String key) {
    List<Map.Entry<Message, FieldDescriptor>> targets = new ArrayList<>();
    FieldDescriptor own = message.getDescriptorForType().findFieldByName(key);
    if (own != null && !isDerived(own)) targets.add(Map.entry(message, own));
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      if (!isInline(field)) continue;
      Message object = (Message) message.getField(field);
      FieldDescriptor inner = field.getMessageType().findFieldByName(key);
      if (inner != null && !isDerived(inner)) targets.add(Map.entry(object, inner));
    }
    return targets;
  }

  private static boolean isNoValue(FieldDescriptor field, JsonElement value) {
    return value.isJsonNull()
        || (field.getJavaType() != FieldDescriptor.JavaType.STRING
            && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()
            && value.getAsString().isEmpty());
  }

  private void expectField(Message message, FieldDescriptor field, JsonElement value, String path) {
    if (isNoValue(field, value)) {
      if (field.isRepeated() ? message.getRepeatedFieldCount(field) != 0 : message.hasField(field)) {
        differences.add(path + ": no value must leave " + field.getName() + " absent");
      }
      return;
    }
    if (field.isRepeated()) {
      if (!value.isJsonArray()) {
        differences.add(path + ": a list field, but the JSON is " + value);
        return;
      }
      JsonArray list = value.getAsJsonArray();
      if (message.getRepeatedFieldCount(field) != list.size()) {
        differences.add(path + ": " + message.getRepeatedFieldCount(field) + " elements, the JSON has " + list.size());
        return;
      }
      for (int i = 0; i < list.size(); i++) {
        expectValue(message.getRepeatedField(field, i), field, list.get(i), path + "[" + i + "]");
      }
      return;
    }
    if (!message.hasField(field)) {
      differences.add(path + ": present in the JSON but absent");
      return;
    }
    expectValue(message.getField(field), field, value, path);
  }

  private void expectValue(Object got, FieldDescriptor field, JsonElement value, String path) {
    JsonPrimitive primitive = value.isJsonPrimitive() ? value.getAsJsonPrimitive() : null;
    boolean equal;
    switch (field.getJavaType()) {
      case STRING: // an id sent as a number is kept as its text
        equal = primitive != null && !primitive.isBoolean() && got.equals(primitive.getAsString());
        break;
      case LONG: // a number, or a number sent as text
        equal = primitive != null && (primitive.isString()
            ? got.toString().equals(primitive.getAsString())
            : primitive.isNumber() && new BigDecimal((Long) got).compareTo(primitive.getAsBigDecimal()) == 0);
        break;
      case DOUBLE:
        equal = primitive != null && primitive.isNumber() && (Double) got == primitive.getAsDouble();
        break;
      case BOOLEAN:
        equal = primitive != null && primitive.isBoolean() && (Boolean) got == primitive.getAsBoolean();
        break;
      case MESSAGE:
        if (field.getMessageType().equals(Timestamp.getDescriptor())) {
          Timestamp t = (Timestamp) got;
          equal = primitive != null && primitive.isString()
              && OffsetDateTime.parse(primitive.getAsString()).toInstant()
                  .equals(java.time.Instant.ofEpochSecond(t.getSeconds(), t.getNanos()));
          break;
        }
        if (!value.isJsonObject()) {
          differences.add(path + ": a message field, but the JSON is " + value);
          return;
        }
        walk((Message) got, value.getAsJsonObject(), path);
        return;
      default:
        differences.add(path + ": the test does not know how to compare " + field.getJavaType());
        return;
    }
    if (!equal) differences.add(path + ": typed " + got + ", JSON " + value);
  }
}
