#pragma once
// Builds one Session from a trace Run and any number of serving sources, and places them all on
// one clock:
//  - a trace with an absolute base (Kineto baseTimeNanoseconds, nsys session start, or epoch-µs
//    timestamps) fixes the axis: session time = Run time, epoch = session time + base;
//  - without a trace, session time 0 is the first serving second;
//  - a trace with no absolute base is placed at the profiler start a serve-profile run recorded
//    (meta "profile.started_ns"), else at the start of the serving data, and labelled so.
// Serving sources keep their epoch times (plus the user's shift). A warning names sources that do
// not overlap the others in time.
#include <map>
#include <memory>
#include <string>

#include "core/serving/serving_data.h"
#include "core/session/session.h"

namespace hp {

class SessionBuilder {
 public:
  SessionBuilder();
  void set_run(std::shared_ptr<const Run> run, std::string name);
  // A serving source; resolution_ns > 0 says its times are that coarse (whole-second logs).
  // (By value: move a large capture in rather than copying it.)
  void add_serving(ServingData data, SourceKind kind, std::string name, Ns resolution_ns = 0);
  // An expert-load input (counts without a time axis): listed as a source, kept in Session::experts.
  void add_experts(experts::ExpertLoad load, std::string name);
  // The user's shift of a serving source (by name), e.g. from meta "clock.shift_ns.<name>".
  void set_shift(const std::string& source_name, Ns shift_ns) { shifts_[source_name] = shift_ns; }
  std::shared_ptr<const Session> finish();

 private:
  struct Pending {
    ServingData data;
    SourceKind kind;
    std::string name;
    Ns resolution_ns;
  };
  std::shared_ptr<const Run> run_;
  std::string run_name_;
  std::vector<Pending> pending_;
  std::map<std::string, Ns> shifts_;
  std::vector<std::pair<experts::ExpertLoad, std::string>> experts_;
};

// Kind and unit of a series from its name (Prometheus suffixes, vLLM/SGLang names, log concepts).
SeriesKind series_kind_of(std::string_view name);
std::string series_unit_of(std::string_view name);

}  // namespace hp
