#include "views/palette.h"

#include <algorithm>
#include <functional>

namespace hp {

Color kind_color(SliceKind k) {
  switch (k) {
    case SliceKind::CpuOp:
      return rgba(86, 134, 199);
    case SliceKind::UserAnnotation:
      return rgba(148, 110, 190);
    case SliceKind::PythonFunction:
      return rgba(120, 160, 120);
    case SliceKind::Runtime:
      return rgba(205, 150, 70);
    case SliceKind::Driver:
      return rgba(190, 120, 60);
    case SliceKind::Kernel:
      return rgba(80, 170, 160);
    case SliceKind::Memcpy:
      return rgba(200, 90, 90);
    case SliceKind::Memset:
      return rgba(170, 90, 130);
    case SliceKind::Sync:
      return rgba(150, 150, 150);
    case SliceKind::GpuAnnotation:
      return rgba(148, 110, 190);
    case SliceKind::Nvtx:
      return rgba(148, 110, 190);
    case SliceKind::Trace:
      return rgba(90, 90, 100);
    default:
      return rgba(130, 130, 140);
  }
}

Color name_color(std::string_view name, SliceKind k) {
  Color base = kind_color(k);
  size_t h = std::hash<std::string_view>{}(name);
  int shift = static_cast<int>(h % 41) - 20;  // +-20 on each channel keeps the hue family
  auto ch = [&](int v, int s) { return static_cast<uint8_t>(std::clamp(v + s, 0, 255)); };
  int r = base & 0xff, g = (base >> 8) & 0xff, b = (base >> 16) & 0xff;
  return rgba(ch(r, shift), ch(g, (shift * 7) % 21), ch(b, -shift));
}

Color category_color(std::string_view c) {
  struct Entry {
    std::string_view name;
    Color color;
  };
  static constexpr Entry kTable[] = {
      {"gemm", rgba(66, 133, 244)},         {"attention", rgba(219, 68, 55)},
      {"moe", rgba(244, 160, 0)},           {"comm", rgba(171, 71, 188)},
      {"norm", rgba(15, 157, 88)},          {"activation", rgba(0, 172, 193)},
      {"rope", rgba(124, 179, 66)},         {"quant", rgba(255, 112, 67)},
      {"kv-cache", rgba(141, 110, 99)},     {"sampling", rgba(236, 64, 122)},
      {"elementwise", rgba(120, 144, 156)}, {"reduce", rgba(92, 107, 192)},
      {"memory", rgba(200, 90, 90)},        {"embedding", rgba(38, 166, 154)},
      {"triton", rgba(255, 202, 40)},
  };
  for (const auto& e : kTable)
    if (e.name == c) return e.color;
  return rgba(140, 140, 150);
}

Color text_color_on(Color bg) {
  int r = bg & 0xff, g = (bg >> 8) & 0xff, b = (bg >> 16) & 0xff;
  return (r * 299 + g * 587 + b * 114) / 1000 > 150 ? rgba(20, 20, 20) : rgba(245, 245, 245);
}

}  // namespace hp
