#ifndef SWITCHBOARD_ADMIN_CONSOLE_ASSETS_H_
#define SWITCHBOARD_ADMIN_CONSOLE_ASSETS_H_

// The console's static files (admin/console/), embedded in the binary at
// build time by admin/embed_console.cmake: no CDN, works offline.

#include <string_view>

#include "absl/types/span.h"

namespace switchboard::admin {

struct ConsoleAsset {
  std::string_view path;          // "/app.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;
};

// Every embedded file (generated).
absl::Span<const ConsoleAsset> ConsoleAssets();

// The file served at `path` ("/" is /index.html), or nullptr.
const ConsoleAsset* FindConsoleAsset(std::string_view path);

}  // namespace switchboard::admin

#endif  // SWITCHBOARD_ADMIN_CONSOLE_ASSETS_H_
