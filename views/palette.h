#pragma once
// Colours shared by the panels: one per kernel category (with a legend) and per slice kind.
#include <cstdint>
#include <string_view>

#include "core/model/run.h"

namespace hp {

using Color = uint32_t;  // ImGui's packed ABGR (IM_COL32)

constexpr Color rgba(uint8_t r, uint8_t g, uint8_t b, uint8_t a = 255) {
  return (Color{a} << 24) | (Color{b} << 16) | (Color{g} << 8) | Color{r};
}

Color kind_color(SliceKind k);
// A stable colour from a name, in the given kind's hue family (so CPU ops stay distinguishable).
Color name_color(std::string_view name, SliceKind k);
Color category_color(std::string_view category);  // "gemm", "attention", ... ; grey when unknown
Color text_color_on(Color bg);

}  // namespace hp
