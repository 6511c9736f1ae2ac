#pragma once
// Reads the current GL back buffer (call after rendering, before swapping) and writes a PNG.
#include <string>

namespace hp {

// A part of the framebuffer in pixels, top-left origin.
struct PixelRect {
  int x = 0, y = 0, w = 0, h = 0;
};

// `crop`: write only that part of the framebuffer (clamped to it); null writes all of it.
bool write_backbuffer_png(const std::string& path, int width, int height, std::string* why,
                          const PixelRect* crop = nullptr);

}  // namespace hp
