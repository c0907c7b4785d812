#include "admin/console_assets.h"

namespace switchboard::admin {

const ConsoleAsset* FindConsoleAsset(std::string_view path) {
  if (path == "/") path = "/index.html";
  for (const ConsoleAsset& asset : ConsoleAssets()) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

}  // namespace switchboard::admin
