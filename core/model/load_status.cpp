#include "core/model/load_status.h"

#include <fmt/format.h>

namespace hp {

ImportError::ImportError(const std::string& file, uint64_t offset, const std::string& what)
    : std::runtime_error(fmt::format("{}: byte {}: {}", file, offset, what)), file_(file), offset_(offset) {}

}  // namespace hp
