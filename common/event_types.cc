#include "common/event_types.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "switchboard/v1/event.pb.h"
#include "switchboard/v1/options.pb.h"

namespace switchboard {
namespace {

struct Table {
  absl::flat_hash_map<std::string, const google::protobuf::FieldDescriptor*> fields;
  std::vector<std::string> known;
};

const Table& GetTable() {
  static const Table* const table = [] {
    auto* t = new Table;
    const google::protobuf::OneofDescriptor* payload =
        v1::Event::descriptor()->FindOneofByName("payload");
    for (int i = 0; i < payload->field_count(); ++i) {
      const google::protobuf::FieldDescriptor* field = payload->field(i);
      const std::string& type = field->options().GetExtension(v1::event_type);
      if (type.empty()) continue;  // `other`
      t->fields.emplace(type, field);
      t->known.push_back(type);
    }
    std::sort(t->known.begin(), t->known.end());
    return t;
  }();
  return *table;
}

}  // namespace

const google::protobuf::FieldDescriptor* EventTypes::PayloadField(absl::string_view type) {
  const Table& table = GetTable();
  auto it = table.fields.find(type);
  return it == table.fields.end() ? nullptr : it->second;
}

const std::vector<std::string>& EventTypes::Known() { return GetTable().known; }

bool IsValidEventType(absl::string_view type) {
  if (type.empty() || type.size() > 128) return false;
  for (absl::string_view segment : absl::StrSplit(type, '.')) {
    if (segment.empty()) return false;
    for (char c : segment) {
      if (!absl::ascii_isalnum(c) && c != '_' && c != '-') return false;
    }
  }
  return true;
}

}  // namespace switchboard
