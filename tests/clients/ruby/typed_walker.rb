# frozen_string_literal: true

require "time"

# Walks a JSON object (a webhook's +data+) against the typed message the
# client received, expecting each key's typed field(s) to hold its value, as
# tests/gateway/fixture_test.cc (C++) and TypedWalker.java do: a key fills the
# field of its name in the message and in the payload's inline object; JSON
# null, and "" for a field that is not text, leave a field absent; generic,
# it follows the JSON, not a list of fields.
#
# Ruby's google-protobuf 3.21 does not expose field options, so the two the
# others read from the schema are recognised by shape here: a payload's
# message field that no key names is its inline object (json_inline: the
# official object read from the same +data+, e.g. CallCompleted.call), and a
# Timestamp that no key names is derived from a date and a time
# (utc_date_time_from, e.g. Call.called_at).
class TypedWalker
  # What differs, one line each ("path: what"); empty when the message matches.
  attr_reader :differences
  # Keys the schema has no field for (they come back from data_json only).
  attr_reader :untyped

  def initialize
    @differences = []
    @untyped = []
  end

  # +payload+: the Event's payload message; +data+: the webhook's data (a Hash).
  def walk_payload(payload, data, path)
    inline = fields(payload).select { |f| f.type == :message && !timestamp?(f) && !data.key?(f.name) }
    walk(payload, data, path, inline)
  end

  private

  def walk(message, object, path, inline = [])
    expected = []
    object.each do |key, value|
      key_path = "#{path}.#{key}"
      targets = []
      own = message.class.descriptor.lookup(key)
      targets << [message, own] if own
      inline.each do |field|
        inner = field.subtype.lookup(key)
        # An unset inline object is compared as empty: its keys then show as missing.
        targets << [message[field.name] || field.subtype.msgclass.new, inner] if inner
      end
      @untyped << key_path if targets.empty?
      targets.each do |holder, field|
        expected << field.name if holder.equal?(message)
        expect_field(holder, field, value, key_path)
      end
    end
    # Nothing is set that the JSON did not carry, in the message (its inline
    # object aside) and in the inline object.
    expect_nothing_else(message, expected, path, skip: inline)
    inline.each do |field|
      object_message = message[field.name] or next
      filled = fields(object_message).map(&:name).select { |name| object.key?(name) }
      expect_nothing_else(object_message, filled, "#{path} (#{field.name})")
    end
  end

  # Fields of +message+ that are set though not +expected+ (derived times aside).
  def expect_nothing_else(message, expected, path, skip: [])
    fields(message).each do |field|
      next if expected.include?(field.name) || skip.include?(field) || timestamp?(field) && !expected.include?(field.name)

      @differences << "#{path}: #{field.name} is set but the JSON has no value for it" if set?(message, field)
    end
  end

  def fields(message)
    message.class.descriptor.to_a
  end

  def timestamp?(field)
    field.type == :message && field.subtype.name == "google.protobuf.Timestamp"
  end

  def set?(message, field)
    return message[field.name].size.positive? if field.label == :repeated
    return !message[field.name].nil? if field.type == :message

    field.has?(message) # every payload scalar is `optional`
  end

  def no_value?(field, value)
    value.nil? || (field.type != :string && value == "")
  end

  def expect_field(message, field, value, path)
    if no_value?(field, value)
      @differences << "#{path}: no value must leave #{field.name} absent" if set?(message, field)
    elsif field.label == :repeated
      got = message[field.name].to_a
      if !value.is_a?(Array)
        @differences << "#{path}: a list field, but the JSON is #{value.inspect}"
      elsif got.size != value.size
        @differences << "#{path}: #{got.size} elements, the JSON has #{value.size}"
      else
        got.each_with_index { |element, i| expect_value(element, field, value[i], "#{path}[#{i}]") }
      end
    elsif !set?(message, field)
      @differences << "#{path}: present in the JSON but absent"
    else
      expect_value(message[field.name], field, value, path)
    end
  end

  def expect_value(got, field, value, path)
    equal =
      case field.type
      when :string then got == (value.is_a?(Integer) ? value.to_s : value) # an id sent as a number
      when :int64, :uint64, :int32, :uint32 then value.is_a?(String) ? got.to_s == value : got == value # text or number
      when :double, :float then value.is_a?(Numeric) && got == value
      when :bool then got == value
      when :message
        if timestamp?(field)
          value.is_a?(String) && Time.iso8601(value) == Time.at(got.seconds, got.nanos, :nsec)
        elsif value.is_a?(Hash)
          return walk(got, value, path)
        else
          @differences << "#{path}: a message field, but the JSON is #{value.inspect}"
          return
        end
      else
        @differences << "#{path}: the test does not know how to compare #{field.type}"
        return
      end
    @differences << "#{path}: typed #{got.inspect}, JSON #{value.inspect}" unless equal
  end
end
