#include "app/png_capture.h"

#include <GLFW/glfw3.h>
#include <stb_image_write.h>

#include <algorithm>
#include <vector>

namespace hp {

bool write_backbuffer_png(const std::string& path, int width, int height, std::string* why,
                          const PixelRect* crop) {
  if (width <= 0 || height <= 0) {
    if (why) *why = "empty framebuffer";
    return false;
  }
  std::vector<unsigned char> px(static_cast<size_t>(width) * static_cast<size_t>(height) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  // The window is opaque: force alpha to 255 so viewers do not show a half-transparent image.
  for (size_t i = 3; i < px.size(); i += 4) px[i] = 255;
  if (crop) {  // copy the rows top-down (GL's rows are bottom-up), then write without flipping
    const int x0 = std::clamp(crop->x, 0, width - 1), y0 = std::clamp(crop->y, 0, height - 1);
    const int w = std::clamp(crop->w, 1, width - x0), h = std::clamp(crop->h, 1, height - y0);
    std::vector<unsigned char> out(static_cast<size_t>(w) * static_cast<size_t>(h) * 4);
    for (int row = 0; row < h; ++row) {
      const unsigned char* src = px.data() + (static_cast<size_t>(height - 1 - (y0 + row)) * width + x0) * 4;
      std::copy(src, src + static_cast<size_t>(w) * 4, out.data() + static_cast<size_t>(row) * w * 4);
    }
    stbi_flip_vertically_on_write(0);
    if (!stbi_write_png(path.c_str(), w, h, 4, out.data(), w * 4)) {
      if (why) *why = path + ": cannot write the PNG";
      return false;
    }
    return true;
  }
  stbi_flip_vertically_on_write(1);  // GL's origin is bottom-left
  if (!stbi_write_png(path.c_str(), width, height, 4, px.data(), width * 4)) {
    if (why) *why = path + ": cannot write the PNG";
    return false;
  }
  return true;
}

}  // namespace hp
