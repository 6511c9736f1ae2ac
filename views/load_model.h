#pragma once
// The Load panel's model: server load over time, one chart per concept (batch size, queue depth, KV
// usage, preemptions, prompt and generation throughput) with one line per replica (label set), plus
// preemption and failed-request markers. Series are found by canonical concept (assets/metric_map.json):
// the run's own scrape first, else a Prometheus server's, else the server log's; throughput comes from the
// token counters' rate when they come from a better origin than the throughput gauges. Counters are
// drawn as rates between samples (a reset restarts from the new value). Pure; drawn by load_panel.h.
#include <string>
#include <vector>

#include "core/serving/metric_map.h"
#include "core/session/session.h"
#include "views/plot/axis.h"
#include "views/plot/bins.h"

namespace hp {

struct LoadLine {
  std::string replica;  // the series' labels, or "" for the only one
  std::vector<Ns> ts;   // session time, sorted
  std::vector<double> value;
};

struct LoadChart {
  std::string concept_name, title;
  plot::Unit unit = plot::Unit::Count;
  std::string source;  // "metrics", "prometheus" or "log"
  std::vector<LoadLine> lines;
  double y_max = 1;  // over every line, in [t0, t1]
};

struct LoadModel {
  Ns t0 = 0, t1 = 1;  // the charts' time span (session time)
  std::vector<LoadChart> charts;
  std::vector<Ns> preemptions;  // times at which a preemption counter rose
  std::vector<Ns> failures;     // end times of failed requests
  std::string note;
};

LoadModel load_model(const Session& s, const serving::MetricMap* map, Ns begin = INT64_MIN,
                     Ns end = INT64_MAX);

// One line's min/max per pixel column over [t0, t1); a column without a sample holds the last value
// before it (gauges are step functions), so a line has no gaps; each column also spans the value held
// entering it, so a step draws as a vertical edge.
std::vector<plot::Column> line_columns(const LoadLine& line, Ns t0, Ns t1, int columns);

// How many of the sorted times `ts` fall in each of `columns` equal columns over [t0, t1): markers drawn
// once per column, however many events (a counter that rises on every scrape marks every sample).
std::vector<uint32_t> mark_columns(const std::vector<Ns>& ts, Ns t0, Ns t1, int columns);

}  // namespace hp
