#include "core/session/session_concepts.h"

namespace hp {

int series_origin_rank(SeriesOrigin o) {
  switch (o) {
    case SeriesOrigin::Scrape:
      return 0;
    case SeriesOrigin::Fleet:
      return 1;
    case SeriesOrigin::Log:
      return 2;
    default:
      return 3;
  }
}

std::vector<std::pair<size_t, double>> session_concept_series(const Session& s, const serving::MetricMap* map,
                                                              std::string_view concept_name,
                                                              std::string_view engine) {
  std::vector<std::pair<size_t, double>> found;
  int best = 99;
  for (size_t i = 0; i < s.series.size(); ++i) {
    const auto& info = s.series.info[i];
    const std::string_view name = s.str(info.name);
    double scale = 1.0;
    if (name != concept_name) {
      const serving::MetricMapping* m = map ? map->lookup(name, engine) : nullptr;
      if (!m || m->series != name || m->concept_name != concept_name) continue;
      scale = m->scale;
    }
    const int rank = series_origin_rank(info.origin);
    if (rank < best) found.clear(), best = rank;
    if (rank == best) found.emplace_back(i, scale);
  }
  return found;
}

}  // namespace hp
