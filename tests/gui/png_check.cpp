// png_check FILE WIDTH HEIGHT: exit 0 when FILE is a WIDTHxHEIGHT PNG that is not one flat colour.
#include <stb_image.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: png_check FILE WIDTH HEIGHT\n");
    return 2;
  }
  int w = 0, h = 0, n = 0;
  unsigned char* px = stbi_load(argv[1], &w, &h, &n, 4);
  if (!px) {
    std::fprintf(stderr, "png_check: %s: %s\n", argv[1], stbi_failure_reason());
    return 1;
  }
  const int want_w = std::atoi(argv[2]), want_h = std::atoi(argv[3]);
  std::set<unsigned> colours;
  size_t differing = 0;
  unsigned first = 0;
  std::memcpy(&first, px, 4);
  for (size_t i = 0; i < static_cast<size_t>(w) * static_cast<size_t>(h); ++i) {
    unsigned c = 0;
    std::memcpy(&c, px + i * 4, 4);
    if (colours.size() < 1000) colours.insert(c);
    differing += c != first;
  }
  stbi_image_free(px);
  std::printf("%s: %dx%d, %zu+ colours, %zu pixels differ from the first\n", argv[1], w, h, colours.size(),
              differing);
  // A negative expectation means "smaller than": png_check F -1280 -800 wants a crop of a 1280x800 window.
  const bool size_ok =
      (want_w >= 0 ? w == want_w : w <= -want_w && h < -want_h) && (want_h >= 0 ? h == want_h : true);
  if (!size_ok) {
    std::fprintf(stderr, "png_check: size %dx%d, expected %dx%d\n", w, h, want_w, want_h);
    return 1;
  }
  // A rendered workbench has text, tab bars and panels: many colours and a good share of pixels
  // that differ from the background.
  if (colours.size() < 16 || differing < static_cast<size_t>(w) * static_cast<size_t>(h) / 100) {
    std::fprintf(stderr, "png_check: the image is (nearly) blank\n");
    return 1;
  }
  return 0;
}
