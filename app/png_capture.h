#pragma once
// Reads the current GL back buffer (call after rendering, before swapping) and writes a PNG.
#include <string>

namespace hp {

bool write_backbuffer_png(const std::string& path, int width, int height, std::string* why);

}  // namespace hp
