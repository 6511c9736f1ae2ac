#include "app/png_capture.h"

#include <GLFW/glfw3.h>
#include <stb_image_write.h>

#include <vector>

namespace hp {

bool write_backbuffer_png(const std::string& path, int width, int height, std::string* why) {
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
  stbi_flip_vertically_on_write(1);  // GL's origin is bottom-left
  if (!stbi_write_png(path.c_str(), width, height, 4, px.data(), width * 4)) {
    if (why) *why = path + ": cannot write the PNG";
    return false;
  }
  return true;
}

}  // namespace hp
