#ifndef SWITCHBOARD_GATEWAY_FIELD_PATH_H_
#define SWITCHBOARD_GATEWAY_FIELD_PATH_H_

#include <cstddef>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace switchboard::gateway {

// Names a JSON value in errors and schema mismatches, e.g.
// "data.notes[1].added_at": a key, or an array index, under a parent path.
// Every value visited gets one, so it only points (at its parent on the
// caller's stack, and at the key in the parsed document) and the text is
// rendered only when something reports it. Not copyable: it lives on the
// stack of the walk that made it.
class FieldPath {
 public:
  // A top-level name such as "data"; "" for the envelope itself.
  explicit FieldPath(absl::string_view root) : key_(root) {}
  // `key` in the object at `parent`.
  FieldPath(const FieldPath& parent, absl::string_view key) : parent_(&parent), key_(key) {}
  // Element `index` of the array at `parent`.
  FieldPath(const FieldPath& parent, size_t index)
      : parent_(&parent), index_(index), is_index_(true) {}
  FieldPath(const FieldPath&) = delete;
  FieldPath& operator=(const FieldPath&) = delete;

  // "parent.key" ("key" when the parent renders empty), or "parent[index]".
  std::string ToString() const {
    std::string text;
    AppendTo(&text);
    return text;
  }

 private:
  void AppendTo(std::string* text) const {
    if (parent_ != nullptr) parent_->AppendTo(text);
    if (is_index_) {
      absl::StrAppend(text, "[", index_, "]");
    } else if (text->empty()) {
      text->append(key_.data(), key_.size());
    } else {
      absl::StrAppend(text, ".", key_);
    }
  }

  const FieldPath* parent_ = nullptr;
  absl::string_view key_;
  size_t index_ = 0;
  bool is_index_ = false;
};

}  // namespace switchboard::gateway

#endif  // SWITCHBOARD_GATEWAY_FIELD_PATH_H_
